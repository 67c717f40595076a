"""Clean text at the door (``randcheck.core.text``): why a value is refused, and the refusals
of task-definition files that concern their text or their nesting."""

MESSAGES: dict[str, dict[str, str]] = {
    # the reasons randcheck.core.text.problem() returns ({char} is "U+XXXX NAME")
    "text.control": {
        "zh": "含有控制字符 {char}：请删除后再导入",
        "en": "contains the control character {char}; remove it and import again",
    },
    "text.bidi": {
        "zh": "含有文字方向控制字符 {char}（可使公示页面显示的内容与实际不同）：请删除",
        "en": "contains the bidirectional control {char} (it can make a page show "
        "something other than what it holds); remove it",
    },
    "text.invisible": {
        "zh": "含有不可见字符 {char}：请删除",
        "en": "contains the invisible character {char}; remove it",
    },
    # task definitions (randcheck.core.taskdef)
    "taskdef.bad_text": {
        "zh": "{file}：字段 {field} 的值 {value} 不能使用：{reason}",
        "en": "{file}: field {field} has the value {value}, which cannot be used: {reason}",
    },
    "taskdef.too_deep": {
        "zh": "{file} 的嵌套超过 {limit} 层，已拒绝（任务定义不会嵌套这么深）",
        "en": "{file} nests more than {limit} levels deep; refused "
        "(no task definition is nested that deeply)",
    },
}
