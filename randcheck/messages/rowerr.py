"""Column headings of the bad-row table."""

MESSAGES: dict[str, dict[str, str]] = {
    "rowerr.file": {"zh": "文件", "en": "file"},
    "rowerr.row": {"zh": "行", "en": "row"},
    "rowerr.column": {"zh": "列", "en": "column"},
    "rowerr.value": {"zh": "值", "en": "value"},
    "rowerr.reason": {"zh": "原因", "en": "reason"},
    "rowerr.more": {"zh": "……另有 {count} 行错误未显示", "en": "... and {count} more bad rows"},
}
