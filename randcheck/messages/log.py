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
        "zh": "无法追加审计日志文件 {path}：{reason}（数据库已提交；排除原因后运行 randcheck log repair 补写，之后的任何写操作也会自动补写）",
        "en": "cannot append to the audit log file {path}: {reason} (the database has committed; once the cause is fixed, `randcheck log repair` appends the missing lines, as does any later write)",
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
    "log.help": {
        "zh": "审计日志：查看、校验、补写中断的写入、签名检查点、包含性证明。",
        "en": "Audit log: show, verify, repair an interrupted write, signed checkpoints, inclusion proofs.",
    },
    "log.show.help": {"zh": "列出审计日志条目。", "en": "List audit log entries."},
    "log.verify.help": {
        "zh": "校验审计日志：逐条重算哈希，比对数据库、检查点签名与数据库当前状态；发现问题时退出码为 1。",
        "en": "Verify the audit log: recompute every leaf, compare with the database, the signed checkpoints and the database's current state; exit 1 on any problem.",
    },
    "log.repair.help": {
        "zh": "补写中断的日志写入：把数据库中有、日志文件末尾缺少的条目追加到 audit_logs/log.jsonl（并截去属于该条目的不完整末行），然后做与 log verify 相同的校验。不做其他任何改动；与数据库不一致的文件不会被“修复”。退出码：0 校验通过，1 仍未通过或文件与数据库不一致，3 无法运行。",
        "en": 'Finish an interrupted log write: append to audit_logs/log.jsonl the database entries missing at its end (cutting an incomplete last line that is the start of the entry), then run the checks of `log verify`. Changes nothing else; a file that differs from the database is never "repaired". Exit 0 when the log verifies, 1 when it still does not or the file diverged, 3 when it cannot run.',
    },
    "log.checkpoint.help": {
        "zh": "用本机关密钥签署当前树头（C2SP 检查点格式），写入 audit_logs/checkpoint.txt；不向日志追加条目。",
        "en": "Sign the current tree head with the office key (C2SP checkpoint) into audit_logs/checkpoint.txt; appends nothing to the log.",
    },
    "log.prove.help": {
        "zh": "输出条目 N 相对最新检查点的包含性证明（c2sp.org/tlog-proof@v1）。",
        "en": "Print an inclusion proof of entry N against the latest checkpoint (c2sp.org/tlog-proof@v1).",
    },
    "log.verify_proof.help": {
        "zh": "离线校验包含性证明文件（需要签名方公钥）。",
        "en": "Verify an inclusion proof file offline (needs the signer's public key).",
    },
    "log.opt.from": {"zh": "从序号 N 开始", "en": "start at entry N"},
    "log.opt.limit": {"zh": "最多显示 N 条", "en": "show at most N entries"},
    "log.opt.key_name": {"zh": "签名用的本机关密钥名称", "en": "name of the own key to sign with"},
    "log.opt.pubkey": {
        "zh": "签名方公钥文件（keys export 的输出）",
        "en": "signer's public key file (output of `keys export`)",
    },
    "log.opt.entry_file": {
        "zh": "条目内容文件（规范 JSON 一行）；缺省时从工作区日志读取",
        "en": "file holding the entry (one canonical JSON line); default: read it from the workspace log",
    },
    "log.opt.output": {
        "zh": "写入文件而不是标准输出",
        "en": "write to this file instead of stdout",
    },
    "log.arg.index": {"zh": "条目序号（从 0 开始）", "en": "entry number (0-based)"},
    "log.arg.proof": {"zh": "证明文件", "en": "proof file"},
    "log.col.seq": {"zh": "序号", "en": "Seq"},
    "log.col.time": {"zh": "时间（UTC）", "en": "Time (UTC)"},
    "log.col.actor": {"zh": "操作人", "en": "Actor"},
    "log.col.kind": {"zh": "类型", "en": "Kind"},
    "log.col.summary": {"zh": "摘要", "en": "Summary"},
    "log.col.where": {"zh": "位置", "en": "Where"},
    "log.col.problem": {"zh": "问题", "en": "Problem"},
    "log.col.check": {"zh": "检查项", "en": "Check"},
    "log.c.entries_ok": {
        "zh": "日志文件 {count} 行均为规范条目，序号连续",
        "en": "all {count} lines of the log file are canonical entries in sequence",
    },
    "log.c.mirror_ok": {
        "zh": "日志文件与数据库的 {count} 条记录一致",
        "en": "the log file matches the database's {count} entries",
    },
    "log.c.checkpoints_ok": {
        "zh": "{count} 个已签名检查点均与日志树一致",
        "en": "{count} signed checkpoint(s) agree with the log tree",
    },
    "log.c.state_ok": {
        "zh": "{count} 个名录库表与日志最后记录的摘要一致",
        "en": "{count} registry table(s) match the digest last recorded in the log",
    },
    "log.none_from": {
        "zh": "审计日志共 {size} 条，从序号 {start} 起没有记录",
        "en": "The audit log has {size} entries; none from seq {start} on",
    },
    "log.empty": {"zh": "审计日志为空", "en": "The audit log is empty"},
    "log.where": {"zh": "条目 {seq}（第 {line} 行）", "en": "entry {seq} (line {line})"},
    "log.where_seq": {"zh": "条目 {seq}", "en": "entry {seq}"},
    "log.where_none": {"zh": "（整个日志）", "en": "(whole log)"},
    "log.intact": {
        "zh": "审计日志完整：{size} 条，根哈希 {root}，已校验 {checkpoints} 个检查点",
        "en": "Audit log intact: {size} entries, root {root}, {checkpoints} checkpoint(s) verified",
    },
    "log.broken": {
        "zh": "审计日志校验失败：{count} 个问题。第一个：{where}：{reason}。randcheck log repair 只能补回文件末尾缺少的条目（写入中断）；其他问题都是证据：请保留 audit_logs/ 和数据库的副本，并与已公布的检查点核对",
        "en": "Audit log verification FAILED: {count} problem(s). First: {where}: {reason}. `randcheck log repair` restores only entries missing at the end of the file (an interrupted write); anything else is evidence: keep copies of audit_logs/ and the database and compare them with the checkpoints you published",
    },
    "log.repaired": {
        "zh": "已从数据库补写 {count} 行（条目 {start} 起）到 {path}",
        "en": "Appended {count} line(s) from the database (entries {start} on) to {path}",
    },
    "log.repair_nothing": {
        "zh": "日志文件 {path} 已包含数据库中的全部条目：无需补写，追加 0 行",
        "en": "The log file {path} already holds every database entry: 0 lines appended",
    },
    "log.repair_cut": {
        "zh": "已截去不完整的末行（{bytes} 字节，是条目 {seq} 的开头），随后补写完整条目",
        "en": "Cut an incomplete last line ({bytes} bytes, the start of entry {seq}) before appending",
    },
    "log.repair_refused": {
        "zh": "日志文件在{where}与数据库不一致：{reason}",
        "en": "the log file differs from the database at {where}: {reason}",
    },
    "log.repair_unchanged": {
        "zh": "未做任何改动：randcheck log repair 只追加数据库中有、文件末尾缺少的条目。与数据库不一致的日志文件是证据：请保留副本并查明改动来源（以下是 log verify 的校验结果）",
        "en": "Nothing was changed: `randcheck log repair` only appends entries the database has and the end of the file lacks. A log file that differs from the database is evidence: keep a copy and find out who changed it (the findings of `log verify` follow)",
    },
    "log.checkpoint_written": {
        "zh": "已签署检查点：{size} 条，根哈希 {root}，写入 {path}",
        "en": "Signed checkpoint: {size} entries, root {root}, written to {path}",
    },
    "log.checkpoint_refused": {
        "zh": "日志文件与数据库不一致（条目 {seq}，第 {line} 行），拒绝签署。请先运行 randcheck log verify",
        "en": "the log file and the database disagree (entry {seq}, line {line}); refusing to sign. Run `randcheck log verify`",
    },
    "log.checkpoint_exists": {
        "zh": "同样大小的检查点 {path} 已存在且内容不同，未覆盖（它由另一把密钥签署，或签署后日志被改动：randcheck log verify 可以区分）",
        "en": "a different checkpoint of the same size already exists at {path}; not overwritten (it was signed with another key, or the log changed since it was signed: `randcheck log verify` tells which)",
    },
    "log.no_checkpoint": {
        "zh": "还没有检查点：先运行 randcheck log checkpoint",
        "en": "no checkpoint yet: run `randcheck log checkpoint` first",
    },
    "log.index_beyond_checkpoint": {
        "zh": "条目 {index} 不在最新检查点（{size} 条）之内：请先运行 randcheck log checkpoint 签署新检查点",
        "en": "entry {index} is not covered by the latest checkpoint ({size} entries): sign a new one first with randcheck log checkpoint",
    },
    "log.checkpoint_mismatch": {
        "zh": "最新检查点（{size} 条）与日志文件不符：请运行 randcheck log verify",
        "en": "the latest checkpoint ({size} entries) does not match the log file: run `randcheck log verify`",
    },
    "log.no_entry": {
        "zh": "日志中没有条目 {index}（用 randcheck log show 查看现有条目）",
        "en": "the log has no entry {index} (see `randcheck log show`)",
    },
    "log.proof_ok": {
        "zh": "证明有效：条目 {index}（{kind}）包含在 {origin} 的 {size} 条日志中，根哈希 {root}",
        "en": "Proof valid: entry {index} ({kind}) is included in the {size}-entry log {origin}, root {root}",
    },
    "log.proof_file_malformed": {
        "zh": "{path} 不是包含证明文件（c2sp.org/tlog-proof@v1）：请用 randcheck log prove 条目号 -o 文件 生成，或向公布该证明的机关索取",
        "en": "{path} is not an inclusion proof file (c2sp.org/tlog-proof@v1): make one with randcheck log prove N -o FILE, or ask the office that published it for it",
    },
    "log.proof_written": {"zh": "证明已写入 {path}", "en": "Proof written to {path}"},
    "log.v.not_json": {"zh": "这一行不是有效的 JSON", "en": "the line is not valid JSON"},
    "log.v.not_canonical": {
        "zh": "这一行不是规范 JSON（RFC 8785）：被改动过",
        "en": "the line is not canonical JSON (RFC 8785): it was altered",
    },
    "log.v.bad_entry": {
        "zh": "这一行不是合规的日志条目（字段缺失或类型错误）",
        "en": "the line is not a well-formed log entry (missing or mistyped fields)",
    },
    "log.v.wrong_seq": {
        "zh": "这里应是条目 {seq}，却是条目 {found}：有条目被删除、插入或调换",
        "en": "expected entry {seq} here but found entry {found}: an entry was removed, inserted or reordered",
    },
    "log.v.torn_line": {
        "zh": "最后一行不完整（没有换行符）：如果它是数据库中该条目的开头（写入被中断），randcheck log repair 会补全",
        "en": "the last line is incomplete (no final newline): if it is the start of the database's entry (an interrupted write), `randcheck log repair` completes it",
    },
    "log.v.db_gap": {
        "zh": "数据库中的条目序号不连续：应为 {seq}，实为 {found}",
        "en": "the database entries have a gap: expected seq {seq}, found {found}",
    },
    "log.v.db_leaf": {
        "zh": "数据库中此条目的叶哈希与内容不符：数据库被改动过",
        "en": "the database's stored leaf hash does not match the entry body: the database was altered",
    },
    "log.v.not_in_db": {
        "zh": "数据库中没有这一条（数据库只有 {db_entries} 条）：日志文件被人为追加",
        "en": "the database does not have this entry (it holds {db_entries}): appended to the file out of band",
    },
    "log.v.differs_from_db": {
        "zh": "这一行与数据库中的条目不同：被改动过",
        "en": "the line differs from the database's copy of the entry: it was altered",
    },
    "log.v.missing_from_file": {
        "zh": "数据库中有 {count} 条不在日志文件中（从这里开始）：文件被截断或删行，或上次写入被中断（运行 randcheck log repair 从数据库补写；任何写操作也会补写）",
        "en": "{count} database entr(y/ies) are missing from the log file from here on: truncated or removed lines, or an interrupted write (`randcheck log repair` restores them from the database, as does the next write)",
    },
    "log.v.checkpoint_signature": {
        "zh": "检查点 {file} 的签名无效或不是本机关密钥签署（{reason_code}）",
        "en": "checkpoint {file} has no valid signature by an own key ({reason_code})",
    },
    "log.v.checkpoint_beyond": {
        "zh": "检查点 {file} 已签署 {size} 条，但日志文件只有 {have} 条：日志被截断",
        "en": "checkpoint {file} signed {size} entries but the log file has only {have}: the log was truncated",
    },
    "log.v.checkpoint_root": {
        "zh": "检查点 {file} 签署的前 {size} 条的根哈希与日志文件不符：已签署的条目被改动",
        "en": "the root signed by checkpoint {file} over the first {size} entries does not match the log file: signed entries were altered",
    },
    "log.v.state_mismatch": {
        "zh": "表 {table} 当前内容（{actual}）与日志最后记录的状态（{recorded}）不符：数据库被绕过日志修改",
        "en": "table {table} now ({actual}) differs from the state last recorded in the log ({recorded}): the database was changed without the log",
    },
    "note.bad_name": {"zh": "签名密钥名称 {name!r} 无效", "en": "invalid note key name {name!r}"},
    "note.bad_vkey": {"zh": "签名记录公钥格式无效", "en": "malformed note verifier key"},
    "note.bad_skey": {"zh": "签名记录私钥格式无效", "en": "malformed note signer key"},
    "note.bad_text": {
        "zh": "签名记录正文无效（须以换行结尾、不含空行和控制字符）",
        "en": "invalid note text (must end in a newline, without blank lines or control characters)",
    },
    "note.malformed": {"zh": "签名记录格式错误", "en": "malformed signed note"},
    "note.no_known_signature": {
        "zh": "签名记录没有任何已知密钥的有效签名",
        "en": "the note has no valid signature by a known key",
    },
    "checkpoint.malformed": {"zh": "检查点格式错误", "en": "malformed checkpoint"},
    "checkpoint.origin_mismatch": {
        "zh": "检查点来源 {origin} 与签名密钥不符",
        "en": "checkpoint origin {origin} does not match its signing key",
    },
    "proof.malformed": {
        "zh": "证明文件格式错误（应为 c2sp.org/tlog-proof@v1）",
        "en": "malformed proof file (expected c2sp.org/tlog-proof@v1)",
    },
    "proof.bad_entry": {
        "zh": "条目内容不是证明所述的第 {index} 条规范日志条目",
        "en": "the entry is not a canonical log entry number {index} as the proof states",
    },
}
