"""Messages of the pure core: canonical JSON, Merkle proofs, signatures."""

MESSAGES: dict[str, dict[str, str]] = {
    "canonical.float": {
        "zh": "签名数据中不允许浮点数（{path}）",
        "en": "floats are not allowed in signed data ({path})",
    },
    "canonical.int_range": {
        "zh": "整数超出 ±(2^53−1) 范围（{path}）",
        "en": "integer outside ±(2^53−1) ({path})",
    },
    "canonical.key": {
        "zh": "JSON 对象的键必须是字符串（{path}）",
        "en": "JSON object keys must be strings ({path})",
    },
    "canonical.type": {
        "zh": "无法规范化的类型 {type}（{path}）",
        "en": "type {type} cannot be canonicalised ({path})",
    },
    "canonical.duplicate_key": {"zh": "JSON 中键 {key!r} 重复", "en": "duplicate JSON key {key!r}"},
    "canonical.bad_json": {"zh": "不是有效的 JSON：{reason}", "en": "not valid JSON: {reason}"},
    "canonical.too_deep": {
        "zh": "JSON 嵌套超过 {limit} 层，已拒绝",
        "en": "JSON nested more than {limit} levels deep; refused",
    },
    "merkle.index_range": {
        "zh": "序号 {index} 超出树大小 {size}",
        "en": "index {index} outside tree of size {size}",
    },
    "merkle.proof_long": {"zh": "证明路径过长", "en": "proof is too long"},
    "merkle.proof_short": {"zh": "证明路径过短", "en": "proof is too short"},
    "merkle.root_mismatch": {
        "zh": "证明算出的根哈希与期望不符",
        "en": "proof does not lead to the expected root hash",
    },
    "signature.invalid": {
        "zh": "签名无效（密钥 {key_id}）",
        "en": "signature is invalid (key {key_id})",
    },
    "keys.empty_passphrase": {"zh": "口令不能为空", "en": "the passphrase must not be empty"},
    "keys.bad_passphrase": {
        "zh": "口令错误，或私钥文件已损坏",
        "en": "wrong passphrase, or the private key file is damaged",
    },
    "keys.not_ed25519": {
        "zh": "私钥不是 Ed25519 密钥",
        "en": "the private key is not an Ed25519 key",
    },
}
