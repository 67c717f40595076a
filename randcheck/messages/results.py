"""Messages of ``randcheck results``, ``history`` and ``calendar`` (一公开 of results)."""

MESSAGES: dict[str, dict[str, str]] = {
    # -- help --
    "results.help": {
        "zh": "检查结果（一公开）：录入模板、导入、20 个工作日公示期限、签名公示、导出。",
        "en": "Inspection results (一公开): entry template, import, the 20-working-day deadline, signed publication, export.",
    },
    "results.template.help": {
        "zh": "为任务当前的正式抽取记录写出检查结果录入表（XLSX，--csv 为 CSV）：每个检查对象 × 抽查事项一行，已填好序号、统一社会信用代码、名称、抽查事项、检查组（含替补后的调整），检查结果列带用语下拉选项。",
        "en": "Write the result entry sheet (XLSX, or CSV with --csv) for the task's current official record: one row per target × item, prefilled with number, credit code, name, item and team (after substitutions); the result column has a drop-down of the vocabulary.",
    },
    "results.import.help": {
        "zh": "导入填好的检查结果（XLSX、UTF-8 或 GBK 的 CSV、JSON）：全部行无误才写入，否则列出每个错误行且不做任何改动。未改动的行不重复写入；已公示的结果只能用 --correct --reason 更正，并在下一次公示中签名发布。",
        "en": "Import filled-in results (XLSX, UTF-8 or GBK CSV, JSON): all rows or none, every bad row listed. Unchanged rows are no-ops; a published result changes only with --correct --reason, and the next publication signs the correction.",
    },
    "results.due.help": {
        "zh": "列出每个检查对象 × 事项的检查完成日期、公示期限（默认检查完成后第 20 个工作日，当日不计入，按法定节假日与调休计算）、公示日期和状态（待录入/待公示/已公示/逾期/待定）。有逾期时退出码为 1，可用于定时任务。",
        "en": "List every target × item with its completion date, publication deadline (by default the 20th working day after, the day itself not counted, on China's holiday calendar), publication date and status (to enter / to publish / published / overdue / unknown). Exit 1 when anything is overdue, for cron.",
    },
    "results.publish.help": {
        "zh": "签名并记入审计日志一份检查结果公示文件：包含上次公示以来录入的结果和更正。之后运行 randcheck publish TASK 重写公示材料。",
        "en": "Sign and log a results document holding the results and corrections entered since the last one. Then run randcheck publish TASK to rewrite the bundle.",
    },
    "results.export.help": {
        "zh": "导出已公示的检查结果，供录入国家企业信用信息公示系统（字段映射见 docs/results.md）。",
        "en": "Export published results for the National Enterprise Credit Information Publicity System (field mapping in docs/results.md).",
    },
    "results.arg.task": {"zh": "任务编号", "en": "task id"},
    "results.arg.task_opt": {
        "zh": "任务编号（省略则为全部已抽取任务）",
        "en": "task id (all drawn tasks when omitted)",
    },
    "results.arg.file": {"zh": "输入文件", "en": "input file"},
    "results.opt.out": {"zh": "输出文件", "en": "output file"},
    "results.opt.csv": {
        "zh": "写出 CSV（UTF-8 带 BOM）而不是 XLSX",
        "en": "write CSV (UTF-8 with BOM) instead of XLSX",
    },
    "results.opt.template_lang": {
        "zh": "表头语言 zh 或 en（默认同 --lang）",
        "en": "header language zh or en (default: --lang)",
    },
    "results.opt.correct": {
        "zh": "更正已公示的结果（须同时给出 --reason）",
        "en": "correct already published results (needs --reason)",
    },
    "results.opt.reason": {
        "zh": "更正原因（随更正一起签名公示）",
        "en": "reason for the correction (published, signed, with it)",
    },
    "results.opt.on": {
        "zh": "按该日期（YYYY-MM-DD，北京时间）计算状态，默认今天",
        "en": "compute statuses as of this date (YYYY-MM-DD, Beijing), default today",
    },
    "results.opt.strict": {
        "zh": "期限无法计算（日历缺少年份）也视为失败",
        "en": "count deadlines that cannot be computed (a year missing from the calendar) as failures",
    },
    "results.opt.format": {"zh": "导出格式（gsxt）", "en": "export format (gsxt)"},
    # -- outcomes --
    "results.template.done": {"zh": "已写出录入表：{path}", "en": "Entry sheet written: {path}"},
    "results.import.done": {
        "zh": "已导入 {file}：新增 {added}，修改 {changed}，更正 {corrected}，未变 {unchanged}，未填 {blank}。",
        "en": "Imported {file}: {added} added, {changed} changed, {corrected} corrected, {unchanged} unchanged, {blank} not filled in.",
    },
    "results.next.publish": {
        "zh": "下一步：randcheck results publish {task}",
        "en": "Next: randcheck results publish {task}",
    },
    "results.next.bundle": {
        "zh": "下一步：randcheck publish {task}（重写公示材料）",
        "en": "Next: randcheck publish {task} (rewrites the bundle)",
    },
    "results.publish.done": {
        "zh": "任务 {task} 第 {seq} 号检查结果公示已签名并记入日志：{count} 条（其中更正 {corrections} 条），摘要 {digest}",
        "en": "Results document {seq} of task {task} signed and logged: {count} results ({corrections} corrections), digest {digest}",
    },
    "results.publish.late": {
        "zh": "注意：其中 {count} 条已超过公示期限（逾期公示）。",
        "en": "Note: {count} of them are past their publication deadline (published late).",
    },
    "results.export.done": {
        "zh": "已导出 {count} 行：{path}",
        "en": "Exported {count} rows: {path}",
    },
    "results.due.summary": {
        "zh": "截至 {on}：待录入 {to_enter}，待公示 {to_publish}，已公示 {published}，逾期 {overdue}，待定 {unknown}。",
        "en": "As of {on}: {to_enter} to enter, {to_publish} to publish, {published} published, {overdue} overdue, {unknown} unknown.",
    },
    "results.col.task": {"zh": "任务", "en": "Task"},
    "results.col.code": {"zh": "统一社会信用代码", "en": "Credit code"},
    "results.col.name": {"zh": "名称", "en": "Name"},
    "results.col.item": {"zh": "抽查事项", "en": "Item"},
    "results.col.formed": {"zh": "检查完成日期", "en": "Completed"},
    "results.col.deadline": {"zh": "公示期限", "en": "Deadline"},
    "results.col.published": {"zh": "公示日期", "en": "Published"},
    "results.col.status": {"zh": "状态", "en": "Status"},
    "results.status.to_enter": {"zh": "待录入", "en": "to enter"},
    "results.status.to_publish": {"zh": "待公示", "en": "to publish"},
    "results.status.published": {"zh": "已公示", "en": "published"},
    "results.status.overdue": {"zh": "逾期", "en": "overdue"},
    "results.status.unknown": {"zh": "待定", "en": "unknown"},
    "results.status.late_suffix": {"zh": "（逾期公示）", "en": " (late)"},
    "results.status.correction_suffix": {"zh": "（更正待公示）", "en": " (correction to publish)"},
    # -- refusals --
    "results.not_drawn": {
        "zh": "任务 {task} 尚未抽取，没有可录入结果的检查对象。请用 randcheck task list 核对任务编号；任务须先公告并抽取（randcheck task announce {task}，randcheck draw {task}）。",
        "en": "task {task} has not been drawn: it has no targets to enter results for. Check the id with randcheck task list; a task must be announced and drawn first (randcheck task announce {task}, randcheck draw {task}).",
    },
    "results.no_official_record": {
        "zh": "任务 {task} 没有有效的正式抽取记录。",
        "en": "task {task} has no official record.",
    },
    "results.no_task": {
        "zh": "缺少任务编号（工作区有多个已抽取任务时，文件须有“任务编号”列）",
        "en": "no task id (with several drawn tasks, the file needs a 任务编号 column)",
    },
    "results.not_a_target": {
        "zh": "不是任务 {task} 当前的检查对象（含补充记录替补后）",
        "en": "not a current target of task {task} (after addenda)",
    },
    "results.not_an_item": {
        "zh": "不是任务 {task} 的抽查事项（应为 {items} 之一）",
        "en": "not an item of task {task} (one of {items})",
    },
    "results.bad_date": {"zh": "日期无法识别（应为 YYYY-MM-DD）", "en": "not a date (YYYY-MM-DD)"},
    "results.future_date": {"zh": "日期晚于今天（{today}）", "en": "a date after today ({today})"},
    "results.before_draw": {
        "zh": "日期早于抽取日期 {drawn}",
        "en": "a date before the draw ({drawn})",
    },
    "results.outside_window": {
        "zh": "不在检查时间 {start} 至 {end} 之内：请在“超出检查时间说明”列写明原因",
        "en": "outside the inspection window {start} to {end}: give the reason in the column 超出检查时间说明",
    },
    "results.not_team": {
        "zh": "检查人员须是该对象的检查组成员（{team}）",
        "en": "the inspectors must be members of the target's team ({team})",
    },
    "results.duplicate_row": {
        "zh": "与第 {first} 行重复（同一对象、同一事项 {item}）：只保留其中一行",
        "en": "duplicates row {first} (same target, same item {item}): keep only one of the two rows",
    },
    "results.published_needs_correct": {
        "zh": "事项 {item} 的结果已在第 {seq} 号公示中发布：修改须用 --correct --reason “原因”，并将作为更正签名公示",
        "en": 'the result for item {item} was published in results document {seq}: change it with --correct --reason "why"; it is then published, signed, as a correction',
    },
    "results.bad_rows": {
        "zh": "{file} 有 {count} 处错误，未导入任何数据。请按下表改正这些行后重新导入整个文件：",
        "en": "{file} has {count} errors; nothing was imported. Correct the rows listed below and import the whole file again:",
    },
    "results.correct_needs_reason": {
        "zh": "--correct 须同时给出 --reason “更正原因”",
        "en": '--correct needs --reason "why"',
    },
    "results.reason_without_correct": {
        "zh": "--reason 只用于 --correct 更正：更正已公示的结果请加 --correct，否则去掉 --reason",
        "en": "--reason is only for --correct: add --correct to correct published results, or leave --reason out",
    },
    "results.nothing_to_publish": {
        "zh": "任务 {task} 没有待公示的结果（先运行 randcheck results import）",
        "en": "task {task} has no results to publish (run randcheck results import first)",
    },
    "results.record_changed": {
        "zh": "任务 {task} 的正式记录已被重抽取代，之前公示的结果属于旧记录",
        "en": "the official record of task {task} was replaced by a redraw; earlier published results belong to the old record",
    },
    "results.stale_row": {
        "zh": "任务 {task} 的结果 {target} / {item} 已不符合当前记录或用语表，请重新导入",
        "en": "the result {target} / {item} of task {task} no longer fits the record or the vocabulary; import it again",
    },
    "results.bad_days": {
        "zh": "randcheck.toml 中事项 {item} 的公示工作日数 {value} 无效：请在 randcheck.toml 中改为 1–365 的整数",
        "en": "randcheck.toml: the publication period of item {item}, {value}, is not an integer from 1 to 365: correct it in randcheck.toml",
    },
    "results.bad_on": {
        "zh": "--on 的日期无效：{value}（请写成 YYYY-MM-DD，例如 2026-03-31）",
        "en": "--on is not a date: {value} (write YYYY-MM-DD, e.g. 2026-03-31)",
    },
    "results.bad_format": {
        "zh": "未知的导出格式 {value}（可用：{formats}）",
        "en": "unknown export format {value} (available: {formats})",
    },
    # -- the document and its chain (verify) --
    "results.bad_fields": {
        "zh": "检查结果公示文件的字段不符合规范（{where}）",
        "en": "the results document's fields do not follow the spec ({where})",
    },
    "results.bad_order": {
        "zh": "检查结果公示文件中的条目未按规定排序或有重复",
        "en": "the results document's entries are out of order or repeated",
    },
    "results.chain_broken": {
        "zh": "第 {seq} 号检查结果公示的序号或前一份摘要不连续",
        "en": "results document {seq}: its number or previous digest breaks the chain",
    },
    "results.wrong_record": {
        "zh": "第 {seq} 号检查结果公示不属于本任务的正式记录",
        "en": "results document {seq} is not bound to this task's record",
    },
    "results.unknown_addenda": {
        "zh": "第 {seq} 号检查结果公示引用了不存在的补充记录（{n} 份）",
        "en": "results document {seq} refers to {n} addenda, more than there are",
    },
    "results.wrong_vocabulary": {
        "zh": "第 {seq} 号检查结果公示使用的用语表 {id} 与公示材料中的不一致",
        "en": "results document {seq} uses vocabulary {id}, not the one in the bundle",
    },
    "results.time_backwards": {
        "zh": "第 {seq} 号检查结果公示的签发时间早于前一份或早于抽取",
        "en": "results document {seq} is dated before the previous one or the draw",
    },
    "results.bad_terms": {
        "zh": "第 {seq} 号公示中 {target} / {item} 的结果“{terms}”不是用语表中的规范写法",
        "en": "results document {seq}: the result of {target} / {item}, {terms}, is not in the vocabulary's form",
    },
    "results.date_out_of_range": {
        "zh": "第 {seq} 号公示中 {target} / {item} 的检查完成日期 {date} 早于抽取或晚于公示日期",
        "en": "results document {seq}: the completion date {date} of {target} / {item} is before the draw or after the document",
    },
    "results.silent_change": {
        "zh": "第 {seq} 号公示改变了第 {first} 号已公示的 {target} / {item} 结果，却未标为更正",
        "en": "results document {seq} changes the result of {target} / {item} published in document {first} without marking it a correction",
    },
    "results.correction_of_nothing": {
        "zh": "第 {seq} 号公示更正了从未公示过的 {target} / {item}",
        "en": "results document {seq} corrects {target} / {item}, which was never published",
    },
    # -- history --
    "history.help": {
        "zh": "检查历史：导入在 randcheck 之外进行的检查（其他部门、个案/专项检查），供下次抽取的排除规则与轮换使用。",
        "en": "Inspection history: import inspections done outside randcheck (other departments, case-driven or special checks) for the next draw's exclusion rules and rotation.",
    },
    "history.import.help": {
        "zh": "导入检查历史（XLSX/CSV/JSON）。必需列：统一社会信用代码、检查日期、来源、是否随机抽查（个案/专项检查填“否”）；可选：抽查事项、检查人员（执法证号）、检查结果、检查部门、任务编号。全部行无误才写入；完全相同的行不重复导入。",
        "en": "Import inspection history (XLSX/CSV/JSON). Required columns: credit code, date, source, random (no for case-driven or special checks); optional: item, inspectors (badge numbers), result, department, task number. All rows or none; identical rows are not added twice.",
    },
    "history.import.done": {
        "zh": "已导入 {file}：新增 {added} 条，已有 {unchanged} 条。",
        "en": "Imported {file}: {added} added, {unchanged} already there.",
    },
    "history.bad_rows": {
        "zh": "{file} 有 {count} 处错误，未导入任何数据。请按下表改正这些行后重新导入整个文件：",
        "en": "{file} has {count} errors; nothing was imported. Correct the rows listed below and import the whole file again:",
    },
    "history.no_code": {"zh": "缺少统一社会信用代码", "en": "no credit code"},
    "history.no_source": {
        "zh": "缺少来源（例如“某某局个案检查”）",
        "en": "no source (e.g. the department's case check)",
    },
    "history.bad_random": {"zh": "“是否随机抽查”应为 是 或 否", "en": "random must be yes or no"},
    "history.bad_inspectors": {
        "zh": "检查人员列表无法识别",
        "en": "the inspector list cannot be read",
    },
    # -- calendar --
    "calendar.arg.year": {"zh": "年份", "en": "year"},
    "calendar.import.done": {
        "zh": "已录入 {years} 年的节假日安排（{days} 天）。",
        "en": "Entered the holiday arrangement of {years} ({days} days).",
    },
    "calendar.import.replaced_shipped": {
        "zh": "注意：{year} 年的安排已随软件提供，现以导入文件为准（文件须包含该年全部放假与调休日期）。",
        "en": "Note: {year} ships with randcheck; the imported file now replaces it (the file must hold every holiday and make-up day of that year).",
    },
    "calendar.show.known": {
        "zh": "工作日历：随软件提供 {first}–{last} 年；本机关录入：{office}。",
        "en": "Working-day calendar: shipped {first}–{last}; entered by this office: {office}.",
    },
    "calendar.col.day": {"zh": "日期", "en": "Day"},
    "calendar.col.kind": {"zh": "安排", "en": "Arrangement"},
    "calendar.kind.holiday": {"zh": "放假", "en": "holiday"},
    "calendar.kind.workday": {"zh": "调休上班", "en": "make-up working day"},
}

MESSAGES.update(
    {
        "verify.results_none": {
            "zh": "尚无检查结果公示",
            "en": "no inspection results published yet",
        },
        "verify.results_table_unsigned": {
            "zh": "{file} 没有对应的已签名检查结果公示文件",
            "en": "{file} has no signed results documents behind it",
        },
        "verify.results_vocabulary_name": {
            "zh": "用语表文件名 {file} 与其内容摘要不符",
            "en": "the vocabulary file name {file} does not match its digest",
        },
        "verify.results_documents_ok": {
            "zh": "{documents} 份检查结果公示签名有效，绑定本记录的检查对象与事项，用语规范、更正链完整（{results} 条结果）",
            "en": "{documents} results documents: signatures valid, bound to this record's targets and items, terms from the vocabulary, corrections chained ({results} results)",
        },
        "verify.results_logged": {
            "zh": "{documents} 份检查结果公示均已记入审计日志",
            "en": "all {documents} results documents are in the audit log",
        },
        "verify.results_table_header": {
            "zh": "{file} 的表头不符合规范",
            "en": "{file}: the header is not the spec's",
        },
        "verify.results_table_differs": {
            "zh": "{file} 第 {row} 行与已签名的检查结果不一致",
            "en": "{file} row {row} differs from the signed results",
        },
        "verify.results_table_ok": {
            "zh": "检查结果表与已签名的公示一致（{rows} 行）",
            "en": "the results table matches the signed documents ({rows} rows)",
        },
        "verify.results_late": {
            "zh": "信息：{count} 条结果在机关声明的公示期限之后才首次公示（例如 {target} / {item}）",
            "en": "information: {count} results were first published after the deadline the office stated (e.g. {target} / {item})",
        },
        "verify.results_timely": {
            "zh": "{count} 条结果均在机关声明的公示期限内首次公示",
            "en": "all {count} results were first published by the deadline the office stated",
        },
    }
)

MESSAGES.update(
    {
        "verify.what.inspection.documents": {
            "zh": "检查结果公示文件（签名、绑定、用语、更正链）",
            "en": "results documents (signatures, binding, terms, corrections)",
        },
        "verify.what.inspection.log": {
            "zh": "检查结果公示记入审计日志",
            "en": "results documents in the log",
        },
        "verify.what.inspection.table": {
            "zh": "inspection-results.csv/.xlsx 与签名一致",
            "en": "inspection-results.csv/.xlsx match the signed results",
        },
        "verify.what.inspection.timely": {
            "zh": "是否在公示期限内（信息）",
            "en": "published by the deadline (information)",
        },
    }
)

MESSAGES.update(
    {
        "history.none": {"zh": "检查历史：无", "en": "Inspection history: none"},
        "history.title": {"zh": "检查历史", "en": "Inspection history"},
        "history.col.date": {"zh": "检查日期", "en": "Date"},
        "history.col.task": {"zh": "任务/文书编号", "en": "Task / ref"},
        "history.col.item": {"zh": "事项", "en": "Item"},
        "history.col.inspectors": {"zh": "检查人员", "en": "Inspectors"},
        "history.col.result": {"zh": "结果", "en": "Result"},
        "history.col.source": {"zh": "来源", "en": "Source"},
        "history.random": {"zh": "随机抽查", "en": "random"},
        "history.not_random": {"zh": "非随机", "en": "not random"},
    }
)
