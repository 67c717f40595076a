"""Messages of the inspection-result vocabulary (检查结果用语): result cells and word lists.

``file`` is always passed (``""`` when there is no file), so every message renders.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "results.unknown_term": {
        "zh": "“{term}”不是检查结果用语表中的用语（代码、名称或别名）；最接近的：{hint}",
        "en": "“{term}” is not a code, text or alias of the result vocabulary; closest: {hint}",
    },
    "results.exclusive_term": {
        "zh": "“{term}”只能单独作为检查结果，不能与其他用语同时填写",
        "en": "“{term}” must be the only result term of its row",
    },
    "results.term_with_parent": {
        "zh": "“{term}”属于“{parent}”之下：同一行只填写更具体的“{term}”，不要同时填写“{parent}”",
        "en": "“{term}” comes under “{parent}”: give only the more specific “{term}”, not both",
    },
    "results.no_terms": {
        "zh": "检查结果为空：至少填写一个检查结果用语",
        "en": "no inspection result given: at least one result term is needed",
    },
    "results.vocabulary_clash": {
        "zh": "检查结果用语扩展表 {file} 中的“{term}”与已有用语的代码、名称或别名重复（比较时不计全角半角和空格）",
        "en": "“{term}” in the result vocabulary extension {file} is already a code, text or alias of an existing term (compared ignoring full-/half-width forms and spaces)",
    },
    "results.bad_vocabulary": {
        "zh": "检查结果用语表 {file} 无效：{reason}",
        "en": "result vocabulary {file} is invalid: {reason}",
    },
}
