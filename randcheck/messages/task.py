"""Messages of tasks, announcements and stored records."""

MESSAGES: dict[str, dict[str, str]] = {
    "task.not_announced": {"zh": "任务 {task} 尚未公告", "en": "task {task} has not been announced"},
    "record.not_found": {"zh": "找不到抽取记录 {ref}", "en": "no draw record {ref}"},
}
