"""Messages of the draw protocol core (randcheck/core/draw, docs/SPEC.md)."""

MESSAGES: dict[str, dict[str, str]] = {
    "proto.addendum_before_record": {
        "zh": "替换补充记录的时间早于抽取记录",
        "en": "the addendum is dated before the draw record",
    },
    "proto.addendum_mismatch": {
        "zh": "第 {seq} 号替换补充记录与重算结果不符（{field}）",
        "en": "addendum {seq} does not match the recomputation ({field})",
    },
    "proto.already_signed": {
        "zh": "该密钥已经签过此文件",
        "en": "this key has already signed the document",
    },
    "proto.bad_action": {
        "zh": "未知的替换类型：{action}",
        "en": "unknown substitution action: {action}",
    },
    "proto.bad_addendum": {
        "zh": "替换检查对象时不能指定检查人员",
        "en": "a target replacement must not name an inspector",
    },
    "proto.bad_body": {
        "zh": "文件不是 randcheck/draw/v1 的公告、记录或补充记录",
        "en": "the document is not a randcheck/draw/v1 announcement, record or addendum",
    },
    "proto.bad_bool": {
        "zh": "{field} 必须是 true 或 false，而不是 {value}",
        "en": "{field} must be true or false, not {value}",
    },
    "proto.bad_code": {
        "zh": "{field} 中的代码 {value} 无效：须为 1–64 个可见 ASCII 字符",
        "en": "invalid code {value} in {field}: must be 1–64 visible ASCII characters",
    },
    "proto.bad_date": {
        "zh": "{field} 的日期 {value} 无效（应为 YYYY-MM-DD）",
        "en": "invalid date {value} in {field} (expected YYYY-MM-DD)",
    },
    "proto.bad_departments": {
        "zh": "任务须至少有一个部门，且部门不能重复",
        "en": "a task needs at least one department and no department twice",
    },
    "proto.bad_fields": {
        "zh": "{where} 的字段不符：应为 {expected}，实际为 {got}",
        "en": "wrong fields in {where}: expected {expected}, got {got}",
    },
    "proto.bad_hex": {
        "zh": "{field} 须为 64 位小写十六进制，而不是 {value}",
        "en": "{field} must be 64 lowercase hex digits, not {value}",
    },
    "proto.bad_id": {
        "zh": "{field} 的标识 {value} 无效：须为 1–64 个可见 ASCII 字符",
        "en": "invalid id {value} in {field}: must be 1–64 visible ASCII characters",
    },
    "proto.bad_int": {
        "zh": "{field} 须为 {lo} 到 {hi} 之间的整数，而不是 {value}",
        "en": "{field} must be an integer from {lo} to {hi}, not {value}",
    },
    "proto.bad_item_kind": {
        "zh": "事项类型 {value} 无效：须为 key（重点）或 general（一般）",
        "en": "invalid item kind {value}: must be key (重点) or general (一般)",
    },
    "proto.bad_list": {"zh": "{where} 须为列表", "en": "{where} must be a list"},
    "proto.bad_nonce": {
        "zh": "操作员随机数须正好 32 字节",
        "en": "the operator nonce must be exactly 32 bytes",
    },
    "proto.bad_nonce_reveal": {
        "zh": "第 {index} 个熵来源：公开的随机数格式无效",
        "en": "entropy source {index}: the revealed nonce is malformed",
    },
    "proto.bad_pair": {
        "zh": "{field} 中的配对 {value} 无效",
        "en": "invalid pair {value} in {field}",
    },
    "proto.bad_rule": {"zh": "抽取规则 {value} 无效", "en": "invalid sample-size rule {value}"},
    "proto.bad_sample_size": {
        "zh": "层 {stratum} 的抽取数量与规则不符（按规则应为 {expected}）",
        "en": "stratum {stratum}: sample size does not follow its rule (expected {expected})",
    },
    "proto.bad_source": {
        "zh": "第 {index} 个熵来源格式无效：{value}",
        "en": "entropy source {index} is malformed: {value}",
    },
    "proto.bad_text": {
        "zh": "{field} 须为非空的 NFC 文本，而不是 {value}",
        "en": "{field} must be non-empty NFC text, not {value}",
    },
    "proto.bad_time": {
        "zh": "{field} 的时间 {value} 无效（应为 YYYY-MM-DDTHH:MM:SSZ）",
        "en": "invalid time {value} in {field} (expected YYYY-MM-DDTHH:MM:SSZ)",
    },
    "proto.bad_window": {
        "zh": "检查期间无效：{start} 晚于 {end}",
        "en": "invalid inspection window: {start} is after {end}",
    },
    "proto.cap_exceeded": {
        "zh": "层 {stratum} 抽取 {size} 户，超过一般事项比例上限允许的 {limit} 户",
        "en": "stratum {stratum}: {size} drawn exceeds the cap of {limit} for general items",
    },
    "proto.cap_required": {
        "zh": "含一般检查事项的任务必须设定抽查比例上限",
        "en": "a task with general (一般) items must set a ratio cap",
    },
    "proto.check_ok": {"zh": "通过", "en": "passed"},
    "proto.check_skipped": {
        "zh": "未检查：前一项检查未通过",
        "en": "not checked: an earlier check failed",
    },
    "proto.code_in_two_strata": {
        "zh": "代码 {entity} 同时出现在两个层中",
        "en": "code {entity} is in two strata",
    },
    "proto.departments_exceed_team": {
        "zh": "联合抽查有 {departments} 个部门，但每组只需 {min_inspectors} 名检查人员",
        "en": "{departments} departments but teams of only {min_inspectors} inspectors",
    },
    "proto.drand_randomness": {
        "zh": "第 {index} 个熵来源：drand 随机值不等于签名的 SHA-256",
        "en": "entropy source {index}: drand randomness is not SHA-256 of the signature",
    },
    "proto.drand_timing": {
        "zh": "drand 第 {round} 轮发布于 {published}（Unix 秒），不在公告时间 {announced_at} 之后、抽取时间 {drawn_at} 之前",
        "en": "drand round {round} was published at {published} (Unix seconds), not after the announcement {announced_at} and by the draw {drawn_at}",
    },
    "proto.drawn_before_announced": {
        "zh": "抽取时间早于公告时间",
        "en": "the draw is dated before the announcement",
    },
    "proto.duplicate_code": {
        "zh": "层 {stratum} 中代码 {value} 重复",
        "en": "duplicate code {value} in stratum {stratum}",
    },
    "proto.duplicate_inspector": {
        "zh": "检查人员名单中有重复的编号",
        "en": "the roster lists an inspector id twice",
    },
    "proto.envelope_layout": {"zh": "签名文件的格式无效", "en": "the signed envelope is malformed"},
    "proto.evidence_count": {
        "zh": "第 {index} 个熵来源应有 {count} 个数值",
        "en": "entropy source {index} needs exactly {count} values",
    },
    "proto.evidence_count_total": {
        "zh": "熵证据的数量与公告的 {expected} 个来源不符",
        "en": "the entropy evidence does not answer the {expected} announced sources",
    },
    "proto.evidence_field": {
        "zh": "第 {index} 个熵来源的 {field} 与公告不符",
        "en": "entropy source {index}: {field} differs from the announcement",
    },
    "proto.evidence_range": {
        "zh": "第 {index} 个熵来源的数值 {value} 不在 {lo}–{hi} 之间",
        "en": "entropy source {index}: value {value} is outside {lo}–{hi}",
    },
    "proto.evidence_shape": {
        "zh": "第 {index} 个熵来源（{type}）的证据格式无效",
        "en": "entropy source {index} ({type}): the evidence is malformed",
    },
    "proto.malformed": {
        "zh": "{part} 检查失败：文件内容的类型不对（{detail}）",
        "en": "{part} failed: the document has values of the wrong type ({detail})",
    },
    "proto.no_items": {"zh": "任务至少需要一个检查事项", "en": "a task needs at least one item"},
    "proto.no_sources": {
        "zh": "公告没有声明任何熵来源",
        "en": "the announcement declares no entropy source",
    },
    "proto.no_trusted_signature": {
        "zh": "{kind} 没有受信任密钥的有效签名",
        "en": "the {kind} has no valid signature by a trusted key",
    },
    "proto.nonce_count": {
        "zh": "公告须正好有一个操作员随机数承诺",
        "en": "the announcement needs exactly one operator nonce commitment",
    },
    "proto.nonce_mismatch": {
        "zh": "第 {index} 个熵来源：公开的随机数与事先的承诺不符",
        "en": "entropy source {index}: the revealed nonce does not match its commitment",
    },
    "proto.not_a_target": {
        "zh": "{target} 不是本次抽取的检查对象",
        "en": "{target} is not a target of this draw",
    },
    "proto.not_canonical": {
        "zh": "签名内容不是 RFC 8785 规范 JSON",
        "en": "the signed body is not RFC 8785 canonical JSON",
    },
    "proto.not_in_population": {
        "zh": "代码 {entity} 不在层 {stratum} 的名录中",
        "en": "code {entity} is not in the pool of stratum {stratum}",
    },
    "proto.not_on_team": {
        "zh": "检查人员 {inspector} 不在 {target} 的检查组中",
        "en": "inspector {inspector} is not on the team of {target}",
    },
    "proto.population_mismatch": {
        "zh": "层 {stratum} 的名录与公告的数量或根哈希不符",
        "en": "stratum {stratum}: the pool does not match the announced count or root",
    },
    "proto.population_newline": {
        "zh": "层 {stratum} 的名录文件须以换行结尾",
        "en": "stratum {stratum}: the population file must end with a newline",
    },
    "proto.population_strata": {
        "zh": "名录的层 {got} 与公告不符",
        "en": "the pool's strata {got} differ from the announcement",
    },
    "proto.proof_chunk": {
        "zh": "证明中的第 {index} 块无效",
        "en": "chunk {index} of the proof is invalid",
    },
    "proto.proof_count": {
        "zh": "证明中的数量 {count} 与公告的 {expected} 不符",
        "en": "the proof's count {count} differs from the announced {expected}",
    },
    "proto.proof_status": {
        "zh": "{entity} 的票号、分界线或抽中状态与记录不符",
        "en": "the ticket, cut-off or drawn status of {entity} disagrees with the record",
    },
    "proto.public_source_required": {
        "zh": "正式抽取除操作员随机数外至少还需一个公开熵来源",
        "en": "an official draw needs at least one public entropy source besides the nonce",
    },
    "proto.record_fields": {
        "zh": "抽取记录的字段不完整或规范版本不符",
        "en": "the record's fields or spec id are wrong",
    },
    "proto.drand_bls_not_checked": {
        "zh": "熵证据一致，但未验证 drand 轮次的 BLS 签名，不能视为通过",
        "en": "the entropy evidence agrees, but the drand round's BLS signature was not checked, so this is not a pass",
    },
    "proto.replay_mismatch": {
        "zh": "重算结果与记录不符：{part}",
        "en": "the recomputation differs from the record: {part}",
    },
    "proto.reserve_exhausted": {
        "zh": "层 {stratum} 的备选名单已用完",
        "en": "the reserve list of stratum {stratum} is exhausted",
    },
    "proto.roster_mismatch": {
        "zh": "检查人员名单与公告的摘要或人数不符",
        "en": "the roster does not match the announced digest or size",
    },
    "proto.strata_mismatch": {
        "zh": "层的定义 {strata} 与名录 {population} 不一致",
        "en": "the strata {strata} do not match the pool {population}",
    },
    "proto.unknown_chain": {
        "zh": "未固定的 drand 链：{value}",
        "en": "drand chain {value} is not pinned",
    },
    "proto.unknown_inspector": {
        "zh": "记录中的检查人员 {inspector} 不在名单中",
        "en": "inspector {inspector} in the record is not on the roster",
    },
    "proto.unsorted": {
        "zh": "层 {stratum} 的代码未按字节升序排列（{value}）",
        "en": "stratum {stratum}: codes are not in ascending byte order ({value})",
    },
    "proto.unsorted_list": {
        "zh": "{field} 未排序或有重复",
        "en": "{field} is unsorted or has duplicates",
    },
    "proto.unstaffable": {
        "zh": "检查对象 {target} 无法配齐检查人员（步骤 {step}；不合格原因：{reasons}）",
        "en": "target {target} cannot be staffed (step {step}; candidates ruled out: {reasons})",
    },
    "proto.wrong_kind": {
        "zh": "文件类型为 {kind}，应为 {expected}",
        "en": "the document is a {kind}, expected {expected}",
    },
    "proto.wrong_spec": {"zh": "不支持的规范版本 {spec}", "en": "unsupported spec id {spec}"},
}
