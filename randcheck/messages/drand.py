"""Messages of the drand beacon verifier (randcheck/core/draw/drand.py)."""

MESSAGES: dict[str, dict[str, str]] = {
    "drand.unknown_chain": {
        "zh": "未知的 drand 链：{chain_hash}（只认可已固定的链：{known}）",
        "en": "unknown drand chain: {chain_hash} (pinned chains: {known})",
    },
    "drand.unsupported_scheme": {
        "zh": "不支持的 drand 签名方案：{scheme}",
        "en": "unsupported drand scheme: {scheme}",
    },
    "drand.bad_round": {
        "zh": "drand 轮次 {round} 无效：必须是 1 到 2^64−1 之间的整数",
        "en": "invalid drand round {round}: must be an integer from 1 to 2^64−1",
    },
    "drand.bad_time": {
        "zh": "时间 {time} 无效：必须是整数（Unix 秒）",
        "en": "invalid time {time}: must be an integer (Unix seconds)",
    },
    "drand.bad_hex": {
        "zh": "drand 字段 {field} 不是小写十六进制字符串（偶数位，0-9a-f）",
        "en": "drand field {field} is not a lowercase hexadecimal string (even length, 0-9a-f)",
    },
    "drand.bad_length": {
        "zh": "drand 字段 {field} 应为 {expected} 字节，实际 {actual} 字节（方案 {scheme}）",
        "en": "drand field {field} must be {expected} bytes, got {actual} (scheme {scheme})",
    },
    "drand.missing_previous": {
        "zh": "链式 drand 链验证第 {round} 轮需要上一轮签名（previous_signature）",
        "en": "a chained drand chain needs the previous signature (previous_signature) to verify round {round}",
    },
    "drand.unexpected_previous": {
        "zh": "非链式方案 {scheme} 不使用上一轮签名，却提供了 previous_signature",
        "en": "previous_signature was given, but the unchained scheme {scheme} does not use it",
    },
    "drand.bad_public_key": {
        "zh": "drand 链 {chain} 的公钥不是有效的曲线点（解码、子群或无穷远点检查失败）",
        "en": "the public key of drand chain {chain} is not a valid curve point (decoding, subgroup or infinity check failed)",
    },
    "drand.signature_not_point": {
        "zh": "drand 第 {round} 轮的签名不是有效的曲线点（解码、子群或无穷远点检查失败）",
        "en": "the signature of drand round {round} is not a valid curve point (decoding, subgroup or infinity check failed)",
    },
    "drand.bad_signature": {
        "zh": "drand 第 {round} 轮的签名与链 {chain} 的公钥不符：验证失败",
        "en": "the signature of drand round {round} does not verify under the key of chain {chain}",
    },
    "drand.bad_json": {
        "zh": "drand 信标数据不是有效的 JSON 对象：{reason}",
        "en": "the drand beacon is not a valid JSON object: {reason}",
    },
    "drand.missing_field": {
        "zh": "drand 信标缺少字段 {field}",
        "en": "the drand beacon lacks the field {field}",
    },
    "drand.unknown_field": {
        "zh": "drand 信标含有未知字段 {field}",
        "en": "the drand beacon has an unknown field {field}",
    },
    "drand.bad_field_type": {
        "zh": "drand 信标字段 {field} 的类型应为 {expected}",
        "en": "the drand beacon field {field} must be of type {expected}",
    },
    "drand.randomness_mismatch": {
        "zh": "drand 信标的 randomness 不等于 SHA-256(signature)",
        "en": "the drand beacon's randomness is not SHA-256(signature)",
    },
}
