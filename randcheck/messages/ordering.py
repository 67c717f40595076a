"""Messages of randcheck/draw/v2 (docs/SPEC-v2.md): the entropy commitment, its anchors and the
order of the randomness, in the core, ``verify``, the ceremony and ``randcheck timestamp``."""

MESSAGES: dict[str, dict[str, str]] = {
    # core (SPEC-v2)
    "proto.v2_drand_required": {
        "zh": "randcheck/draw/v2 的正式公告必须包含 drand 熵来源（顺序证明针对的就是它）",
        "en": "a non-practice randcheck/draw/v2 announcement must have a drand source "
        "(the ordering is about it)",
    },
    "proto.commitment_values": {
        "zh": "熵承诺须对公告的 {expected} 个熵来源逐一给出值（骰子、彩票）或 null",
        "en": "the entropy commitment must give one value (dice, lottery) or null for each of "
        "the {expected} announced sources",
    },
    "proto.not_v2": {
        "zh": "只有 randcheck/draw/v2 的公告才有熵承诺",
        "en": "only a randcheck/draw/v2 announcement has an entropy commitment",
    },
    "proto.commitment_required": {
        "zh": "randcheck/draw/v2 的抽取记录必须指明熵承诺，v1 的不能（公告规范：{spec}）",
        "en": "a randcheck/draw/v2 record must name its entropy commitment and a v1 record "
        "must not (announcement spec: {spec})",
    },
    "proto.commitment_missing": {
        "zh": "缺少熵承诺（commitment.json）",
        "en": "the entropy commitment (commitment.json) is missing",
    },
    "proto.commitment_fields": {
        "zh": "熵承诺的字段不完整或规范版本不符",
        "en": "the entropy commitment has wrong fields or the wrong spec",
    },
    "proto.commitment_mismatch": {
        "zh": "熵承诺与公告或抽取记录不符（{field}）",
        "en": "the entropy commitment does not match the announcement or the record ({field})",
    },
    "proto.commitment_values_differ": {
        "zh": "抽取记录中第 {index} 个熵来源的值与熵承诺不同",
        "en": "the value of entropy source {index} in the record differs from the commitment",
    },
    "proto.commitment_round": {
        "zh": "抽取记录使用的 drand 轮次 {got} 不是熵承诺决定的轮次 {want}",
        "en": "the record uses drand round {got}, not round {want} that the commitment fixes",
    },
    "proto.witnesses_none": {
        "zh": "没有见证人联署熵承诺",
        "en": "no witness co-signed the commitment",
    },
    "proto.witnesses_signed": {
        "zh": "{count} 名见证人联署：{names}",
        "en": "co-signed by {count} witness(es): {names}",
    },
    "proto.commitment_signer_repeated": {
        "zh": "熵承诺上密钥 {key_id} 的签名出现不止一次：每个密钥只能签署一次，重复的联署不算第二名见证人",
        "en": "the commitment bears more than one signature by key {key_id}: each key signs "
        "once, and a repeated co-signature is not a second witness",
    },
    "proto.witness_undeclared": {
        "zh": "熵承诺上有一个公告未声明的密钥（{key_id}）的签名",
        "en": "the commitment bears a signature by a key the announcement does not declare "
        "({key_id})",
    },
    "proto.witness_key_missing": {
        "zh": "找不到见证人密钥 {key_id} 的公钥，无法核验其联署",
        "en": "no public key for witness key {key_id}: its co-signature cannot be checked",
    },
    "proto.witness_bad_signature": {
        "zh": "见证人密钥 {key_id} 的联署签名无效",
        "en": "the co-signature of witness key {key_id} is invalid",
    },
    "proto.tsa_undeclared": {
        "zh": "时间戳的签发证书（{fingerprint}）不在公告列出的时间戳机构中",
        "en": "the timestamp's signer certificate ({fingerprint}) is not one the announcement "
        "lists",
    },
    "proto.tsa_untrusted": {
        "zh": "时间戳由 {tsa}（证书 {fingerprint}）签发，本机未信任该证书：用 --trusted-tsa 指定",
        "en": "the timestamp is signed by {tsa} (certificate {fingerprint}), which this reader "
        "does not trust: give it with --trusted-tsa",
    },
    # verify: what each check is (the table's second column)
    "verify.what.commitment.envelope": {
        "zh": "熵承诺（commitment.json）的格式",
        "en": "entropy commitment (commitment.json) format",
    },
    "verify.what.commitment.signature": {
        "zh": "熵承诺的机关签名",
        "en": "the office's signature on the commitment",
    },
    "verify.what.commitment.binding": {
        "zh": "熵承诺与公告、抽取记录一致（骰子、彩票值逐字节相同）",
        "en": "commitment matches the announcement and the record (dice, lottery byte for byte)",
    },
    "verify.what.commitment.witnesses": {
        "zh": "见证人联署（只认公告声明、且核验方信任的见证人密钥）",
        "en": "witness co-signatures (only declared keys the reader trusts)",
    },
    "verify.what.commitment.anchor": {
        "zh": "顺序证明依据（时间戳、见证人或本单位时钟）",
        "en": "what the ordering rests on (timestamp, witnesses or the office's clock)",
    },
    "verify.what.commitment.round": {
        "zh": "drand 轮次是熵承诺时间（加余量）之后的第一轮",
        "en": "the drand round is the first after the commitment's time (plus the margin)",
    },
    "verify.what.log.commitment": {
        "zh": "熵承诺已记入日志（包含证明）",
        "en": "commitment is in the log (inclusion proof)",
    },
    # verify: what the ordering rests on
    "verify.ordering_tsa": {
        "zh": "顺序证明：时间戳机构 {tsa} 于 {time}（北京时间）证明{tail}",
        "en": "ordering: time-stamping authority {tsa} attests at {time} (Beijing time) that {tail}",
    },
    # what follows the anchor: the round, then who of the declared witnesses did not co-sign and
    # whose co-signature counts for nothing (a key the reader does not trust)
    "verify.ordering_tail": {
        "zh": "熵承诺早于 drand 第 {round} 轮",
        "en": "the commitment came before drand round {round}",
    },
    "verify.ordering_tail_absent": {
        "zh": "熵承诺早于 drand 第 {round} 轮；公告列明的见证人 {absent} 未联署",
        "en": "the commitment came before drand round {round}; the announced witness(es) "
        "{absent} did not co-sign",
    },
    "verify.ordering_tail_unconfirmed": {
        "zh": "熵承诺早于 drand 第 {round} 轮；见证人 {unconfirmed} 也联署了，但其公钥未核实，不作依据",
        "en": "the commitment came before drand round {round}; witness(es) {unconfirmed} also "
        "co-signed, with keys not confirmed, which count for nothing here",
    },
    "verify.ordering_tail_unconfirmed_absent": {
        "zh": "熵承诺早于 drand 第 {round} 轮；见证人 {unconfirmed} 也联署了，但其公钥未核实，不作依据；"
        "公告列明的见证人 {absent} 未联署",
        "en": "the commitment came before drand round {round}; witness(es) {unconfirmed} also "
        "co-signed, with keys not confirmed, which count for nothing here; the announced "
        "witness(es) {absent} did not co-sign",
    },
    "verify.ordering_tsa_witnesses": {
        "zh": "顺序证明：时间戳机构 {tsa} 于 {time}（北京时间）证明，见证人 {names} 联署；{tail}",
        "en": "ordering: attested by time-stamping authority {tsa} at {time} (Beijing time) and "
        "co-signed by witnesses {names}; {tail}",
    },
    "verify.ordering_witnesses": {
        "zh": "顺序证明：见证人 {names} 当场联署熵承诺，确认承诺时间为北京时间 {time}；{tail}",
        "en": "ordering: witnesses {names} co-signed the commitment on the spot, confirming its "
        "time as {time} Beijing time; {tail}",
    },
    "verify.ordering_witnesses_unconfirmed": {
        "zh": "顺序证明未确认：见证人 {names} 联署了熵承诺，但其公钥未核实（用 --witness-keys 给出见证人"
        "本人提供的公钥）；在此之前，承诺时间北京时间 {time} 及其所定的 drand 第 {round} 轮只是本单位的说法",
        "en": "ordering NOT confirmed: witnesses {names} co-signed the commitment, but their keys "
        "are not confirmed (give the keys the witnesses provided with --witness-keys); until "
        "then the commitment's time, {time} Beijing time, and the drand round {round} it fixes "
        "are only the office's word",
    },
    "verify.ordering_witnesses_unconfirmed_absent": {
        "zh": "顺序证明未确认：见证人 {names} 联署了熵承诺，但其公钥未核实（用 --witness-keys 给出见证人"
        "本人提供的公钥）；在此之前，承诺时间北京时间 {time} 及其所定的 drand 第 {round} 轮只是本单位的说法；"
        "公告列明的见证人 {absent} 未联署",
        "en": "ordering NOT confirmed: witnesses {names} co-signed the commitment, but their keys "
        "are not confirmed (give the keys the witnesses provided with --witness-keys); until "
        "then the commitment's time, {time} Beijing time, and the drand round {round} it fixes "
        "are only the office's word; the announced witness(es) {absent} did not co-sign",
    },
    "verify.ordering_clock": {
        "zh": "顺序证明：仅凭本单位时钟（熵承诺时间 {time}，北京时间，早于 drand 第 {round} 轮）",
        "en": "ordering: the office's own clock only (commitment at {time}, before drand "
        "round {round})",
    },
    "verify.unconfirmed_tsa": {
        "zh": "内容一致（{passed} 项检查通过）；熵承诺的时间戳机构未确认（{count} 项未确认：{checks}）："
        "请用 --trusted-tsa 指定该时间戳机构的证书（经独立渠道取得）后再核验。核验码 {code}",
        "en": "the content is consistent ({passed} checks passed); the commitment's "
        "time-stamping authority is NOT confirmed ({count} checks unconfirmed: {checks}): verify "
        "again with --trusted-tsa and that authority's certificate (obtained through an "
        "independent channel). Verification code {code}",
    },
    "verify.unconfirmed_witnesses": {
        "zh": "内容一致（{passed} 项检查通过）；见证人公钥未经独立核实（{count} 项未确认：{checks}）："
        "请用 --witness-keys 给出见证人本人提供的公钥文件后再核验。核验码 {code}",
        "en": "the content is consistent ({passed} checks passed); the witnesses' keys are NOT "
        "independently confirmed ({count} checks unconfirmed: {checks}): verify again with "
        "--witness-keys and the key files the witnesses gave you themselves. Verification "
        "code {code}",
    },
    "verify.unconfirmed_tsa_witnesses": {
        "zh": "内容一致（{passed} 项检查通过）；时间戳机构和见证人公钥未确认（{count} 项未确认：{checks}）："
        "请用 --trusted-tsa 指定时间戳机构证书、用 --witness-keys 给出见证人本人提供的公钥文件"
        "后再核验。核验码 {code}",
        "en": "the content is consistent ({passed} checks passed); the time-stamping authority "
        "and the witnesses' keys are NOT confirmed ({count} checks unconfirmed: {checks}): verify "
        "again with --trusted-tsa and the authority's certificate, and --witness-keys with the "
        "key files the witnesses gave you themselves. Verification code {code}",
    },
    "proto.witnesses_unconfirmed": {
        "zh": "见证人 {names} 联署（公钥未经独立核实）：用 --witness-keys 给出见证人本人提供的公钥",
        "en": "co-signed by witnesses {names} (keys not independently confirmed): give the keys "
        "the witnesses provided with --witness-keys",
    },
    "proto.witness_is_office": {
        "zh": "见证人 {name} 的密钥（{key_id}）就是本单位的签名密钥：见证人联署须出自见证人本人的密钥",
        "en": "witness {name}'s key ({key_id}) is the office's own signing key: a witness must "
        "co-sign with a key of their own",
    },
    "proto.witness_signs_for_office": {
        "zh": "见证人 {name} 的密钥（{key_id}）签署了本单位的文件 {document}：它是本单位的密钥，"
        "其联署只是本单位自己的话，不算见证",
        "en": "witness {name}'s key ({key_id}) signs the office's {document}: it is a key of "
        "the office, and its co-signature is only the office's word, not a witness's",
    },
    "proto.commitment_not_operator": {
        "zh": "熵承诺的第一个签名不是签署公告的密钥",
        "en": "the commitment's first signature is not by the key that signed the announcement",
    },
    "proto.token_late": {
        "zh": "时间戳晚于所定 drand 轮次的发布：时间戳证明的最晚时间 {latest}，该轮发布于 {published}"
        "（UTC）；这份时间戳不能证明熵承诺早于该轮",
        "en": "the timestamp is too late: it attests the commitment no later than {latest}, but "
        "the round it fixes was published at {published} (UTC); it cannot show the commitment "
        "came before that round",
    },
    "verify.ordering_tsa_no_witness": {
        "zh": "顺序证明：时间戳机构 {tsa} 于 {time}（北京时间）证明{tail}；但公告列明的见证人无一联署",
        "en": "ordering: time-stamping authority {tsa} attests at {time} (Beijing time) that "
        "{tail}; but none of the witnesses the announcement lists co-signed",
    },
    "verify.ordering_witnesses_no_tsa": {
        "zh": "顺序证明：见证人 {names} 当场联署熵承诺，确认承诺时间为北京时间 {time}；{tail}；"
        "但公告列明的时间戳缺失",
        "en": "ordering: witnesses {names} co-signed the commitment on the spot, confirming its "
        "time as {time} Beijing time; {tail}; but the timestamp the announcement provides for is "
        "missing",
    },
    "verify.ordering_clock_no_tsa": {
        "zh": "顺序证明：仅凭本单位时钟（熵承诺时间 {time}，北京时间，早于 drand 第 {round} 轮）："
        "公告列明的时间戳缺失",
        "en": "ordering: the office's own clock only (commitment at {time}, before drand round "
        "{round}): the timestamp the announcement provides for is missing",
    },
    "verify.ordering_clock_no_witness": {
        "zh": "顺序证明：仅凭本单位时钟（熵承诺时间 {time}，北京时间，早于 drand 第 {round} 轮）："
        "公告列明的见证人无一联署",
        "en": "ordering: the office's own clock only (commitment at {time}, before drand round "
        "{round}): none of the witnesses the announcement lists co-signed",
    },
    "verify.ordering_clock_no_anchor": {
        "zh": "顺序证明：仅凭本单位时钟（熵承诺时间 {time}，北京时间，早于 drand 第 {round} 轮）："
        "公告列明的时间戳缺失，见证人也无一联署",
        "en": "ordering: the office's own clock only (commitment at {time}, before drand round "
        "{round}): the timestamp the announcement provides for is missing and none of its "
        "witnesses co-signed",
    },
    "verify.order_commitment": {
        "zh": "审计日志中的顺序不对：熵承诺（第 {committed} 条）须在公告之后、揭示和抽取记录"
        "（第 {record} 条）之前",
        "en": "the log order is wrong: the commitment (entry {committed}) must come after the "
        "announcement and before the reveal and the record (entry {record})",
    },
    "verify.opt.trusted_tsa": {
        "zh": "信任的时间戳机构证书（PEM 或 DER，可重复）；不给出时使用工作区的受信任时间戳机构证书",
        "en": "a trusted time-stamping authority certificate (PEM or DER; repeatable); without "
        "it the workspace's trusted TSA certificates are used",
    },
    "verify.tsa_cert_unreadable": {
        "zh": "无法读取时间戳机构证书 {path}",
        "en": "cannot read the TSA certificate {path}",
    },
    # the ceremony
    "ceremony.v2_intro": {
        "zh": "本任务采用 randcheck/draw/v2：骰子和彩票值先签署为熵承诺，之后才确定 drand 轮次。",
        "en": "This task follows randcheck/draw/v2: the dice and lottery values are signed as "
        "an entropy commitment before the drand round is determined.",
    },
    "ceremony.src.drand_v2": {
        "zh": "drand 公共随机数：轮次由熵承诺决定（承诺时间之后 {margin} 秒后的第一轮）",
        "en": "drand public randomness: the round is fixed by the commitment (the first "
        "round more than {margin} s after it)",
    },
    "ceremony.commitment_title": {
        "zh": "熵承诺",
        "en": "Entropy commitment",
    },
    "ceremony.commitment_digest": {
        "zh": "熵承诺摘要：{digest}",
        "en": "commitment digest: {digest}",
    },
    "ceremony.confirm_commit": {
        "zh": "以上值将被签署为熵承诺，之后不能更改。签署？",
        "en": "These values will be signed as the entropy commitment and cannot change "
        "afterwards. Sign?",
    },
    "ceremony.witness_cosigned": {
        "zh": "见证人 {name} 已联署熵承诺",
        "en": "witness {name} co-signed the commitment",
    },
    "ceremony.tsa_fetching": {
        "zh": "正在向时间戳机构 {url} 申请时间戳……",
        "en": "requesting a timestamp from {url} …",
    },
    "ceremony.tsa_failed": {
        "zh": "未能在线取得时间戳：{reason}。改为在另一台联网电脑上取得。",
        "en": "could not get a timestamp online: {reason}. Get one on another, online "
        "computer instead.",
    },
    "ceremony.tsa_relay": {
        "zh": "在一台联网的电脑上为下面的摘要申请时间戳（可扫描二维码）：\n"
        "  randcheck timestamp {digest} --tsa URL --out commitment.tsr\n"
        "或：openssl ts -query -digest {digest} -sha256 -cert -out req.tsq，"
        "再把 req.tsq 发给时间戳机构。把取得的时间戳文件拷回本机。",
        "en": "On an online computer, get a timestamp for the digest below (scan the QR code):\n"
        "  randcheck timestamp {digest} --tsa URL --out commitment.tsr\n"
        "or: openssl ts -query -digest {digest} -sha256 -cert -out req.tsq and send req.tsq "
        "to the TSA. Bring the token file back to this computer.",
    },
    "ceremony.prompt.tsa_file": {
        "zh": "时间戳文件的路径",
        "en": "path of the timestamp token file",
    },
    "ceremony.tsa_rejected": {
        "zh": "时间戳不可用：{reason}",
        "en": "the timestamp cannot be used: {reason}",
    },
    "ceremony.tsa_ok": {
        "zh": "时间戳：{tsa} 于 {time} 证明",
        "en": "timestamp: attested by {tsa} at {time}",
    },
    "ceremony.round_fixed": {
        "zh": "drand 轮次已由熵承诺确定：第 {round} 轮，发布时间 {time}（承诺时间 {anchor}，"
        "余量 {margin} 秒）",
        "en": "the drand round is fixed by the commitment: round {round}, published at {time} "
        "(committed at {anchor}, margin {margin} s)",
    },
    "ceremony.commitment_logged": {
        "zh": "熵承诺已记入审计日志（第 {seq} 条）",
        "en": "the commitment is in the audit log (entry {seq})",
    },
    "ceremony.commitment_pending": {
        "zh": "任务 {task} 已有熵承诺（审计日志第 {seq} 条）：用 --resume 以相同的值继续，"
        "或用 --redraw 重新抽取",
        "en": "task {task} already has an entropy commitment (audit log entry {seq}): "
        "continue with the same values with --resume, or redraw with --redraw",
    },
    "ceremony.opt.tsa": {
        "zh": "时间戳机构（RFC 3161）的网址，用于熵承诺（v2 任务）",
        "en": "URL of an RFC 3161 time-stamping authority for the commitment (v2 tasks)",
    },
    "ceremony.v2_witness_missing": {
        "zh": "见证人密钥 {name} 不在公告声明的见证人中",
        "en": "witness key {name} is not one the announcement declares",
    },
    "ceremony.tsa_deadline": {
        "zh": "时间戳须在 {time}（北京时间，所定 drand 轮次发布）之前取得，否则本次熵承诺作废、须重新抽取。",
        "en": "The timestamp must be obtained before {time} (Beijing time, when the fixed drand "
        "round is published); otherwise this commitment is void and the draw must be redone.",
    },
    "ceremony.v2_token_late": {
        "zh": "时间戳证明的最晚时间 {time}（UTC）不早于所定 drand 轮次的发布：熵承诺（审计日志第 {seq} 条）"
        "作废，不能继续。用 --redraw --reason … 重新抽取（重抽记录会注明这次作废的承诺）。",
        "en": "the timestamp attests no earlier than the publication of the fixed drand round "
        "(latest time {time} UTC): the commitment (audit log entry {seq}) is void and cannot "
        "be continued. Draw again with --redraw --reason … (the redraw names this commitment).",
    },
    "draw.drand_wrong_round_v2": {
        "zh": "drand 轮次为 {got}，但熵承诺确定的是第 {want} 轮",
        "en": "the drand round is {got}, but the commitment fixed round {want}",
    },
    "ceremony.v2_token_mismatch": {
        "zh": "时间戳不是为本熵承诺签发的：{reason}",
        "en": "the timestamp is not for this commitment: {reason}",
    },
    # a witness co-signing on their own device (randcheck cosign)
    "cosign.arg.file": {
        "zh": "抽取现场给出的熵承诺文件",
        "en": "the commitment file the ceremony wrote",
    },
    "cosign.opt.key": {
        "zh": "见证人自己的私钥文件（口令来自 RANDCHECK_KEY_PASSPHRASE 或隐藏输入）",
        "en": "the witness's own key file (passphrase from RANDCHECK_KEY_PASSPHRASE or a hidden "
        "prompt)",
    },
    "cosign.opt.out": {
        "zh": "联署文件的保存路径（默认：熵承诺文件旁的 *.cosig.json）",
        "en": "where to write the co-signature (default: *.cosig.json beside the commitment)",
    },
    "cosign.prompt": {
        "zh": "见证人私钥的口令",
        "en": "passphrase of the witness key",
    },
    "cosign.written": {
        "zh": "联署文件已保存到 {path}（密钥 {key_id}）：交回抽取现场",
        "en": "co-signature written to {path} (key {key_id}): take it back to the ceremony",
    },
    "cosign.not_commitment": {
        "zh": "这不是熵承诺文件",
        "en": "this is not a commitment file",
    },
    "cosign.rejected": {
        "zh": "联署文件不可用：{reason}",
        "en": "the co-signature cannot be used: {reason}",
    },
    "cosign.bad_file": {
        "zh": "不是 randcheck cosign 生成的联署文件",
        "en": "not a co-signature file made by randcheck cosign",
    },
    "cosign.other_commitment": {
        "zh": "联署的是另一份熵承诺",
        "en": "it co-signs another commitment",
    },
    "ceremony.prompt.cosign_file": {
        "zh": "联署文件的路径（直接回车：不再等待联署）",
        "en": "path of a co-signature file (Enter: wait for no more)",
    },
    # the demo
    "demo.step.ordering": {
        "zh": "核验（randcheck/draw/v2）：{words}",
        "en": "verified (randcheck/draw/v2): {words}",
    },
    # randcheck timestamp
    "timestamp.help": {
        "zh": "为一个 SHA-256 摘要（如熵承诺摘要）向时间戳机构申请 RFC 3161 时间戳。\n\n"
        "例：randcheck timestamp 1f2e… --tsa https://freetsa.org/tsr --out commitment.tsr",
        "en": "Get an RFC 3161 timestamp token for a SHA-256 digest (e.g. a commitment "
        "digest).\n\nExample: randcheck timestamp 1f2e… --tsa https://freetsa.org/tsr "
        "--out commitment.tsr",
    },
    "timestamp.arg.digest": {
        "zh": "64 位十六进制的 SHA-256 摘要",
        "en": "the SHA-256 digest, 64 hexadecimal digits",
    },
    "timestamp.opt.tsa": {
        "zh": "时间戳机构的网址",
        "en": "URL of the time-stamping authority",
    },
    "timestamp.opt.out": {
        "zh": "时间戳文件（DER）的保存路径",
        "en": "where to write the token (DER)",
    },
    "timestamp.bad_digest": {
        "zh": "摘要须为 64 位十六进制（大小写均可）：{value}",
        "en": "the digest must be 64 hexadecimal digits (either case): {value}",
    },
    "timestamp.written": {
        "zh": "时间戳已保存到 {path}：{tsa} 于 {time} 证明",
        "en": "token written to {path}: attested by {tsa} at {time}",
    },
    "timestamp.exists": {
        "zh": "{path} 已存在，不覆盖",
        "en": "{path} exists; not overwritten",
    },
    # task definitions
    "taskdef.exp.spec": {
        "zh": '"v1" 或 "v2"',
        "en": '"v1" or "v2"',
    },
    "taskdef.ordering_needs_v2": {
        "zh": '{file}：[ordering] 只用于 spec = "v2" 的任务',
        "en": '{file}: [ordering] is for tasks with spec = "v2" only',
    },
    "taskdef.v2_needs_drand": {
        "zh": '{file}：spec = "v2" 的任务须有 [entropy.drand]',
        "en": '{file}: a task with spec = "v2" needs [entropy.drand]',
    },
    "taskdef.v2_no_round": {
        "zh": '{file}：spec = "v2" 的任务不能预先指定 drand 轮次（由熵承诺决定）；删去 {field}',
        "en": '{file}: a spec = "v2" task cannot fix its drand round in advance (the '
        "commitment determines it); remove {field}",
    },
    "taskdef.exp.tsa_cert": {
        "zh": "证书文件路径或 64 位十六进制指纹",
        "en": "a certificate file path or a 64-hex-digit fingerprint",
    },
    "task.tsa_cert_unreadable": {
        "zh": "无法读取时间戳机构证书 {path}",
        "en": "cannot read the TSA certificate {path}",
    },
    "task.witness_is_office": {
        "zh": "见证人 {name} 的密钥 {key} 是本单位的签名密钥：见证人联署须用见证人本人的密钥，"
        "否则只是本单位自己的话",
        "en": "witness {name}'s key {key} is the office's signing key: a witness must co-sign "
        "with a key of their own, or the co-signature is only the office's word",
    },
    "taskdef.exp.witness_list": {
        "zh": '见证人密钥名的列表，如 ["张伟=zhangwei"]（即使只有一人也要写成列表）',
        "en": 'a list of witness key names, e.g. ["张伟=zhangwei"] (a list even for one)',
    },
    "task.witness_key_unknown": {
        "zh": "见证人密钥 {name} 不在本工作区的密钥中（先用 randcheck keys 导入）",
        "en": "witness key {name} is not a key of this workspace (import it with "
        "randcheck keys first)",
    },
}
