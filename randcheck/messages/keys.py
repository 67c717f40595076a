"""Messages of ``randcheck keys`` (signing identity and trusted keys)."""

MESSAGES: dict[str, dict[str, str]] = {
    "keys.no_passphrase": {
        "zh": "没有输入口令：在脚本中请设置环境变量 {env}",
        "en": "no passphrase was entered: in a script, set the environment variable {env}",
    },
    "keys.help": {
        "zh": "签名身份：本机关的 Ed25519 密钥与受信任的其他机关/见证方公钥。",
        "en": "Signing identity: this office's Ed25519 keys and trusted keys of other offices and witnesses.",
    },
    "keys.init.help": {
        "zh": "生成 Ed25519 签名密钥（私钥用口令加密保存，文件权限 0600；口令至少 {min} 个字符，一个汉字算一个，且不能全是同一个字符）。",
        "en": "Create an Ed25519 signing key (private key encrypted with a passphrase, file mode 0600; the passphrase needs at least {min} characters, a Chinese character counting as one, not all the same).",
    },
    "keys.rewrap.help": {
        "zh": "用新口令和更强的加密（scrypt + AES-256-GCM）重写本机关私钥文件；密钥本身和密钥 ID 不变。现有口令取自 RANDCHECK_KEY_PASSPHRASE 或隐藏输入，新口令取自 RANDCHECK_NEW_KEY_PASSPHRASE 或隐藏输入两次（至少 {min} 个字符，且不能全是同一个字符）。",
        "en": "Rewrite an own private key file under a new passphrase with stronger encryption (scrypt + AES-256-GCM); the key and its key id stay the same. The current passphrase comes from RANDCHECK_KEY_PASSPHRASE or a hidden prompt, the new one from RANDCHECK_NEW_KEY_PASSPHRASE or a hidden prompt asked twice (at least {min} characters, not all the same).",
    },
    "keys.list.help": {
        "zh": "列出本机关密钥和受信任的公钥。",
        "en": "List own keys and trusted public keys.",
    },
    "keys.export.help": {
        "zh": "把公钥（PEM，附密钥 ID 与签名记录公钥）输出到标准输出。",
        "en": "Print a public key (PEM with its key id and C2SP note key) to stdout.",
    },
    "keys.trust.help": {
        "zh": "把其他机关或见证方的公钥文件加入受信任列表 keys/trusted.json。",
        "en": "Add another office's or a witness's public key file to keys/trusted.json.",
    },
    "keys.revoke.help": {
        "zh": "吊销一把密钥（只做标记，从不删除）。",
        "en": "Revoke a key (it is marked, never deleted).",
    },
    "keys.opt.name": {"zh": "密钥名称", "en": "key name"},
    "keys.opt.role": {
        "zh": "角色：office（其他机关）或 witness（见证方）",
        "en": "role: office or witness",
    },
    "keys.opt.reason": {"zh": "吊销原因（必填）", "en": "reason for revocation (required)"},
    "keys.arg.file": {"zh": "公钥文件", "en": "public key file"},
    "keys.arg.name": {"zh": "密钥名称（默认 office）", "en": "key name (default office)"},
    "keys.arg.key_id": {
        "zh": "密钥 ID（至少前 8 位十六进制）",
        "en": "key id (at least its first 8 hex digits)",
    },
    "keys.prompt.new": {"zh": "为新私钥设置口令", "en": "Passphrase for the new private key"},
    "keys.prompt.confirm": {"zh": "再次输入口令", "en": "Repeat the passphrase"},
    "keys.prompt.unlock": {"zh": "私钥 {name} 的口令", "en": "Passphrase of private key {name}"},
    "keys.prompt.current": {
        "zh": "私钥 {name} 的现有口令",
        "en": "Current passphrase of private key {name}",
    },
    "keys.prompt.rewrap_new": {
        "zh": "私钥 {name} 的新口令",
        "en": "New passphrase for private key {name}",
    },
    "keys.created": {
        "zh": "已生成密钥 {name}，密钥 ID {key_id}，私钥文件 {path}（已加密，权限 0600）",
        "en": "Created key {name}, key id {key_id}, private key {path} (encrypted, mode 0600)",
    },
    "keys.rewrapped": {
        "zh": "已用新口令重新加密私钥 {name}（密钥 ID {key_id} 未变），文件 {path}（scrypt + AES-256-GCM，权限 0600）",
        "en": "Re-encrypted private key {name} under the new passphrase (key id {key_id} unchanged), file {path} (scrypt + AES-256-GCM, mode 0600)",
    },
    "keys.trusted": {
        "zh": "已信任 {role} 公钥 {name}，密钥 ID {key_id}",
        "en": "Trusted {role} key {name}, key id {key_id}",
    },
    "keys.revoked_done": {
        "zh": "已吊销密钥 {name}（{key_id}）",
        "en": "Revoked key {name} ({key_id})",
    },
    "keys.none": {
        "zh": "尚无密钥：运行 randcheck keys init",
        "en": "No keys yet: run `randcheck keys init`",
    },
    "keys.col.name": {"zh": "名称", "en": "Name"},
    "keys.col.role": {"zh": "角色", "en": "Role"},
    "keys.col.key_id": {"zh": "密钥 ID（前 16 位）", "en": "Key id (first 16 hex)"},
    "keys.col.since": {"zh": "创建/加入时间", "en": "Since"},
    "keys.col.status": {"zh": "状态", "en": "Status"},
    "keys.status.active": {"zh": "有效", "en": "active"},
    "keys.status.revoked": {"zh": "已吊销：{reason}", "en": "revoked: {reason}"},
    "keys.role.own": {"zh": "本机关", "en": "own"},
    "keys.role.office": {"zh": "其他机关", "en": "office"},
    "keys.role.witness": {"zh": "见证方", "en": "witness"},
    "keys.bad_name": {
        "zh": "密钥名称 {name!r} 无效：只能用字母、数字、点、下划线和连字符（最多 64 个）",
        "en": "invalid key name {name!r}: use letters, digits, '.', '_' and '-' (at most 64)",
    },
    "keys.exists": {
        "zh": "密钥 {name} 已存在（{path}），未覆盖",
        "en": "key {name} already exists ({path}); not overwritten",
    },
    "keys.no_key": {
        "zh": "没有名为 {name} 的本机关密钥：运行 randcheck keys init --name {name}",
        "en": "no own key named {name}: run `randcheck keys init --name {name}`",
    },
    "keys.bad_file": {"zh": "密钥文件 {path} 已损坏", "en": "key file {path} is damaged"},
    "keys.public_not_private": {
        "zh": "{path} 是公钥文件，不是私钥：请给出自己的私钥文件（randcheck keys init 生成的 .key）",
        "en": "{path} is a public key file, not a private key: give your own private key file "
        "(the .key made by randcheck keys init)",
    },
    "keys.mismatch": {
        "zh": "私钥 {name} 与其元数据中的密钥 ID 不符",
        "en": "private key {name} does not match the key id in its metadata",
    },
    "keys.revoked_key": {
        "zh": "密钥 {name} 已吊销，不能再用于签名",
        "en": "key {name} is revoked and can no longer sign",
    },
    "keys.bad_public_file": {
        "zh": "{path} 不是可识别的公钥文件（PEM 或签名记录公钥）",
        "en": "{path} is not a recognised public key file (PEM or note verifier key)",
    },
    "keys.not_ed25519_public": {
        "zh": "{path} 中的公钥不是 Ed25519 公钥",
        "en": "the public key in {path} is not an Ed25519 key",
    },
    "keys.key_id_mismatch": {
        "zh": "{path} 声明的密钥 ID {stated} 与其中的公钥不符",
        "en": "the key id {stated} stated in {path} does not match its public key",
    },
    "keys.bad_role": {
        "zh": "角色 {role!r} 无效：可选 {roles}",
        "en": "invalid role {role!r}: choose {roles}",
    },
    "keys.is_own": {
        "zh": "密钥 {key_id} 是本机关自己的密钥，无需信任",
        "en": "key {key_id} is one of this office's own keys",
    },
    "keys.already_trusted": {
        "zh": "密钥 {key_id} 已在受信任列表中",
        "en": "key {key_id} is already trusted",
    },
    "keys.name_taken": {
        "zh": "受信任列表中已有名为 {name} 的密钥",
        "en": "a trusted key named {name} already exists",
    },
    "keys.bad_key_id": {
        "zh": "密钥 ID {key_id!r} 无效：应为至少 8 位小写十六进制",
        "en": "invalid key id {key_id!r}: give at least 8 hex digits",
    },
    "keys.reason_required": {"zh": "必须给出吊销原因", "en": "a reason for revocation is required"},
    "keys.key_not_found": {"zh": "找不到密钥 {key_id}", "en": "no key with id {key_id}"},
    "keys.ambiguous": {
        "zh": "密钥 ID 前缀 {key_id} 匹配 {count} 把密钥：请给出更长的前缀",
        "en": "key id prefix {key_id} matches {count} keys: give more digits",
    },
    "keys.already_revoked": {
        "zh": "密钥 {key_id} 已被吊销",
        "en": "key {key_id} is already revoked",
    },
    "keys.passphrase_mismatch": {"zh": "两次输入的口令不一致", "en": "the two passphrases differ"},
    "keys.weak_passphrase": {
        "zh": "口令太弱，未写入任何文件：新口令至少要有 {min} 个字符（一个汉字算一个字符），且不能全是同一个字符",
        "en": "passphrase too weak, nothing was written: a new passphrase needs at least {min} characters (a Chinese character counts as one) and must not be one character repeated",
    },
}
