"""Messages shared by every command: global options, workspace, exit paths."""

MESSAGES: dict[str, dict[str, str]] = {
    "app.help": {
        "zh": "randcheck：可验证的“双随机、一公开”抽查抽取工具。",
        "en": "randcheck: provably fair 'double random, one public' inspection draws.",
    },
    "error.prefix": {"zh": "错误", "en": "Error"},
    "error.unexpected": {
        "zh": "内部错误：{detail}（加 --verbose 查看详情）",
        "en": "internal error: {detail} (run with --verbose for details)",
    },
    "error.aborted": {"zh": "已中止，未做任何更改。", "en": "Aborted; nothing was changed."},
    "error.bad_lang": {
        "zh": "不支持的语言 {lang!r}：请用 zh 或 en",
        "en": "unsupported language {lang!r}: use zh or en",
    },
    "workspace.not_initialised": {
        "zh": "{path} 不是 randcheck 工作区：请先运行 randcheck init",
        "en": "{path} is not a randcheck workspace: run `randcheck init` first",
    },
    "workspace.initialised": {
        "zh": "工作区已就绪：{path}",
        "en": "Workspace ready: {path}",
    },
    "workspace.already": {
        "zh": "工作区已存在，未覆盖任何文件：{path}",
        "en": "Workspace already exists; no file was overwritten: {path}",
    },
    "workspace.bad_config": {
        "zh": "配置文件 {path} 无法读取：{reason}",
        "en": "cannot read config file {path}: {reason}",
    },
    "db.cannot_open": {
        "zh": "无法打开数据库 {url}：{reason}",
        "en": "cannot open database {url}: {reason}",
    },
    "io.cannot_write": {
        "zh": "无法写入 {path}：{reason}",
        "en": "cannot write {path}: {reason}",
    },
    "io.cannot_read": {
        "zh": "无法读取 {path}：{reason}",
        "en": "cannot read {path}: {reason}",
    },
    "db.failed": {
        "zh": "数据库操作失败，未做任何更改：{reason}",
        "en": "the database operation failed and nothing was changed: {reason}",
    },
    "io.failed": {
        "zh": "文件操作失败 {path}：{reason}",
        "en": "file operation failed on {path}: {reason}",
    },
    "io.not_a_file": {
        "zh": "{path} 不是文件（是文件夹或设备）",
        "en": "{path} is not a file (a folder or a device)",
    },
    "io.file_missing": {"zh": "文件不存在：{path}", "en": "file not found: {path}"},
    "opt.workspace": {
        "zh": "工作区目录（环境变量 RANDCHECK_HOME，默认当前目录）",
        "en": "workspace folder (env RANDCHECK_HOME, default: the current folder)",
    },
    "opt.db": {
        "zh": "数据库 URL（环境变量 RANDCHECK_DATABASE_URL，默认 <工作区>/db/randcheck.sqlite）",
        "en": "database URL (env RANDCHECK_DATABASE_URL, default SQLite at <workspace>/db/randcheck.sqlite)",
    },
    "opt.lang": {
        "zh": "界面语言 zh|en（环境变量 RANDCHECK_LANG，默认 zh）",
        "en": "language zh|en (env RANDCHECK_LANG, default zh)",
    },
    "opt.actor": {
        "zh": "记入审计日志的操作人（默认当前系统用户）",
        "en": "actor recorded in the audit log (default: the OS user)",
    },
    "opt.verbose": {
        "zh": "出错时显示完整的技术细节",
        "en": "show full technical detail on errors",
    },
    "opt.json": {"zh": "以 JSON 输出", "en": "print JSON"},
    "opt.version": {"zh": "显示版本并退出", "en": "show the version and exit"},
    "init.help": {
        "zh": "创建或补全工作区：db/、audit_logs/、keys/、publish/ 和 randcheck.toml（可重复运行）。",
        "en": "Create or complete a workspace: db/, audit_logs/, keys/, publish/ and randcheck.toml (idempotent).",
    },
    "init.opt.bureau": {"zh": "机关名称", "en": "bureau (office) name"},
    "init.opt.region": {
        "zh": "行政区划代码（GB/T 2260，6 位）",
        "en": "region code (GB/T 2260, 6 digits)",
    },
    "init.bad_region": {
        "zh": "行政区划代码应为 6 位数字：{value!r}",
        "en": "region code must be 6 digits: {value!r}",
    },
    # click's own words (randcheck/cli/_clicktext.py)
    "click.usage": {"zh": "用法：", "en": "Usage: "},
    "click.options": {"zh": "选项", "en": "Options"},
    "click.arguments": {"zh": "参数", "en": "Arguments"},
    "click.commands": {"zh": "命令", "en": "Commands"},
    "click.help_option": {"zh": "显示本帮助并退出。", "en": "Show this message and exit."},
    "click.default": {"zh": "默认：{default}", "en": "default: {default}"},
    "click.env_var": {"zh": "环境变量：{var}", "en": "env var: {var}"},
    "click.required": {"zh": "必填", "en": "required"},
    "click.dynamic": {"zh": "（动态）", "en": "(dynamic)"},
    "click.aborted": {"zh": "已中止。", "en": "Aborted!"},
    "click.missing_command": {"zh": "缺少命令。", "en": "Missing command."},
    "click.no_such_command": {"zh": "没有命令 {name!r}。", "en": "No such command {name!r}."},
    "click.try_help": {"zh": "运行 '{command}' 查看用法。", "en": "Try '{command}' for help."},
    "click.missing_argument": {"zh": "缺少参数 {name}。", "en": "Missing argument {name}."},
    "click.missing_option": {"zh": "缺少选项 {name}。", "en": "Missing option {name}."},
    "click.no_such_option": {"zh": "没有选项 {name}", "en": "No such option: {name}"},
    "click.no_such_option_hint": {
        "zh": "没有选项 {name}（可用的选项：{options}）",
        "en": "No such option: {name} (Possible options: {options})",
    },
    "click.extra_args": {
        "zh": "多余的参数：{args}",
        "en": "Got unexpected extra argument(s) ({args})",
    },
    "click.needs_value": {
        "zh": "选项 {name} 需要一个值。",
        "en": "Option {name} requires an argument.",
    },
    "click.needs_values": {
        "zh": "选项 {name} 需要 {n} 个值。",
        "en": "Option {name} requires {n} arguments.",
    },
    "click.takes_no_value": {
        "zh": "选项 {name} 不接受值。",
        "en": "Option {name} does not take a value.",
    },
    "click.invalid_value_for": {
        "zh": "{name} 的值无效：{reason}",
        "en": "Invalid value for {name}: {reason}",
    },
    "click.invalid_value": {"zh": "值无效：{reason}", "en": "Invalid value: {reason}"},
}
