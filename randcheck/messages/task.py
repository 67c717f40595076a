"""Messages of task definitions, feasibility checks, announcements and draws."""

MESSAGES: dict[str, dict[str, str]] = {
    # definitions
    "taskdef.bad_table": {
        "zh": "{file}：{field} 应为表（对象）",
        "en": "{file}: {field} must be a table (object)",
    },
    "taskdef.bad_field": {
        "zh": "{file}：字段 {field} 的值 {value} 无效，应为 {expected}",
        "en": "{file}: field {field} has invalid value {value}; expected {expected}",
    },
    "taskdef.missing": {
        "zh": "{file}：缺少必填字段 {field}",
        "en": "{file}: required field {field} is missing",
    },
    "taskdef.unknown_field": {
        "zh": "{file}：未知字段 {field}。{hint}",
        "en": "{file}: unknown field {field}. {hint}",
    },
    "taskdef.hint.did_you_mean": {"zh": "是否想写 {name}？", "en": "Did you mean {name}?"},
    "taskdef.hint.fields": {
        "zh": "此处可用的字段：{fields}（见 docs/tasks.md）",
        "en": "Fields allowed here: {fields} (see docs/tasks.md)",
    },
    "taskdef.bad_status": {
        "zh": "{file}：{field} 的登记状态 {value} 不在词表中，可用：{values}（各自的同义写法见 docs/tasks.md）",
        "en": "{file}: {field}: registration status {value} is not in the vocabulary; use one of {values} (their synonyms are listed in docs/tasks.md)",
    },
    "taskdef.not_utf8": {
        "zh": "{file} 不是 UTF-8 编码（第 {offset} 字节）：请用文本编辑器另存为 UTF-8",
        "en": "{file} is not UTF-8 (byte {offset}): save it as UTF-8 in a text editor",
    },
    "taskdef.toml_syntax": {
        "zh": "{file} 第 {line} 行第 {column} 列：TOML 格式错误：{reason}",
        "en": "{file}, line {line}, column {column}: TOML syntax error: {reason}",
    },
    "taskdef.toml_syntax_end": {
        "zh": "{file} 末尾：TOML 格式错误：{reason}",
        "en": "{file}, at the end: TOML syntax error: {reason}",
    },
    "taskdef.toml.value": {
        "zh": '值无效（文字须加英文双引号，如 title = "2026年第一批"；日期写作 2026-12-01）',
        "en": 'invalid value (text needs double quotes, e.g. title = "2026 batch 1"; dates are written 2026-12-01)',
    },
    "taskdef.toml.statement": {
        "zh": "无法识别的行（应为 名称 = 值，或 [表名]）",
        "en": "a line that is neither name = value nor a [table] header",
    },
    "taskdef.toml.equals": {
        "zh": "字段名后缺少 =（应为 名称 = 值）",
        "en": "a field name without = after it (write name = value)",
    },
    "taskdef.toml.key": {
        "zh": "字段名以无效字符开头（字段名用英文字母，见 docs/tasks.md）",
        "en": "a field name starts with an invalid character (field names are English words, see docs/tasks.md)",
    },
    "taskdef.toml.array": {
        "zh": "列表缺少结尾的 ]（或两项之间缺少英文逗号）",
        "en": "a list without its closing ] (or a missing comma between two entries)",
    },
    "taskdef.toml.inline": {
        "zh": "{{ }} 表缺少结尾的 }}（或两项之间缺少英文逗号）",
        "en": "an inline {{ }} table without its closing }} (or a missing comma)",
    },
    "taskdef.toml.string": {
        "zh": "文字缺少结尾的英文双引号（中文引号“”不算）",
        "en": "text without its closing double quote (Chinese quotes “” do not count)",
    },
    "taskdef.toml.newline": {
        "zh": "一行只能写一个 名称 = 值（此处之后有多余的内容）",
        "en": "one name = value per line (there is more after it)",
    },
    "taskdef.toml.header": {
        "zh": "表名缺少结尾的 ] 或 ]]",
        "en": "a table header without its closing ] or ]]",
    },
    "taskdef.toml.twice": {
        "zh": "同一字段或表写了两次",
        "en": "the same field or table is written twice",
    },
    "taskdef.toml.date": {
        "zh": "日期或时间无效（写作 2026-12-01 或 2026-12-01T09:00:00+08:00）",
        "en": "invalid date or time (write 2026-12-01 or 2026-12-01T09:00:00+08:00)",
    },
    "taskdef.toml.char": {
        "zh": "此处不能有这个字符（文字须放在英文双引号内）：{detail}",
        "en": "a character that cannot stand here (text goes inside double quotes): {detail}",
    },
    "taskdef.toml.escape": {
        "zh": "文字中的反斜杠 \\ 用法无效（路径请写成 / 或用单引号）",
        "en": "an invalid backslash \\ in text (write paths with / or in single quotes)",
    },
    "taskdef.toml.other": {"zh": "{detail}", "en": "{detail}"},
    "taskdef.unreadable": {
        "zh": "{file} 不是有效的 TOML/JSON：{reason}",
        "en": "{file} is not valid TOML/JSON: {reason}",
    },
    "taskdef.duplicate_task": {
        "zh": "{file}：任务编号 {task} 重复",
        "en": "{file}: task id {task} appears twice",
    },
    "taskdef.undirected_filters": {
        "zh": "{file}：不定向抽查不能设置筛选条件（{field}）",
        "en": "{file}: an undirected draw cannot have filters ({field})",
    },
    "taskdef.count_or_ratio": {
        "zh": "{file}：{field} 须且只能设置 count 或 ratio 之一",
        "en": "{file}: {field} needs exactly one of count or ratio",
    },
    "taskdef.duplicate_stratum": {
        "zh": "{file}：{field} 中分层编号重复",
        "en": "{file}: duplicate stratum id in {field}",
    },
    "taskdef.risk_twice": {
        "zh": "{file}：{field} 中同一风险类别出现在两个分层",
        "en": "{file}: a risk class appears in two strata in {field}",
    },
    "taskdef.dates_order": {
        "zh": "{file}：{field} 早于检查开始日期",
        "en": "{file}: {field} is before the inspection start date",
    },
    "taskdef.no_public_entropy": {
        "zh": "{file}：{field} 至少需要一个公开随机源（骰子、彩票或 drand）",
        "en": "{file}: {field} needs at least one public randomness source (dice, lottery or drand)",
    },
    # what a definition field expects (the {expected} of taskdef.bad_field)
    "taskdef.exp.text": {"zh": "文本", "en": "text"},
    "taskdef.exp.bool": {"zh": "true 或 false", "en": "true or false"},
    "taskdef.exp.texts": {"zh": "文本列表", "en": "a list of texts"},
    "taskdef.exp.unique": {"zh": "不重复的值", "en": "no duplicates"},
    "taskdef.exp.tables": {"zh": "表（对象）的列表", "en": "a list of tables"},
    "taskdef.exp.date": {"zh": "日期 YYYY-MM-DD", "en": "a date YYYY-MM-DD"},
    "taskdef.exp.datetime": {
        "zh": "带时区的时间，如 2026-12-01T09:00:00+08:00",
        "en": "a date-time with time zone, e.g. 2026-12-01T09:00:00+08:00",
    },
    "taskdef.exp.ratio": {"zh": "比例 p/q 或 n%", "en": "a ratio p/q or n%"},
    "taskdef.exp.ratio_range": {
        "zh": "大于 0 且不超过 1 的比例",
        "en": "a ratio above 0 and at most 1",
    },
    "taskdef.exp.risk": {"zh": "非空的风险类别列表", "en": "a non-empty list of risk classes"},
    "taskdef.exp.witness_once": {"zh": "每名见证人只出现一次", "en": "each witness named once"},
    "taskdef.exp.lottery_once": {"zh": "每种彩票只出现一次", "en": "each lottery named once"},
    "taskdef.exp.int": {"zh": "{lo} 到 {hi} 之间的整数", "en": "an integer from {lo} to {hi}"},
    "taskdef.exp.at_least": {"zh": "不小于 {lo}", "en": "at least {lo}"},
    "taskdef.exp.pattern": {
        "zh": "字母、数字和 . _ -（最长 64 个字符，形如 {pattern}）",
        "en": "letters, digits and . _ - (at most 64 characters, {pattern})",
    },
    "taskdef.exp.one_of": {"zh": "以下之一：{values}", "en": "one of {values}"},
    # tasks
    "task.not_announced": {
        "zh": "任务 {task} 尚未公告：请先运行 randcheck task check {task}，再运行 randcheck task announce {task}",
        "en": "task {task} has not been announced: run `randcheck task check {task}`, then `randcheck task announce {task}`",
    },
    "record.not_found": {"zh": "找不到抽取记录 {ref}", "en": "no draw record {ref}"},
    "task.not_found": {
        "zh": "找不到任务 {task}（用 randcheck task list 查看已有任务）",
        "en": "no task {task} (see `randcheck task list`)",
    },
    "task.exists": {
        "zh": "任务 {task} 已存在（用 --replace 覆盖尚未公告的任务）",
        "en": "task {task} already exists (use --replace for a task not yet announced)",
    },
    "task.already_announced": {
        "zh": "任务 {task} 已公告，不能再修改或重复公告。如公告网页 notice.html 缺失（例如公告时被中断），请运行 randcheck task notice {task} 重新写出；用 randcheck task show {task} 查看任务状态",
        "en": "task {task} is already announced; it cannot be changed or announced again. If its notice page notice.html is missing (e.g. the announcement was interrupted), run `randcheck task notice {task}` to write it; `randcheck task show {task}` shows the task",
    },
    "task.unknown_item": {
        "zh": "任务 {task}：抽查事项 {item} 不在事项清单中或已失效（用 randcheck items list 查看事项清单）",
        "en": "task {task}: item {item} is not in the item list or is inactive (see `randcheck items list`)",
    },
    "task.bad_item_type": {
        "zh": "事项 {item} 的类型 {value!r} 应为 重点 或 一般",
        "en": "item {item} has type {value!r}; expected 重点 or 一般",
    },
    "task.general_without_cap": {
        "zh": "一般检查事项 {item} 必须设置抽查比例上限（如 randcheck items set {item} ratio_cap=5%）",
        "en": "general item {item} must have a ratio cap (e.g. `randcheck items set {item} ratio_cap=5%`)",
    },
    "task.no_department": {
        "zh": "任务 {task} 没有实施部门：请在任务文件中填写 departments，或为其抽查事项设置部门（见 docs/tasks.md）",
        "en": "task {task} has no department: list departments in the task file, or give its items a department (see docs/tasks.md)",
    },
    "task.check_failed": {
        "zh": "任务 {task} 未通过可行性检查：{reason}",
        "en": "task {task} failed its feasibility check: {reason}",
    },
    "task.drand_round_past": {
        "zh": "drand 轮次 {round} 不在公告时间之后：请在任务文件 [entropy.drand] 中改用更晚的 round，或删去 round 改用 delay，然后用 randcheck task create 任务文件 --replace 更新任务",
        "en": "drand round {round} is not after the announcement time: in the task file's [entropy.drand] choose a later round, or drop round and use delay, then update the task with `randcheck task create FILE --replace`",
    },
    "task.created": {"zh": "已创建任务：{tasks}", "en": "Created tasks: {tasks}"},
    "task.announced": {
        "zh": "任务 {task} 已公告并签名；公告摘要 {digest}",
        "en": "Task {task} announced and signed; announcement digest {digest}",
    },
    "task.notice_written": {"zh": "公示公告已写入 {path}", "en": "Public notice written to {path}"},
    "task.drand_at": {
        "zh": "drand 第 {round} 轮将于北京时间 {beijing} 产生（UTC {time}）",
        "en": "drand round {round} will be published at {beijing} Beijing time (UTC+8; {time} UTC)",
    },
    "task.drand_planned_past": {
        "zh": "计划抽取时间 {planned} 加 delay 对应的 drand 第 {round} 轮不在公告时间之后：请在任务文件中改用更晚的 planned_draw_at，然后用 randcheck task create 任务文件 --replace 更新任务",
        "en": "drand round {round}, from planned_draw_at {planned} plus the delay, is not after the announcement time: set a later planned_draw_at in the task file, then update the task with `randcheck task create FILE --replace`",
    },
    "check.drand_planned": {
        "zh": "drand 第 {round} 轮（计划抽取时间 {planned} 之后 {delay} 秒起的第一轮），北京时间 {time} 产生",
        "en": "drand round {round} (the first at or after planned_draw_at {planned} + {delay} s), published at {time} Beijing time",
    },
    "check.drand_planned_past": {
        "zh": "drand 第 {round} 轮（按计划抽取时间 {planned} 计算）已于北京时间 {time} 产生，不能作为未来随机源：请改用更晚的 planned_draw_at",
        "en": "drand round {round} (from planned_draw_at {planned}) was published at {time} Beijing time; it cannot be a future source: set a later planned_draw_at",
    },
    "task.notice_failed": {
        "zh": "任务 {task} 已公告，但公告网页未能写出：{reason}。请运行 randcheck task notice {task} 重试",
        "en": "task {task} is announced, but its notice page could not be written: {reason}. Run `randcheck task notice {task}` to retry",
    },
    "task.notice.help": {
        "zh": "（重新）写出已公告任务的公示公告网页 publish/<任务>/notice.html",
        "en": "(Re)write the public notice page publish/<task>/notice.html of an announced task",
    },
    "task.check_ok": {"zh": "任务 {task} 可以公告", "en": "Task {task} can be announced"},
    "task.check_bad": {
        "zh": "任务 {task} 不能公告：请先处理上面标为“不通过”的问题",
        "en": "Task {task} cannot be announced: fix the findings marked FAIL above",
    },
    "task.help": {
        "zh": "抽查任务：创建、查看、可行性检查、公告、公告网页",
        "en": "Inspection tasks: create, list, show, check, announce, notice.",
    },
    "task.create.help": {
        "zh": "从 TOML/JSON 文件创建任务（可为含多个 [[task]] 的年度抽查计划）",
        "en": "Create tasks from a TOML/JSON file (one task, or an annual plan of [[task]] tables)",
    },
    "task.list.help": {"zh": "列出任务", "en": "List tasks."},
    "task.show.help": {
        "zh": "显示一个任务的定义和状态",
        "en": "Show one task's definition and status.",
    },
    "task.check.help": {
        "zh": "可行性检查：检查对象池、分层、比例上限、执法人员、试配对",
        "en": "Feasibility: pool, strata, ratio caps, inspectors, trial staffing",
    },
    "task.announce.help": {
        "zh": "冻结名录快照、签名并记录公告（在任何随机数产生之前）",
        "en": "Freeze the snapshot, sign and log the announcement (before any randomness exists)",
    },
    "task.arg.file": {
        "zh": "任务定义文件（.toml 或 .json，格式见 docs/tasks.md）",
        "en": "task definition file (.toml or .json; format in docs/tasks.md)",
    },
    "task.opt.replace": {
        "zh": "覆盖尚未公告的同名任务",
        "en": "replace a task of the same id that is not yet announced",
    },
    "task.opt.key": {"zh": "签名密钥名称", "en": "signing key name"},
    "task.col.id": {"zh": "编号", "en": "id"},
    "task.col.title": {"zh": "名称", "en": "title"},
    "task.col.status": {"zh": "状态", "en": "status"},
    "task.col.created": {"zh": "创建时间", "en": "created"},
    "task.col.level": {"zh": "结论", "en": "result"},
    "task.col.finding": {"zh": "检查项", "en": "finding"},
    "task.col.stratum": {"zh": "分层", "en": "stratum"},
    "task.col.pool": {"zh": "对象数", "en": "pool"},
    "task.col.sample": {"zh": "抽取数", "en": "sample"},
    "task.col.reason": {"zh": "排除原因", "en": "exclusion"},
    "task.col.count": {"zh": "数量", "en": "count"},
    "task.level.ok": {"zh": "通过", "en": "OK"},
    "task.level.warn": {"zh": "注意", "en": "WARN"},
    "task.level.fail": {"zh": "不通过", "en": "FAIL"},
    "task.status.created": {"zh": "已创建", "en": "created"},
    "task.status.announced": {"zh": "已公告", "en": "announced"},
    "task.status.drawn": {"zh": "已抽取", "en": "drawn"},
    "task.passphrase": {"zh": "签名密钥“{name}”的口令", "en": "Passphrase of signing key '{name}'"},
    # feasibility findings
    "check.uncovered_class": {
        "zh": '{count} 个对象的风险类别 {risk} 不属于任何分层（不得免抽）：请把 {risk} 加入某个分层的 risk，或增加一个 risk = ["*"] 的分层',
        "en": '{count} entities of risk class {risk} are in no stratum (no class may be exempt): add {risk} to a stratum\'s risk, or add a stratum with risk = ["*"]',
    },
    "check.empty_stratum": {
        "zh": "分层 {stratum} 没有符合条件的对象",
        "en": "stratum {stratum} has no eligible entity",
    },
    "check.stratum": {
        "zh": "分层 {stratum}：{count} 个对象，抽取 {size} 个",
        "en": "stratum {stratum}: {count} entities, {size} to draw",
    },
    "check.nothing_to_draw": {"zh": "没有可抽取的对象", "en": "nothing to draw"},
    "check.inspectors": {
        "zh": "执法人员：名录 {roster} 人，符合资质 {eligible} 人，专家 {experts} 人",
        "en": "inspectors: {roster} on the roster, {eligible} qualified, {experts} experts",
    },
    "check.capacity": {
        "zh": "执法人员不足：需要 {need} 人次，最多可安排 {capacity} 人次",
        "en": "not enough inspectors: {need} assignments needed, at most {capacity} possible",
    },
    "check.capacity_guide": {
        "zh": "执法人员不足：需要 {need} 人次，按每人最多 {max_load} 个对象（teams.max_load）最多可安排 {capacity} 人次：可提高 teams.max_load 或减少抽取数量。{hint}",
        "en": "not enough inspectors: {need} assignments needed, at most {capacity} possible with at most {max_load} targets each (teams.max_load): raise teams.max_load or draw fewer. {hint}",
    },
    "check.hint.add_departments": {
        "zh": "可在任务文件 departments（现为 {current}）中加入以下部门，括号内为其符合条件的执法人员数：{offer}",
        "en": "Add some of these departments to the task file's departments (now {current}); in brackets, their eligible inspectors: {offer}",
    },
    "check.hint.add_departments_default": {
        "zh": "任务文件未写 departments，默认只用事项的部门 {current}。可在 departments 中列出 {current} 和以下部门（如市场监管所），括号内为其符合条件的执法人员数：{offer}",
        "en": "The task file has no departments, so only the items' department {current} serves. List {current} and some of these departments (e.g. the 市场监管所) in departments; in brackets, their eligible inspectors: {offer}",
    },
    "check.hint.no_other_department": {
        "zh": "其他部门也没有符合条件的执法人员：请检查并重新导入执法人员名录（randcheck inspectors import）",
        "en": "No other department has eligible inspectors either: check the inspector roster and import it again (`randcheck inspectors import`)",
    },
    "check.inspectors_short": {
        "zh": "执法人员不足：部门 {departments} 名录 {roster} 人，符合条件 {eligible} 人，每组至少需要 {need} 人。{hint}",
        "en": "not enough inspectors: departments {departments} have {roster} on the roster, {eligible} eligible; each team needs {need}. {hint}",
    },
    "check.no_qualification_data": {
        "zh": "执法人员：名录 {roster} 人，符合资质 {eligible} 人：事项要求资质 {qualifications}，但部门 {departments} 的执法人员名录没有资质数据。请在名录中加入“执法资质”（qualifications）列后重新导入（randcheck inspectors import）。{hint}",
        "en": "inspectors: {roster} on the roster, {eligible} qualified: the items require {qualifications}, but the roster of {departments} has no qualification data. Add the 执法资质 (qualifications) column to the roster and import it again (`randcheck inspectors import`). {hint}",
    },
    "check.qualification_nobody": {
        "zh": "执法人员：名录 {roster} 人，符合资质 {eligible} 人：没有人同时具备所需资质 {qualifications}（部门 {departments} 已有的资质：{present}）。请在执法人员名录的“执法资质”（qualifications）列中补充后重新导入。{hint}",
        "en": "inspectors: {roster} on the roster, {eligible} qualified: nobody holds all of {qualifications} (qualifications held in {departments}: {present}). Add them in the roster's 执法资质 (qualifications) column and import it again. {hint}",
    },
    "check.certificates_expired": {
        "zh": "执法人员：名录 {roster} 人，符合条件 {eligible} 人：{count} 人的执法证有效期未覆盖检查期间 {inspect_from} 至 {inspect_to}。请更新名录中的证件有效期，或调整 teams.inspect_from / inspect_to",
        "en": "inspectors: {roster} on the roster, {eligible} eligible: the certificates of {count} do not cover the inspection period {inspect_from} to {inspect_to}. Update their validity in the roster, or change teams.inspect_from / inspect_to",
    },
    "check.filter_empty": {
        "zh": "筛选条件 {field} = {wanted} 没有匹配任何有效对象；名录中现有的值（对象数）：{present}",
        "en": "filter {field} = {wanted} matches no active entity; values in the registry (entities): {present}",
    },
    "check.filters_disjoint": {
        "zh": "筛选条件 {fields} 各自都有匹配，但同时满足的对象为 0：请放宽其中之一",
        "en": "each of the filters {fields} matches some entities, but none matches all of them: widen one",
    },
    "check.status_empty": {
        "zh": "exclusions.statuses = {wanted} 排除了全部对象；名录中这些对象的登记状态（对象数）：{present}。登记状态按词表比较，见 docs/tasks.md",
        "en": "exclusions.statuses = {wanted} excluded every entity; their registration statuses (entities): {present}. Statuses are compared as vocabulary words, see docs/tasks.md",
    },
    "check.excluded_recent": {
        "zh": "{count} 个对象因近期已检查被排除：如需纳入，请减小 {field}",
        "en": "{count} entities were excluded as inspected recently: lower {field} to include them",
    },
    "check.excluded_annual_cap": {
        "zh": "{count} 个对象因已达年度检查次数上限被排除：如需纳入，请提高 {field}",
        "en": "{count} entities were excluded by the annual inspection cap: raise {field} to include them",
    },
    "check.excluded_drawn_this_year": {
        "zh": "{count} 个对象因本年度已就同一事项被抽中而排除：如需纳入，请设 {field} = false",
        "en": "{count} entities were excluded as already drawn this year for the same item: set {field} = false to include them",
    },
    "check.registry_empty": {
        "zh": "检查对象名录中没有对象：请先导入名录（randcheck entities import）",
        "en": "the entity registry is empty: import it first (`randcheck entities import`)",
    },
    "check.all_invalid": {
        "zh": "名录中 {count} 个对象均已失效：请导入当前的名录（randcheck entities import）",
        "en": "all {count} entities of the registry are inactive: import the current registry (`randcheck entities import`)",
    },
    "check.cap_count": {
        "zh": "分层 {stratum}：{count} 个对象抽取 {size} 个，超过一般检查事项比例上限 {cap} 允许的 {limit} 个（比例向上取整，上限向下取整）：请在任务文件该分层改用 count = {limit}",
        "en": "stratum {stratum}: {size} of {count} exceeds the {limit} allowed by the general items' ratio cap {cap} (ratios round up, caps round down): use count = {limit} for this stratum in the task file",
    },
    "check.expert_capacity": {
        "zh": "专家不足：需要 {need} 人次，最多可安排 {capacity} 人次：请在执法人员名录中标记更多专家，或减少 teams.experts",
        "en": "not enough experts: {need} assignments needed, at most {capacity} possible: mark more experts in the inspector roster, or lower teams.experts",
    },
    "check.department_empty": {
        "zh": "部门 {department} 没有符合条件的执法人员（名录 {roster} 人，执法证有效期不覆盖检查期间 {certificate} 人，缺少所需资质 {qualification} 人）",
        "en": "department {department} has no eligible inspector ({roster} on the roster; {certificate} with certificates not covering the inspection period, {qualification} without the required qualification)",
    },
    "check.per_department_min": {
        "zh": "每部门各一人要求每组至少 {departments} 名执法人员：请把 teams.min_inspectors 设为至少 {departments}",
        "en": "one per department needs at least {departments} inspectors per team: set teams.min_inspectors to at least {departments}",
    },
    "check.drand_past": {
        "zh": "drand 第 {round} 轮已经产生，不能作为未来随机源：请在任务文件 [entropy.drand] 中改用更晚的 round，或删去 round 改用 delay / planned_draw_at",
        "en": "drand round {round} is already public; it cannot be a future source: in the task file's [entropy.drand] choose a later round, or drop round and use delay / planned_draw_at",
    },
    "check.trial_staffing": {
        "zh": "试配对：{targets} 个对象均可配齐检查组",
        "en": "trial staffing: all {targets} targets can be staffed",
    },
    "check.trial_failed": {
        "zh": "试配对未能配齐（随机结果可能不同）：{reason} {detail}",
        "en": "trial staffing failed (a real seed may differ): {reason} {detail}",
    },
    # draws
    "draw.snapshot_changed": {
        "zh": "任务 {task} 的冻结快照与公告不符（{check}）：拒绝抽取",
        "en": "task {task}: the frozen snapshot no longer matches the announcement ({check}); refusing to draw",
    },
    "draw.drand_wrong_round": {
        "zh": "drand 轮次为 {got}，公告的是第 {want} 轮",
        "en": "the drand round is {got}, but round {want} was announced",
    },
    "draw.entropy_bad": {
        "zh": "熵文件中随机源 {source} 的格式不对：应为数字列表",
        "en": "the entropy file's source {source} is malformed: expected a list of numbers",
    },
    "draw.bad_evidence": {
        "zh": "随机源“{source}”：{reason}",
        "en": "entropy source '{source}': {reason}",
    },
    "draw.entropy_missing": {
        "zh": "熵文件缺少随机源 {source}",
        "en": "the entropy file lacks source {source}",
    },
    "draw.already_drawn": {
        "zh": '任务 {task} 已有正式抽取：如确需重抽，请用 randcheck draw {task} --redraw --reason "原因"（重抽会在记录、日志和公示页上注明）',
        "en": 'task {task} already has an official draw: to draw again use randcheck draw {task} --redraw --reason "why" (the redraw is marked in the record, the log and the public page)',
    },
    "draw.attempt_revealed": {
        "zh": '任务 {task} 有一次抽取已公开随机数（审计日志第 {seqs} 条）但尚未记录（可能正在另一终端进行，或已中止）：下一次正式抽取必须是有标记的重抽。请先用 randcheck log show 查看，再用 randcheck draw {task} --redraw --reason "原因"',
        "en": 'a draw of task {task} revealed its randomness (audit log entry {seqs}) and has not been recorded (it is under way in another terminal, or it was aborted): the next official draw must be a marked redraw. Check randcheck log show, then use randcheck draw {task} --redraw --reason "why"',
    },
    "draw.entropy_logged": {
        "zh": '任务 {task} 上次抽取仪式在计算种子前中止，现场已录入的随机数记于审计日志第 {seqs} 条：用 randcheck draw {task} --resume 以同样的数值继续（不算重抽）；若要重新录入，只能作为有标记的重抽：randcheck draw {task} --redraw --reason "原因"',
        "en": 'the last ceremony of task {task} stopped before its seed, with the values entered in the room logged (audit log entry {seqs}): continue with the same values with randcheck draw {task} --resume (not a redraw); entering new values is a marked redraw: randcheck draw {task} --redraw --reason "why"',
    },
    "draw.raced": {
        "zh": "同一任务 {task} 的另一次抽取刚刚公开或记录（另一个终端或进程）：本次未写入任何记录。请用 randcheck log show 查看后再决定",
        "en": "another draw of task {task} was just revealed or recorded (another terminal or process); nothing of this one was recorded. Check randcheck log show before going on",
    },
    "draw.substitute_raced": {
        "zh": "记录 {record} 刚刚被另一个补充记录或重抽改变：本次替换未写入。请重新查看后再试",
        "en": "record {record} was just changed by another addendum or a redraw; this substitution was not recorded. Look again and retry",
    },
    "draw.nothing_to_redraw": {
        "zh": "任务 {task} 还没有正式抽取，不需要 --redraw",
        "en": "task {task} has no official draw yet; --redraw is not needed",
    },
    "draw.practice_not_official": {
        "zh": "练习抽取永远不能成为正式记录",
        "en": "a practice draw can never become an official record",
    },
    "draw.chain_moved": {
        "zh": "抽取期间工作区又产生了新记录（任务 {task}）：请重新开始",
        "en": "another record was made during this draw (task {task}): start again",
    },
    "draw.superseded": {
        "zh": "记录 {record} 已被重抽取代，不能再替换",
        "en": "record {record} was superseded by a redraw; it cannot be substituted",
    },
    # exclusion reasons (SPEC §4)
    "exclusion.invalid": {"zh": "名录记录已失效", "en": "registry row inactive"},
    "exclusion.status": {
        "zh": "登记状态不在 statuses 之列",
        "en": "registration status not in statuses",
    },
    "exclusion.recent": {"zh": "近期已检查", "en": "inspected recently"},
    "exclusion.annual_cap": {"zh": "已达年度检查次数上限", "en": "annual inspection cap reached"},
    "exclusion.drawn_this_year": {
        "zh": "本年度已就同一事项被抽中",
        "en": "already drawn this year for the same item",
    },
    "check.drawn": {
        "zh": "任务已抽取：以下结果按当前名录计算，不影响已冻结的快照和抽取记录",
        "en": "the task is already drawn: these findings use the current registry, not the frozen snapshot or the record",
    },
    "task.check_announced": {
        "zh": "任务 {task} 已公告，不能再公告：下一步是现场抽取 randcheck draw {task}",
        "en": "Task {task} is already announced and cannot be announced again: next, the draw ceremony `randcheck draw {task}`",
    },
    "task.check_drawn": {
        "zh": "任务 {task} 已抽取：用 randcheck publish {task} 生成公示文件",
        "en": "Task {task} is already drawn: `randcheck publish {task}` writes its public files",
    },
    "check.announced": {
        "zh": "任务已公告：以下结果按当前名录计算，不影响已冻结的快照",
        "en": "the task is already announced: these findings use the current registry, not the frozen snapshot",
    },
}
