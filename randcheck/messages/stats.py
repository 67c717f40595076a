"""Statistics (``randcheck stats``): help, usage errors, table titles and columns."""

MESSAGES: dict[str, dict[str, str]] = {
    "stats.help": {
        "zh": "本年度随机抽查工作统计：覆盖率（按事项、部门、层）、检查人员工作量、检查结果分布、按期公示率和逾期清单、超过年度上限的重复检查（定义见 docs/STATS.md）。",
        "en": "Statistics of the year's random inspections: coverage per item, department and stratum, inspector workload, result terms, on-time publication and overdue list, entities inspected more than the annual cap (definitions in docs/STATS.md)",
    },
    "stats.opt.year": {
        "zh": "统计的日历年度（北京时间；默认：--as-of 所在年度）",
        "en": "the calendar year (China time; default: the year of --as-of)",
    },
    "stats.opt.as_of": {
        "zh": "统计截至日期 YYYY-MM-DD（判断逾期；默认：今天，北京时间）",
        "en": "the day the figures are as of, YYYY-MM-DD (for overdue; default: today, China time)",
    },
    "stats.opt.cap": {
        "zh": "每个对象每年的检查次数上限（默认：randcheck.toml 中 [defaults] annual_cap；都未设置时列出检查超过一次的对象）",
        "en": "the annual per-entity inspection cap (default: [defaults] annual_cap in randcheck.toml; with neither, entities inspected more than once are listed)",
    },
    "stats.bad_year": {
        "zh": "--year 无效：{value}（应为 1–9999 的年份，例如 2026）",
        "en": "--year is not a year: {value} (give 1 to 9999, e.g. 2026)",
    },
    "stats.bad_as_of": {
        "zh": "--as-of 的日期无效：{value}（请写成 YYYY-MM-DD，例如 2026-12-01）",
        "en": "--as-of is not a date: {value} (write YYYY-MM-DD, e.g. 2026-12-01)",
    },
    "stats.bad_cap": {
        "zh": "--cap 无效：{value}（应为 1–366 的整数）",
        "en": "--cap is not valid: {value} (give an integer from 1 to 366)",
    },
    "stats.bad_config_cap": {
        "zh": "randcheck.toml 中 [defaults] annual_cap 的值 {value} 无效：请改为 1–366 的整数，或用 --cap 指定",
        "en": "randcheck.toml: [defaults] annual_cap = {value} is not an integer from 1 to 366: correct it, or give --cap",
    },
    "stats.title": {
        "zh": "{year} 年度随机抽查统计（截至 {as_of}）",
        "en": "Random inspections of {year} (as of {as_of})",
    },
    "stats.section.items": {"zh": "覆盖率：按抽查事项", "en": "Coverage per item"},
    "stats.section.departments": {"zh": "覆盖率：按部门", "en": "Coverage per department"},
    "stats.section.strata": {"zh": "覆盖率：按任务分层", "en": "Coverage per stratum"},
    "stats.section.workload": {"zh": "检查人员工作量", "en": "Inspector workload"},
    "stats.section.terms": {"zh": "检查结果分布", "en": "Result terms"},
    "stats.section.overdue": {"zh": "逾期未公示", "en": "Overdue results"},
    "stats.section.repeated": {
        "zh": "重复检查：本年度检查超过 {cap} 次的对象",
        "en": "Repeated inspections: entities inspected more than {cap} times this year",
    },
    "stats.section.repeated_no_cap": {
        "zh": "重复检查：未设置年度上限，列出本年度检查超过 1 次的对象",
        "en": "Repeated inspections: no annual cap is set; entities inspected more than once this year",
    },
    "stats.col.key": {"zh": "编码", "en": "key"},
    "stats.col.label": {"zh": "名称", "en": "name"},
    "stats.col.drawn": {"zh": "抽中", "en": "drawn"},
    "stats.col.pool": {"zh": "对象库", "en": "pool"},
    "stats.col.ratio": {"zh": "比例", "en": "ratio"},
    "stats.col.badge": {"zh": "执法证号", "en": "badge no."},
    "stats.col.name": {"zh": "姓名", "en": "name"},
    "stats.col.department": {"zh": "部门", "en": "department"},
    "stats.col.targets": {"zh": "检查对象数", "en": "targets"},
    "stats.col.tasks": {"zh": "任务数", "en": "tasks"},
    "stats.col.term": {"zh": "检查结果", "en": "term"},
    "stats.col.count": {"zh": "次数", "en": "count"},
    "stats.col.task": {"zh": "任务编号", "en": "task"},
    "stats.col.code": {"zh": "统一社会信用代码/注册号", "en": "code"},
    "stats.col.entity_name": {"zh": "名称", "en": "name"},
    "stats.col.item": {"zh": "抽查事项", "en": "item"},
    "stats.col.deadline": {"zh": "公示期限", "en": "deadline"},
    "stats.col.days": {"zh": "逾期天数", "en": "days late"},
    "stats.col.random": {"zh": "随机", "en": "random"},
    "stats.col.non_random": {"zh": "非随机", "en": "non-random"},
    "stats.col.departments": {"zh": "检查部门", "en": "departments"},
    "stats.na": {"zh": "无", "en": "n/a"},
    "stats.none": {"zh": "（无）", "en": "(none)"},
    "stats.workload.summary": {
        "zh": "检查人员 {count} 人；人均检查对象 {mean}，最多 {max}，最少 {min}，标准差 {spread}，均衡度（最多/人均）{balance}",
        "en": "{count} inspectors; targets per inspector: mean {mean}, max {max}, min {min}, spread (population s.d.) {spread}, balance (max/mean) {balance}",
    },
    "stats.publication.summary": {
        "zh": "公示：按期 {on_time}，逾期后公示 {late}，逾期未公示 {overdue}，未到期 {pending}，期限待定 {unknown}；按期公示率 {rate}",
        "en": "publication: on time {on_time}, late {late}, overdue {overdue}, not yet due {pending}, deadline unknown {unknown}; on-time rate {rate}",
    },
}
