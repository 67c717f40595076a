"""Messages of the audit log and the ``randcheck log`` commands."""

MESSAGES: dict[str, dict[str, str]] = {
    "audit.bad_kind": {
        "zh": "审计条目类型 {kind!r} 无效：应为 “领域.事件” 形式",
        "en": "invalid audit entry kind {kind!r}: expected '<area>.<event>'",
    },
    "audit.concurrent": {
        "zh": "另一进程同时写入了审计日志（序号 {seq}）：本次更改已撤销，请重试",
        "en": "another process wrote audit entry {seq} at the same time; this change was rolled back, please retry",
    },
    "audit.cannot_append": {
        "zh": "无法追加审计日志文件 {path}：{reason}（数据库已提交，下次运行时会自动补写）",
        "en": "cannot append to the audit log file {path}: {reason} (the database has committed; the next run appends the missing lines)",
    },
    "audit.file_ahead": {
        "zh": "审计日志文件有 {file_lines} 行，但数据库只有 {db_entries} 条：文件与数据库不一致，已拒绝写入。请运行 randcheck log verify",
        "en": "the audit log file has {file_lines} lines but the database only {db_entries} entries; refusing to write. Run `randcheck log verify`",
    },
    "audit.file_diverged": {
        "zh": "审计日志文件第 {line} 行（条目 {seq}）与数据库不一致，已拒绝写入。请运行 randcheck log verify",
        "en": "line {line} of the audit log file (entry {seq}) differs from the database; refusing to write. Run `randcheck log verify`",
    },
    "audit.file_torn": {
        "zh": "审计日志文件第 {line} 行不完整且与数据库不符，已拒绝写入。请运行 randcheck log verify",
        "en": "line {line} of the audit log file is incomplete and does not match the database; refusing to write. Run `randcheck log verify`",
    },
    "audit.not_object": {
        "zh": "审计条目 {seq} 不是 JSON 对象",
        "en": "audit entry {seq} is not a JSON object",
    },
}
