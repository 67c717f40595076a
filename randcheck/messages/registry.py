"""Registries: import/export errors, credit-code checks, command help, column headings."""

_COLUMNS: dict[str, tuple[str, str]] = {
    "code": ("统一社会信用代码/注册号", "credit code / reg. no."),
    "legacy_reg_no": ("注册号", "legacy reg. no."),
    "name": ("名称", "name"),
    "subject_type": ("主体类别", "subject type"),
    "registration_authority": ("登记机关", "registration authority"),
    "jurisdiction_unit": ("管辖单位", "jurisdiction unit"),
    "region_code": ("行政区划", "region"),
    "grid": ("片区", "grid"),
    "industry": ("行业", "industry"),
    "status": ("状态", "status"),
    "tags": ("监管标签", "tags"),
    "risk_class": ("风险等级（内部）", "risk class (internal)"),
    "risk_as_of": ("风险分类日期", "risk as of"),
    "last_inspected_on": ("上次检查日期", "last inspected"),
    "active": ("有效", "active"),
    "badge_no": ("执法证号", "badge no."),
    "issuer": ("发证机关", "issuer"),
    "cert_valid_until": ("证件有效期至", "certificate valid until"),
    "unit": ("工作单位", "unit"),
    "department": ("部门", "department"),
    "region": ("所属地区", "region"),
    "specialties": ("业务专长", "specialties"),
    "qualifications": ("执法资质", "qualifications"),
    "is_expert": ("专家", "expert"),
    "legal_basis": ("抽查依据", "legal basis"),
    "method": ("抽查方式", "method"),
    "scope_tags": ("抽查对象标签", "scope tags"),
    "scope_filter": ("对象范围", "scope filter"),
    "required_qualification": ("检查人员要求", "required qualification"),
    "item_type": ("事项类型", "item type"),
    "ratio_cap": ("抽查比例上限", "ratio cap"),
    "frequency": ("抽查频次", "frequency"),
    "entity_code": ("检查对象代码", "entity code"),
    "relation": ("关系", "relation"),
    "source": ("来源", "source"),
    "declared_on": ("申报日期", "declared on"),
}

_FILTERS: dict[str, tuple[str, str]] = {
    "region": ("按行政区划代码（前缀）筛选", "filter by region code (prefix)"),
    "industry": (
        "按行业代码（前缀，GB/T 4754）筛选",
        "filter by industry code (prefix, GB/T 4754)",
    ),
    "status": ("按状态筛选（如 存续）", "filter by status (e.g. 存续)"),
    "tag": ("按监管标签筛选", "filter by tag"),
    "risk": ("按风险等级筛选（内部）", "filter by risk class (internal)"),
    "unit": ("按工作单位筛选", "filter by unit"),
    "department": ("按部门筛选", "filter by department"),
    "specialty": ("按业务专长筛选", "filter by specialty"),
    "qualification": ("按执法资质筛选", "filter by qualification"),
    "expert": ("按是否专家筛选（true/false）", "filter by expert flag (true/false)"),
    "type": ("按事项类型筛选（重点/一般）", "filter by item type (重点/一般)"),
    "badge": ("按执法证号筛选", "filter by badge number"),
    "entity": ("按检查对象代码筛选", "filter by entity code"),
}

MESSAGES: dict[str, dict[str, str]] = {
    "registry.changed_meanwhile": {
        "zh": "导入期间 {table} 表被其他操作写入，本次未导入任何内容；请重新导入",
        "en": "the {table} table was written by another operation during the import; "
        "nothing was imported: run the import again",
    },
    "registry.scratch_failed": {
        "zh": "导入所需的临时文件（{path}）无法写入：{reason}。请腾出磁盘空间，或设置环境变量 TMPDIR 指向有空间的目录后重试；数据库未作任何改动",
        "en": "the import's scratch file (in {path}) could not be written: {reason}. Free disk space, or set TMPDIR to a folder with room, and try again; the database was not changed",
    },
    # credit codes
    "uscc.empty": {"zh": "代码为空", "en": "the code is empty"},
    "uscc.bad_length": {
        "zh": "长度为 {length}：统一社会信用代码应为 18 位，注册号为 15 位",
        "en": "length {length}: a credit code has 18 characters, a legacy reg. no. 15 digits",
    },
    "uscc.bad_char": {
        "zh": "含有不允许的字符 {char!r}（不使用 I、O、Z、S、V）",
        "en": "contains the character {char!r}, which is not allowed (I, O, Z, S, V are never used)",
    },
    "uscc.bad_region": {
        "zh": "第 3–8 位（行政区划码）必须是数字",
        "en": "positions 3–8 (region code) must be digits",
    },
    "uscc.bad_check": {
        "zh": "校验码错误（第 18 位应为 {expected}）",
        "en": "bad check character (position 18 should be {expected})",
    },
    "uscc.warn_org_check": {
        "zh": "警告：组织机构代码校验位（第 17 位）应为 {expected}",
        "en": "warning: the organisation-code check (position 17) should be {expected}",
    },
    "uscc.legacy_digits": {
        "zh": "注册号应为 15 位数字",
        "en": "a legacy reg. no. must be 15 digits",
    },
    "uscc.warn_legacy_check": {
        "zh": "警告：注册号校验位应为 {expected}",
        "en": "warning: the reg. no. check digit should be {expected}",
    },
    # file-level and row-level import errors
    "registry.bad_file": {
        "zh": "无法导入 {file}，未做任何更改",
        "en": "cannot import {file}; nothing was changed",
    },
    "registry.bad_rows": {
        "zh": "{file} 有 {count} 处错误，未做任何更改",
        "en": "{file} has {count} bad values; nothing was changed",
    },
    "registry.empty_file": {
        "zh": "文件为空（没有数据行）",
        "en": "the file is empty (no data rows)",
    },
    "registry.bad_encoding": {
        "zh": "编码无法识别：既不是 UTF-8 也不是 GBK/GB18030（第 {offset} 字节）",
        "en": "unknown encoding: neither UTF-8 nor GBK/GB18030 (at byte {offset})",
    },
    "registry.utf16": {
        "zh": "文件是 UTF-16 编码：请另存为“CSV UTF-8”",
        "en": "the file is UTF-16: save it as 'CSV UTF-8'",
    },
    "registry.not_csv_zip": {
        "zh": "扩展名是 .csv，但内容是压缩包（可能是 .xlsx）",
        "en": "named .csv but it is a zip archive (probably .xlsx)",
    },
    "registry.not_text": {
        "zh": "扩展名是 .csv，但内容是二进制数据",
        "en": "named .csv but it holds binary data",
    },
    "registry.not_xlsx": {
        "zh": "扩展名是 .xlsx，但内容不是 Excel 工作簿（看起来是 {kind}）",
        "en": "named .xlsx but it is not an Excel workbook (looks like {kind})",
    },
    "registry.not_json": {
        "zh": "扩展名是 .json，但内容不是 JSON 文本",
        "en": "named .json but it is not JSON text",
    },
    "registry.unknown_ext": {
        "zh": "不支持的文件类型 {ext}：请用 .csv、.xlsx、.json 或 .jsonl",
        "en": "unsupported file type {ext}: use .csv, .xlsx, .json or .jsonl",
    },
    "registry.bad_csv": {"zh": "CSV 格式错误：{reason}", "en": "malformed CSV: {reason}"},
    "registry.bad_xlsx": {
        "zh": "Excel 文件已损坏（{reason}）",
        "en": "damaged Excel file ({reason})",
    },
    "registry.bad_json": {"zh": "JSON 格式错误：{reason}", "en": "malformed JSON: {reason}"},
    "registry.too_deep": {
        "zh": "JSON 嵌套超过 {limit} 层，已拒绝（名录文件不会嵌套这么深）",
        "en": "JSON nested more than {limit} levels deep; refused (no registry file is "
        "nested that deeply)",
    },
    "registry.bad_json_line": {
        "zh": "此行不是有效 JSON：{reason}",
        "en": "this line is not valid JSON: {reason}",
    },
    "registry.json_not_array": {
        "zh": "JSON 文件应为对象数组",
        "en": "a JSON file must hold an array of objects",
    },
    "registry.not_object": {"zh": "应为 JSON 对象", "en": "expected a JSON object"},
    "registry.extra_cells": {
        "zh": "单元格多于表头（表头 {expected} 列）",
        "en": "more cells than header columns ({expected})",
    },
    "registry.formula": {
        "zh": "公式单元格：请粘贴为数值后再导入",
        "en": "formula cell: paste it as a value before importing",
    },
    "registry.bad_cell": {"zh": "无法识别的单元格内容", "en": "cell value of an unsupported type"},
    "registry.field_too_long": {
        "zh": "内容过长（{length} 字符，上限 {limit}）",
        "en": "value too long ({length} characters, limit {limit})",
    },
    "registry.map_unknown_field": {
        "zh": "--map 指向未知字段",
        "en": "--map names an unknown field",
    },
    "registry.duplicate_column": {
        "zh": "与列 {other!r} 对应同一字段",
        "en": "maps to the same field as column {other!r}",
    },
    "registry.missing_column": {
        "zh": "缺少必需的列（可用的列名：{headers}）",
        "en": "required column is missing (accepted headers: {headers})",
    },
    "registry.header_hint": {
        "zh": "提示：表头须在前 {rows} 行内，其上方的标题行和空行会自动跳过；"
        "若表头的列名与上面都不同，请改列名或用 --map 列名=字段 指定（见 docs/import.md）",
        "en": "hint: the header row must be within the first {rows} rows (title and blank rows "
        "above it are skipped); if its headers differ from the accepted ones above, rename "
        "them or give --map column=field (see docs/import.md)",
    },
    "registry.duplicate_key": {
        "zh": "重复：与第 {first} 行的键相同",
        "en": "duplicate: same key as row {first}",
    },
    "registry.required": {"zh": "必填项为空", "en": "required value is empty"},
    "registry.general_needs_cap": {
        "zh": "一般检查事项必须设抽查比例上限",
        "en": "a 一般 (general) item must have a ratio cap",
    },
    "registry.bad_date": {
        "zh": "日期无效（应为 YYYY-MM-DD）",
        "en": "invalid date (expected YYYY-MM-DD)",
    },
    "registry.bad_bool": {"zh": "应为 是/否 或 true/false", "en": "expected yes/no or true/false"},
    "registry.bad_ratio": {
        "zh": "比例无效（如 1/20、5%、0.05）",
        "en": "invalid ratio (e.g. 1/20, 5%, 0.05)",
    },
    "registry.ratio_range": {
        "zh": "比例应大于 0 且不超过 100%",
        "en": "ratio must be above 0 and at most 100%",
    },
    "registry.bad_item_type": {
        "zh": "事项类型应为 重点 或 一般",
        "en": "item type must be 重点 or 一般",
    },
    "registry.bad_risk": {"zh": "风险等级应为 A–E", "en": "risk class must be A–E"},
    "registry.bad_region": {
        "zh": "行政区划代码应为 6 位数字",
        "en": "region code must be 6 digits",
    },
    # usage and lookups
    "registry.unknown_field": {
        "zh": "{registry} 没有字段 {field!r}",
        "en": "{registry} has no field {field!r}",
    },
    "registry.unknown_registry": {
        "zh": "未知名录 {registry!r}",
        "en": "unknown registry {registry!r}",
    },
    "registry.unknown_filter": {
        "zh": "{registry} 不支持筛选条件 {filter!r}",
        "en": "{registry} has no filter {filter!r}",
    },
    "registry.bad_key": {
        "zh": "键 {key!r} 的格式应为 {form}",
        "en": "key {key!r} must have the form {form}",
    },
    "registry.not_found": {"zh": "{registry} 中没有 {key}", "en": "{key} is not in {registry}"},
    "registry.key_not_editable": {
        "zh": "键字段 {field} 不能修改",
        "en": "the key field {field} cannot be changed",
    },
    "registry.bad_edit": {
        "zh": "修改 {key} 的值无效，未做任何更改",
        "en": "invalid value for {key}; nothing was changed",
    },
    "registry.bad_reason": {
        "zh": "停用原因含有不允许的字符，未做任何更改",
        "en": "the reason holds a character that is not allowed; nothing was changed",
    },
    "registry.reason_required": {
        "zh": "必须填写原因（--reason）",
        "en": "a reason is required (--reason)",
    },
    "registry.bad_map": {
        "zh": "--map 应为 列名=字段：{text!r}",
        "en": "--map must be column=field: {text!r}",
    },
    "registry.bad_assignment": {
        "zh": "应为 字段=值：{text!r}",
        "en": "expected field=value: {text!r}",
    },
    "registry.export_ext": {
        "zh": "导出文件类型 {ext} 不支持：请用 .csv、.xlsx 或 .json",
        "en": "cannot export to {ext}: use .csv, .xlsx or .json",
    },
    # status lines
    "registry.progress": {"zh": "正在导入 {file}", "en": "importing {file}"},
    "registry.import.done": {
        "zh": "{registry}：已导入 {rows} 行，新增 {added}，更新 {updated}，未变 {unchanged}，停用 {deactivated}",
        "en": "{registry}: imported {rows} rows: {added} added, {updated} updated, {unchanged} unchanged, {deactivated} deactivated",
    },
    "registry.import.dry": {
        "zh": "{registry}（试运行，未做更改）：{rows} 行，将新增 {added}，更新 {updated}，未变 {unchanged}，停用 {deactivated}",
        "en": "{registry} (dry run, nothing changed): {rows} rows: would add {added}, update {updated}, leave {unchanged} unchanged, deactivate {deactivated}",
    },
    "registry.import.warnings": {
        "zh": "{count} 条警告（已导入）：",
        "en": "{count} warnings (imported anyway):",
    },
    "registry.import.unknown_columns": {
        "zh": "已忽略无法识别的列：{columns}（如需导入，用 --map 列名=字段，见 docs/import.md）",
        "en": "ignored unrecognised columns: {columns} (to import one, give --map column=field; "
        "see docs/import.md)",
    },
    "registry.import.ignored_columns": {
        "zh": "以下列不导入（不保存、不公开）：{columns}",
        "en": "columns not imported (not stored, never published): {columns}",
    },
    "registry.import.skipped": {
        "zh": "表头在第 {header} 行；已跳过其上方的 {count} 行：{rows}",
        "en": "header found in row {header}; skipped the {count} row(s) above it: {rows}",
    },
    "registry.import.skipped_row": {"zh": "第 {row} 行“{text}”", "en": "row {row} “{text}”"},
    "registry.import.skipped_blank": {"zh": "第 {row} 行（空行）", "en": "row {row} (blank)"},
    "registry.list.showing": {
        "zh": "显示 {shown} / 共 {total} 行",
        "en": "showing {shown} of {total} rows",
    },
    "registry.export.done": {
        "zh": "已导出 {count} 行到 {path}",
        "en": "exported {count} rows to {path}",
    },
    "registry.set.done": {"zh": "已修改 {record}：{fields}", "en": "changed {record}: {fields}"},
    "registry.set.nochange": {"zh": "{record} 无变化", "en": "{record}: nothing changed"},
    "registry.deactivate.done": {"zh": "已停用 {record}", "en": "deactivated {record}"},
    "registry.deactivate.already": {
        "zh": "{record} 已是停用状态",
        "en": "{record} was already inactive",
    },
    "registry.name.entities": {"zh": "检查对象名录库", "en": "entities"},
    "registry.name.inspectors": {"zh": "执法检查人员名录库", "en": "inspectors"},
    "registry.name.items": {"zh": "随机抽查事项清单", "en": "inspection items"},
    "registry.name.conflicts": {"zh": "回避关系", "en": "conflicts of interest"},
    # help texts
    "registry.entities.help": {
        "zh": "检查对象名录库：导入、查询、导出、修改。",
        "en": "Entity registry (检查对象名录库): import, query, export, edit.",
    },
    "registry.inspectors.help": {
        "zh": "执法检查人员名录库：导入、查询、导出、修改。",
        "en": "Inspector roster (执法检查人员名录库): import, query, export, edit.",
    },
    "registry.items.help": {
        "zh": "随机抽查事项清单：导入、查询、导出、修改。",
        "en": "Inspection-item list (随机抽查事项清单): import, query, export, edit.",
    },
    "registry.conflicts.help": {
        "zh": "回避关系（执法人员 × 检查对象）：导入、查询、导出、修改。",
        "en": "Conflicts of interest (回避, inspector × entity): import, query, export, edit.",
    },
    "registry.import.help": {
        "zh": "从 .csv/.xlsx/.json/.jsonl 导入（按键更新或新增）；任何一行有误则不做任何更改。"
        "值中的换行存为一个空格（列表字段中换行分隔各项）；含控制字符、文字方向控制字符"
        "（如 U+202E）或不可见字符（如 U+200B）的值会被拒绝，并指明行、列和字符。"
        "CSV/XLSX 单元格开头为 ' 且其后是 = + - @ ' 或制表符时，去掉这个 '（本工具导出时为防公式注入"
        "而加上的前缀），因此确实以 '= 等开头的值会少一个 '；需要保留时请用 JSON 导入。",
        "en": "Import from .csv/.xlsx/.json/.jsonl (upsert by key); one bad row means nothing "
        "changes. A line break inside a value is stored as one space (in list fields it "
        "separates items); a value holding a control character, a bidirectional control "
        "(e.g. U+202E) or an invisible character (e.g. U+200B) is refused, naming its row, "
        "column and character. In CSV/XLSX a cell starting with ' followed by = + - @ ' or tab "
        "loses that ' (the prefix exports add against formula injection), so a value that "
        "really starts with '= and the like loses one '; import JSON to keep it.",
    },
    "registry.list.help": {
        "zh": "列出记录（默认仅有效记录）。",
        "en": "List rows (active rows by default).",
    },
    "registry.count.help": {"zh": "统计记录数。", "en": "Count rows."},
    "registry.show.help": {"zh": "显示一条记录。", "en": "Show one row."},
    "registry.export.help": {
        "zh": "导出到 .csv/.xlsx/.json（原子写入）。CSV/XLSX 供人用表格软件打开：以 = + - @ ' "
        "或制表符开头的单元格前加 '，不会被当作公式（XLSX 单元格一律为文本），导入时自动去掉。"
        "JSON 供其他系统读取：值保持原样，不加前缀。",
        "en": "Export to .csv/.xlsx/.json (written atomically). CSV/XLSX are for people to open "
        "in a spreadsheet: a cell starting with = + - @ ' or tab gets a leading ' so that it is "
        "never taken for a formula (XLSX cells are always text); import takes it off again. "
        "JSON is for other systems: the values exactly as stored, no prefix.",
    },
    "registry.set.help": {
        "zh": "修改一条记录的字段：字段=值 …（记入审计日志）。",
        "en": "Change fields of one row: field=value ... (recorded in the audit log).",
    },
    "registry.deactivate.help": {
        "zh": "停用一条记录（从不删除；记入审计日志）。",
        "en": "Deactivate one row (never deleted; recorded in the audit log).",
    },
    "registry.arg.file": {"zh": "要导入的文件", "en": "file to import"},
    "registry.arg.out": {
        "zh": "导出文件（.csv/.xlsx 供人阅读，.json 供机器读取）",
        "en": "output file (.csv/.xlsx for people, .json for machines)",
    },
    "registry.arg.key": {"zh": "记录的键（{form}）", "en": "the row's key ({form})"},
    "registry.arg.assign": {"zh": "字段=值", "en": "field=value"},
    "registry.opt.map": {
        "zh": "列名=字段 对应关系（可重复）",
        "en": "map a column to a field: column=field (repeatable)",
    },
    "registry.opt.replace": {
        "zh": "文件中没有的有效记录标为停用（不删除）",
        "en": "mark active rows missing from the file inactive (never deletes)",
    },
    "registry.opt.dry_run": {
        "zh": "只显示将新增/更新/未变/停用的数量，不做更改",
        "en": "only show added/updated/unchanged/deactivated counts; change nothing",
    },
    "registry.opt.limit": {
        "zh": "最多显示行数（0 为不限）",
        "en": "show at most this many rows (0: no limit)",
    },
    "registry.opt.all": {"zh": "包括已停用的记录", "en": "include inactive rows"},
    "registry.opt.public": {
        "zh": "用于公开：去掉风险等级等内部字段",
        "en": "for publication: drop internal fields such as the risk class",
    },
    "registry.opt.active_only": {"zh": "只导出有效记录", "en": "export active rows only"},
    "registry.opt.reason": {
        "zh": "停用原因（记入审计日志）",
        "en": "reason (recorded in the audit log)",
    },
}

# a column whose heading differs in one registry (an item's code is not a credit code)
_REGISTRY_COLUMNS: dict[str, tuple[str, str]] = {
    "items.code": ("事项编码", "item code"),
    "items.name": ("抽查事项", "inspection item"),
    "inspectors.name": ("姓名", "name"),
    "inspectors.status": ("人员状态", "status"),
    "conflicts.badge_no": ("执法证号", "badge no."),
}
MESSAGES["registry.bool.yes"] = {"zh": "是", "en": "yes"}
MESSAGES["registry.bool.no"] = {"zh": "否", "en": "no"}
for _name, (_zh, _en) in _REGISTRY_COLUMNS.items():
    MESSAGES[f"registry.col.{_name}"] = {"zh": _zh, "en": _en}
# import templates (randcheck <registry> template) and the notes sheet
MESSAGES.update(
    {
        "registry.template.help": {
            "zh": "写出导入模板（XLSX）：中文表头、下拉选项，第二个工作表说明每列的含义、格式和示例"
            "（--lang en 为英文表头）。填好后可直接导入。",
            "en": "Write an import template (XLSX): the headers, drop-downs, and a second sheet "
            "explaining every column's meaning, format and example (Chinese headers; English "
            "with --lang en). A filled template imports as it is.",
        },
        "registry.template.opt_out": {
            "zh": "模板文件（.xlsx，默认 <名录>-template.xlsx）",
            "en": "template file (.xlsx; default <registry>-template.xlsx)",
        },
        "registry.template.done": {
            "zh": "已写出导入模板 {path}（说明见第二个工作表和 docs/import.md）",
            "en": "wrote the import template {path} (see its second sheet and docs/import.md)",
        },
        "registry.template.exists": {
            "zh": "{path} 已存在，未覆盖；请换一个文件名（--out）",
            "en": "{path} exists and was not overwritten; choose another name (--out)",
        },
        "registry.template.not_xlsx": {
            "zh": "模板必须是 .xlsx 文件：{path}",
            "en": "the template must be an .xlsx file: {path}",
        },
        "registry.template.sheet_data": {"zh": "数据", "en": "data"},
        "registry.template.sheet_notes": {"zh": "填写说明", "en": "notes"},
        "registry.template.pick": {
            "zh": "请从下拉列表中选择",
            "en": "pick a value from the list",
        },
        "registry.template.intro": {
            "zh": "在“数据”工作表第 1 行表头之下每行填一条记录；表头可改用“其他可用列名”中的任一个。"
            "表头之上可以有标题行和空行（前 {rows} 行内），导入时自动跳过。"
            "序号列可以保留，导入时忽略。完整说明见 docs/import.md。",
            "en": "Fill one record per row below the header of the 'data' sheet; a header may be "
            "any of its 'other accepted headers'. Title and blank rows above the header (within "
            "the first {rows} rows) are skipped on import; a 序号 (row number) column is "
            "ignored. Full reference: docs/import.md.",
        },
        "registry.template.ignored": {
            "zh": "这些列可以留在表中，但不会导入（不保存、不公开）：{columns}",
            "en": "these columns may stay in the file but are not imported (not stored, never "
            "published): {columns}",
        },
        "registry.template.col.column": {"zh": "列名", "en": "column"},
        "registry.template.col.meaning": {"zh": "说明", "en": "meaning"},
        "registry.template.col.required": {"zh": "必填", "en": "required"},
        "registry.template.col.format": {"zh": "格式", "en": "format"},
        "registry.template.col.example": {"zh": "示例", "en": "example"},
        "registry.template.col.others": {"zh": "其他可用列名", "en": "other accepted headers"},
        "registry.template.required": {"zh": "必填", "en": "required"},
        "registry.template.one_of": {
            "zh": "必填（或填{others}）",
            "en": "required (or {others})",
        },
        "registry.kind.text": {"zh": "文本", "en": "text"},
        "registry.kind.badge": {
            "zh": "编号文本（全角字符、空格自动规整）",
            "en": "an identifier (full-width characters and spaces normalised)",
        },
        "registry.kind.code": {
            "zh": "18 位统一社会信用代码（校验位必须正确）或 15 位注册号",
            "en": "18-character unified social credit code (check character verified) or "
            "15-digit legacy registration number",
        },
        "registry.kind.legacy": {
            "zh": "15 位注册号",
            "en": "15-digit legacy registration number",
        },
        "registry.kind.region": {
            "zh": "6 位行政区划代码；不填时取统一社会信用代码第 3–8 位",
            "en": "6-digit region code (GB/T 2260); when empty, characters 3–8 of the unified "
            "social credit code",
        },
        "registry.kind.date": {
            "zh": "日期：2026-01-05、2026/1/5、2026年1月5日、20260105 或 Excel 日期",
            "en": "date: 2026-01-05, 2026/1/5, 2026年1月5日, 20260105 or an Excel date",
        },
        "registry.kind.bool": {
            "zh": "是/否（也可 1/0、true/false），不填为否",
            "en": "yes/no (also 1/0, true/false, 是/否); empty means no",
        },
        "registry.kind.active": {
            "zh": "是/否（也可 1/0、有效/无效），不填为是",
            "en": "yes/no (also 1/0, 有效/无效); empty means yes",
        },
        "registry.kind.list": {
            "zh": "多个值用 、 , ; | 或换行分隔",
            "en": "several values separated by 、 , ; | or a line break",
        },
        "registry.kind.ratio": {
            "zh": "比例，大于 0 且不超过 1：5%、0.05、1/20 或 5‰",
            "en": "a ratio in (0, 1]: 5%, 0.05, 1/20 or 5‰",
        },
        "registry.kind.item_type": {
            "zh": "一般检查事项或重点检查事项（也可 一般/重点）；一般事项须填抽查比例",
            "en": "一般检查事项 (general) or 重点检查事项 (key); a general item needs a ratio cap",
        },
        "registry.kind.risk": {
            "zh": "风险等级 A–E，或 低风险/一般风险/较高风险/高风险（内部使用，不公开）",
            "en": "risk class A–E, or 低风险/一般风险/较高风险/高风险 (internal, never published)",
        },
        "registry.see_docs": {
            "zh": "可用的列名、格式和示例见 docs/import.md；randcheck {registry} template "
            "可写出一份填好表头的模板。",
            "en": "Accepted headers, formats and examples: docs/import.md; "
            "randcheck {registry} template writes a template with the headers filled in.",
        },
    }
)

for _name, (_zh, _en) in _COLUMNS.items():
    MESSAGES[f"registry.col.{_name}"] = {"zh": _zh, "en": _en}
for _name, (_zh, _en) in _FILTERS.items():
    MESSAGES[f"registry.filter.{_name}"] = {"zh": _zh, "en": _en}
