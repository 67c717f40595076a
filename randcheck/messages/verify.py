"""Messages of ``randcheck verify`` (bundle checks, the table, the per-entity answer)."""

MESSAGES: dict[str, dict[str, str]] = {
    "verify.help": {
        "zh": "核验公示文件夹：签名、公告先于随机数、随机数证据、名录、重算抽取结果与检查组、日志证明、随机数公开记录与重抽链、公示表格与页面、文件校验值。每项检查有固定名称（docs/SPEC.md §14.4）。只按签名文件允许的大小读取文件。--trusted-keys 只给机关公钥（由机关用 randcheck keys export 导出、经独立渠道取得）；v2 任务见证人的公钥用 --witness-keys 给出，须由见证人本人提供，不能从机关取得。不给出 --trusted-keys 且工作区没有密钥时，按文件夹自带的 keys/operator.pub 核验全部内容，但依赖签名者身份的检查只能记为“未确认”。退出码：0 全部通过；1 有检查未通过（或 --entity 的代码不在名录中）；3 无法运行；4 没有检查未通过但有检查未确认：签名者身份（没有可信的机关公钥，用 --trusted-keys），或 v2 熵承诺的时间戳机构（用 --trusted-tsa）、见证人公钥（用 --witness-keys 给出见证人本人提供的公钥文件）未经确认。",
        "en": "Check a publication folder: signatures, announcement before the randomness, entropy evidence, pool files, recomputed targets and teams, log proofs, the logged reveal and the redraw chain, the public table and page, file checksums. Every check has a stable name (docs/SPEC.md §14.4). Files are read only up to the size the signed documents allow. --trusted-keys takes the office's keys only (exported by the office with randcheck keys export, obtained through an independent channel); a v2 task's witnesses' keys go with --witness-keys and must come from the witnesses themselves, not from the office. Without --trusted-keys and without workspace keys, the whole content is checked against the folder's own keys/operator.pub, but the checks that depend on who signed can only be 'unconfirmed'. Exit codes: 0 every check passed; 1 a check failed (or the --entity code is not in the pool); 3 could not run; 4 nothing failed but some checks are unconfirmed: the signer (no trusted office key: --trusted-keys), or a v2 commitment's time-stamping authority (--trusted-tsa) or witness keys (--witness-keys with the key files the witnesses gave you).",
    },
    "verify.arg.path": {
        "zh": "公示文件夹（或其中的 record.json）",
        "en": "the publication folder (or the record.json inside it)",
    },
    "verify.opt.trusted_keys": {
        "zh": "受信任的机关公钥文件（可重复）：由机关用 randcheck keys export 导出、经独立渠道（机关网站、公文、当面交付）取得；只作机关公钥，不作见证人公钥（见证人公钥用 --witness-keys）。不给出时使用工作区自己的密钥和受信任的机关公钥。文件夹内的 keys/operator.pub 本身不被信任",
        "en": "a trusted public-key file of the office (repeatable): exported by the office with randcheck keys export and obtained through an independent channel (the office's website, an official letter, in person); an office key only, never a witness's (witness keys go with --witness-keys). Without it the workspace's own keys and trusted office keys are used. The folder's own keys/operator.pub is never trusted by itself",
    },
    "verify.opt.witness_keys": {
        "zh": "v2 任务见证人的公钥文件（可重复）：向见证人本人索取（当面或经见证人自己的渠道），不要从机关取得——机关给的见证人公钥只是机关自己的话。不给出时使用工作区中角色为 witness 的受信任公钥。签署了本单位任何文件（公告、记录、补充记录、检查点、SHA256SUMS.sig、检查结果）的密钥不算见证人",
        "en": "a public-key file of a v2 task's witness (repeatable): ask the witness for it (in person or through the witness's own channel), not the office: a witness key handed over by the office is only the office's word. Without it the workspace's trusted keys of role witness are used. A key that signs any of the office's documents (announcement, record, addenda, checkpoint, SHA256SUMS.sig, results) never counts as a witness",
    },
    "verify.opt.entity": {
        "zh": "说明该统一社会信用代码是否在名录中、票号、分界线以及为何被抽中或未被抽中",
        "en": "show whether this code was in the pool, its ticket, the cut-off and why it was or was not drawn",
    },
    # -- table ---------------------------------------------------------------------------------
    "verify.col.check": {"zh": "检查项", "en": "check"},
    "verify.col.what": {"zh": "内容", "en": "what it checks"},
    "verify.col.result": {"zh": "结果", "en": "result"},
    "verify.col.reason": {"zh": "说明", "en": "details"},
    "verify.pass": {"zh": "通过", "en": "PASS"},
    "verify.fail": {"zh": "未通过", "en": "FAIL"},
    "verify.unverified": {"zh": "未确认", "en": "UNCONFIRMED"},
    "verify.title": {
        "zh": "核验 {path}（任务 {task}，记录 {record}，核验码 {code}）",
        "en": "verifying {path} (task {task}, record {record}, verification code {code})",
    },
    "verify.all_ok": {
        "zh": "全部 {count} 项检查通过。核验码 {code}",
        "en": "all {count} checks passed. Verification code {code}",
    },
    "verify.unconfirmed": {
        "zh": "内容一致（{passed} 项检查通过）；签名者身份未确认（{count} 项未确认：{checks}）：请用 --trusted-keys 指定机关公钥（由机关 `randcheck keys export` 导出，经独立渠道取得）后再核验。核验码 {code}",
        "en": "the content is consistent ({passed} checks passed); the signer is NOT confirmed ({count} checks unconfirmed: {checks}): verify again with --trusted-keys and the office's public key (exported by the office with `randcheck keys export`, obtained through an independent channel). Verification code {code}",
    },
    "verify.failed": {
        "zh": "核验未通过：{count} 项检查失败。第一项：{check}（{what}）—— {reason}",
        "en": "verification FAILED: {count} checks failed. First: {check} ({what}) — {reason}",
    },
    # -- what each check is about --------------------------------------------------------------
    "verify.what.trust": {"zh": "有可信的本单位公钥", "en": "trusted office keys are available"},
    "verify.what.announcement.envelope": {"zh": "公告文件格式", "en": "announcement file layout"},
    "verify.what.announcement.signature": {"zh": "公告签名", "en": "announcement signature"},
    "verify.what.announcement.rules": {
        "zh": "公告规则与抽取数量",
        "en": "announced rules and sample sizes",
    },
    "verify.what.record.envelope": {"zh": "抽取记录文件格式", "en": "record file layout"},
    "verify.what.record.signature": {"zh": "抽取记录签名", "en": "record signature"},
    "verify.what.record.binding": {
        "zh": "记录与公告相对应",
        "en": "record belongs to the announcement",
    },
    "verify.what.population": {
        "zh": "名录文件与公告的根哈希一致",
        "en": "pool file matches its announced root",
    },
    "verify.what.population.disjoint": {"zh": "各层名录互不重叠", "en": "no code is in two strata"},
    "verify.what.roster": {
        "zh": "检查人员名单与公告一致",
        "en": "inspector roster matches the announcement",
    },
    "verify.what.entropy": {
        "zh": "随机数证据（承诺、骰子、彩票、drand BLS 与时间）",
        "en": "entropy evidence (commitment, dice, lottery, drand BLS and timing)",
    },
    "verify.what.seed": {"zh": "随机种子重算", "en": "seed recomputed"},
    "verify.what.selection": {
        "zh": "抽中对象、批次与备选名单重算",
        "en": "drawn targets, batches and reserve recomputed",
    },
    "verify.what.teams": {"zh": "检查组重算", "en": "inspector teams recomputed"},
    "verify.what.addenda": {"zh": "替换补充记录", "en": "substitution addenda"},
    "verify.what.addendum": {
        "zh": "替换补充记录的签名与重算",
        "en": "addendum signature and recomputation",
    },
    "verify.what.log.checkpoint": {"zh": "日志检查点签名", "en": "log checkpoint signature"},
    "verify.what.log.announcement": {
        "zh": "公告已记入日志（包含证明）",
        "en": "announcement is in the log (inclusion proof)",
    },
    "verify.what.log.record": {
        "zh": "抽取记录已记入日志（包含证明）",
        "en": "record is in the log (inclusion proof)",
    },
    "verify.what.log.addendum": {
        "zh": "补充记录已记入日志（包含证明）",
        "en": "addendum is in the log (inclusion proof)",
    },
    "verify.what.log.order": {
        "zh": "公告先于抽取记入日志，且早于 drand 轮次产生",
        "en": "announcement logged before the record and before the drand round existed",
    },
    "verify.what.format": {"zh": "公示文件夹格式版本", "en": "bundle format version"},
    "verify.what.reveal": {
        "zh": "随机数在显示前已记入日志（本次抽取的公开记录）",
        "en": "the randomness was logged before it was shown (this attempt's reveal)",
    },
    "verify.what.chain": {
        "zh": "记录链：上一条记录，以及重抽所取代的记录与中止的抽取",
        "en": "record chain: the previous record, and what a redraw replaced",
    },
    "verify.what.results": {
        "zh": "results.csv 每一列与签名记录（含补充记录）及 inspectors.json 一致",
        "en": "every column of results.csv agrees with the signed record, its addenda and inspectors.json",
    },
    "verify.what.results.xlsx": {
        "zh": "results.xlsx 与 results.csv 逐行一致",
        "en": "results.xlsx shows exactly results.csv, row for row",
    },
    "verify.what.page": {
        "zh": "公示页 index.html 的抽中对象、检查组、记录摘要与核验码与签名记录一致",
        "en": "the page index.html shows the record's targets, teams, digest and verification code",
    },
    "verify.what.files": {"zh": "SHA256SUMS 与每个文件一致", "en": "SHA256SUMS matches every file"},
    "verify.what.files.signature": {"zh": "SHA256SUMS 的签名", "en": "signature over SHA256SUMS"},
    # -- reasons -------------------------------------------------------------------------------
    "verify.no_path": {
        "zh": "路径 {path} 不存在：请给出下载并解压后的公示文件夹（含 record.json 的文件夹）",
        "en": "path {path} does not exist: give the downloaded, unpacked publication folder (the one holding record.json)",
    },
    "verify.not_bundle": {
        "zh": "{path} 不是公示文件夹（找不到 record.json）：请给出含 record.json 的文件夹；下载的压缩包请先解压",
        "en": "{path} is not a publication folder (no record.json): give the folder that holds record.json; unpack a downloaded archive first",
    },
    "verify.no_trusted_keys": {
        "zh": "没有可信公钥：请用 --trusted-keys 指定机关公钥文件（由机关 randcheck keys export 导出，经机关网站等独立渠道取得；文件夹内的 keys/operator.pub 不能自证）",
        "en": "no trusted key: pass --trusted-keys with the office's public key (exported by the office with randcheck keys export, obtained through an independent channel such as its website; the folder's own keys/operator.pub cannot vouch for itself)",
    },
    "verify.untrusted_own_key": {
        "zh": "未检查：没有给出可信公钥。内容已按文件夹自带的 keys/operator.pub（密钥 {key_id}…）核验，但它不能证明自己属于机关：请用 --trusted-keys 指定机关公钥（由机关 randcheck keys export 导出，经独立渠道取得）",
        "en": "not checked: no trusted key given. The content was checked against the folder's own keys/operator.pub (key {key_id}…), which cannot prove it is the office's: pass --trusted-keys with the office's public key (exported with randcheck keys export, obtained through an independent channel)",
    },
    "verify.own_key_only": {
        "zh": "未确认：签名与文件夹自带的密钥 {key_id}… 一致，但没有给出可信公钥，无法确认签名者",
        "en": "unconfirmed: the signature is consistent with the folder's own key {key_id}…, but no trusted key was given to confirm the signer",
    },
    "verify.trust_ok": {
        "zh": "{count} 个可信的机关公钥：{keys}",
        "en": "{count} trusted office keys: {keys}",
    },
    "verify.bad_key_file": {
        "zh": "无法读取公钥文件 {path}：应为机关用 randcheck keys export 导出的文本文件（UTF-8）",
        "en": "cannot read the key file {path}: it must be the text file the office wrote with randcheck keys export (UTF-8)",
    },
    "verify.missing_file": {"zh": "缺少文件 {file}", "en": "file {file} is missing"},
    "verify.population_missing": {"zh": "缺少名录文件 {file}", "en": "pool file {file} is missing"},
    "verify.population_gzip": {
        "zh": "名录压缩文件 {file} 已损坏",
        "en": "the compressed pool file {file} is corrupt",
    },
    "verify.checkpoint_bad": {
        "zh": "日志检查点的签名无效或不是可信密钥签发（{reason_code}）",
        "en": "the log checkpoint is not validly signed by a trusted key ({reason_code})",
    },
    "verify.checkpoint_ok": {
        "zh": "检查点覆盖 {size} 条日志（{origin}）",
        "en": "checkpoint covers {size} entries ({origin})",
    },
    "verify.redraw_committed_early": {
        "zh": "重抽的熵承诺时间 {committed_at} 不晚于它所回应的日志第 {seq} 条（{kind}）的时间 {time}（UTC）：重抽的承诺必须在此前的尝试之后做出，否则可能倒填到已公布的轮次",
        "en": "the redraw's commitment time {committed_at} is not later than {time} (UTC) of log entry {seq} ({kind}) that it answers: a redraw's commitment must be made after the attempts before it, or it could be back-dated to a round already published",
    },
    "verify.no_entry_of_kind": {
        "zh": "文件夹中没有本任务记载摘要 {digest}… 的 {kind} 日志条目（其他类型或演练的条目不算）",
        "en": "no {kind} log entry of this task in the folder names digest {digest}… (an entry "
        "of another kind, or of a practice run, does not count)",
    },
    "verify.no_entry": {
        "zh": "文件夹中没有记载摘要 {digest}… 的日志条目",
        "en": "no log entry in the folder names digest {digest}…",
    },
    "verify.no_checkpoint": {
        "zh": "没有有效的检查点，无法核验第 {seq} 条日志",
        "en": "no valid checkpoint to check log entry {seq} against",
    },
    "verify.proof_other_checkpoint": {
        "zh": "第 {seq} 条日志的证明所附检查点与 log/checkpoint.txt 不同",
        "en": "the proof of log entry {seq} carries a different checkpoint from log/checkpoint.txt",
    },
    "verify.proof_bad": {
        "zh": "第 {seq} 条日志的包含证明无效（{reason_code}）",
        "en": "the inclusion proof of log entry {seq} is invalid ({reason_code})",
    },
    "verify.logged": {
        "zh": "日志第 {seq} 条（{kind}，{time}）",
        "en": "log entry {seq} ({kind}, {time})",
    },
    "verify.order_record": {
        "zh": "抽取记录（日志第 {record} 条）不在公告（第 {announcement} 条）之后",
        "en": "the record (log entry {record}) is not after the announcement (entry {announcement})",
    },
    "verify.order_addendum": {
        "zh": "第 {seq} 号补充记录的日志条目 {entry} 顺序不对",
        "en": "addendum {seq} is logged out of order (entry {entry})",
    },
    "verify.order_drand": {
        "zh": "公告记入日志的时间 {logged} 不早于 drand 第 {round} 轮的产生时间",
        "en": "the announcement was logged at {logged}, not before drand round {round} existed",
    },
    "verify.order_ok": {
        "zh": "公告为日志第 {announcement} 条（{logged}），记录为第 {record} 条",
        "en": "announcement is log entry {announcement} ({logged}), record is entry {record}",
    },
    "verify.format_ok": {"zh": "格式 {format}", "en": "format {format}"},
    "verify.format_unknown": {
        "zh": "{file} 不是已知的公示文件夹格式声明",
        "en": "{file} is not the declaration of a known bundle format",
    },
    "verify.file_too_big": {
        "zh": "{file} 有 {size} 字节，超过签名文件所允许的 {limit} 字节：未读取",
        "en": "{file} has {size} bytes, more than the {limit} the signed documents allow; not read",
    },
    "verify.file_foreign": {
        "zh": "SHA256SUMS 列出了 {file}，但它不是公示文件夹应有的文件（或是符号链接）",
        "en": "SHA256SUMS lists {file}, which is not a file of a bundle (or is a symlink)",
    },
    "verify.too_many_files": {
        "zh": "{path} 中的文件超过 {limit} 个：不是公示文件夹。请给出单个任务的公示文件夹（含 record.json 的那一层）",
        "en": "{path} holds more than {limit} files: not a bundle. Give the folder of one task (the one holding record.json)",
    },
    "verify.xlsx_formula": {
        "zh": "{file} 含有公式单元格：公示表格只能含文本",
        "en": "{file} holds a formula cell; a published table holds text only",
    },
    "verify.xlsx_bomb": {
        "zh": "{file} 解压后超过 {limit} 字节：未打开",
        "en": "{file} unpacks to more than {limit} bytes; not opened",
    },
    "verify.results_live": {
        "zh": "第 {row} 行（{entity}）的名称单元格未按规则转义，可能被表格软件当作公式",
        "en": "row {row} ({entity}): the name cell is not in inert form; a spreadsheet could run it as a formula",
    },
    "verify.entry_bad": {
        "zh": "日志条目 {seq} 不是规范的日志条目",
        "en": "log entry {seq} is not a canonical log entry",
    },
    "verify.reveal_ok": {
        "zh": "随机数已在显示前记入日志第 {seq} 条，种子一致",
        "en": "the randomness was logged as entry {seq} before it was shown; the seed matches",
    },
    "verify.reveal_unlogged": {
        "zh": "该记录由较早版本生成，当时尚不记录随机数公开时刻：无法核对",
        "en": "made by an earlier version that did not log reveals: cannot be checked",
    },
    "verify.reveal_bad": {
        "zh": "记录所指的公开条目 {seq} 不是本任务、本公告、本种子的随机数公开记录，或晚于记录",
        "en": "the reveal entry {seq} the record names is not this task's, announcement's and seed's, or comes after the record",
    },
    "verify.predecessor_bad": {
        "zh": "日志条目 {seq} 不是本任务此前的抽取、公开或中止记录",
        "en": "log entry {seq} is not an earlier draw, reveal or abort of this task",
    },
    "verify.unmarked_redraw": {
        "zh": "此前已有抽取（日志第 {seqs} 条），但本记录未标为重新抽取",
        "en": "earlier attempts exist (log entries {seqs}) but the record is not marked as a redraw",
    },
    "verify.redraw_unexplained": {
        "zh": "记录标为重新抽取，但文件夹中没有它所取代的记录或中止的抽取",
        "en": "the record is marked as a redraw but the bundle holds no record or attempt it replaces",
    },
    "verify.chain_redraw": {
        "zh": "重新抽取，取代日志第 {seqs} 条（均已核验包含证明）",
        "en": "a redraw replacing log entries {seqs} (each proven in the log)",
    },
    "verify.redraw_no_previous": {
        "zh": "记录标为重新抽取，却没有指向上一条记录",
        "en": "the record is marked as a redraw but names no previous record",
    },
    "verify.chain_first": {"zh": "本工作区的第一条记录", "en": "the workspace's first record"},
    "verify.chain_format": {
        "zh": "上一条记录摘要格式无效：{value}",
        "en": "malformed previous-record digest: {value}",
    },
    "verify.chain_format_only": {
        "zh": "上一条记录 {previous}… 格式正确；完整核验需要该记录的公示文件夹",
        "en": "previous record {previous}… is well formed; checking it needs that record's folder",
    },
    "verify.chain_order": {
        "zh": "上一条记录 {previous}… 未在本记录之前记入日志",
        "en": "previous record {previous}… was not logged before this record",
    },
    "verify.chain_logged": {
        "zh": "上一条记录 {previous}… 为日志第 {seq} 条，先于本记录",
        "en": "previous record {previous}… is log entry {seq}, before this record",
    },
    "verify.results_unreadable": {
        "zh": "{file} 无法读取（应为带 BOM 的 UTF-8 CSV）",
        "en": "{file} cannot be read (expected UTF-8 CSV with a BOM)",
    },
    "verify.results_header": {
        "zh": "{file} 的表头与 randcheck 的列不符",
        "en": "the heading row of {file} is not randcheck's columns",
    },
    "verify.results_row": {
        "zh": "results.csv 第 {row} 行与签名记录不符（应为 {entity}）",
        "en": "row {row} of results.csv disagrees with the signed record (expected {entity})",
    },
    "verify.results_cell": {
        "zh": "results.csv 第 {row} 行“{column}”为“{got}”，签名记录为“{expected}”",
        "en": "row {row} of results.csv, column {column}: “{got}”, the signed record says “{expected}”",
    },
    "verify.results_no_name": {
        "zh": "results.csv 第 {row} 行（{entity}）缺少名称",
        "en": "row {row} of results.csv ({entity}) has no name",
    },
    "verify.results_count": {
        "zh": "results.csv 有 {got} 行，签名记录有 {expected} 个检查对象",
        "en": "results.csv has {got} rows but the signed record has {expected} targets",
    },
    "verify.inspectors_bad": {
        "zh": "{file} 无效，或所列执法证号与 roster.json 不一致",
        "en": "{file} is invalid or does not list exactly the badge numbers of roster.json",
    },
    "verify.inspector_unknown": {
        "zh": "检查对象 {entity} 的检查人员 {badge} 不在 inspectors.json 中",
        "en": "inspector {badge} of target {entity} is not in inspectors.json",
    },
    "verify.results_ok": {
        "zh": "{rows} 行的任务、层、批次、代码、执法证号、检查人员姓名与备注均与签名记录及 inspectors.json 一致；企业名称没有签名来源（记录只含代码），仅检查其非空且在各文件中一致",
        "en": "{rows} rows: task, stratum, batch, code, badge numbers, inspector names and notes agree with the signed record and inspectors.json; entity names have no signed source (the record holds codes only), so only that they are present and the same in every file is checked",
    },
    "verify.xlsx_unreadable": {"zh": "{file} 无法读取", "en": "{file} cannot be read"},
    "verify.xlsx_sheets": {
        "zh": "{file} 应只有一个工作表",
        "en": "{file} must hold exactly one sheet",
    },
    "verify.xlsx_sheet_name": {
        "zh": "{file} 的工作表名称应为 {sheet}",
        "en": "the sheet of {file} must be named {sheet}",
    },
    "verify.xlsx_cell_type": {
        "zh": "{file} 含有非文本单元格或自定义数字格式（可改变显示内容）",
        "en": "{file} has a cell that is not plain text or has a custom number format (which can change what is shown)",
    },
    "verify.xlsx_row": {
        "zh": "results.xlsx 第 {row} 行与 results.csv 不同",
        "en": "row {row} of results.xlsx differs from results.csv",
    },
    "verify.xlsx_count": {
        "zh": "results.xlsx 有 {got} 行，results.csv 有 {expected} 行",
        "en": "results.xlsx has {got} rows, results.csv has {expected}",
    },
    "verify.xlsx_ok": {
        "zh": "{rows} 行（含表头）与 results.csv 一致",
        "en": "{rows} rows (heading included) match results.csv",
    },
    "verify.page_unreadable": {"zh": "{file} 不是 UTF-8 文本", "en": "{file} is not UTF-8 text"},
    "verify.page_active": {
        "zh": "公示页含有不允许的 <{tag}> 内容（脚本、外部资源、隐藏或改写文字的样式）",
        "en": "the page has disallowed <{tag}> content (script, external resource, or style that hides or rewrites text)",
    },
    "verify.page_link": {
        "zh": "公示页的链接 <{tag} {attr}=\"{link}\"> 离开了本文件夹：只允许本文件夹内文件的相对路径（不带 ? 或 #）和本页内的 #锚点；<base>、<form> 与 <meta http-equiv> 均不允许。核验页的公钥须由读者自行给出，不能写在链接里",
        "en": "the page's link <{tag} {attr}=\"{link}\"> leaves the bundle's folder: only relative paths to files in the folder (without ? or #) and #anchors on the page are allowed, and no <base>, <form> or <meta http-equiv>. The reader gives the verifier page its key, never a link",
    },
    "verify.page_digest": {
        "zh": "公示页上的记录摘要与 record.json 不符",
        "en": "the record digest on the page is not record.json's",
    },
    "verify.page_code": {
        "zh": "公示页上的核验码不是 {code}",
        "en": "the verification code on the page is not {code}",
    },
    "verify.page_count": {
        "zh": "公示页上的抽中户数不是 {count} 户",
        "en": "the page does not say {count} targets",
    },
    "verify.page_tables": {
        "zh": "公示页的 {table} 表格与签名记录的分层不符",
        "en": "the page's {table} tables do not match the record's strata",
    },
    "verify.page_row": {
        "zh": "公示页 {table} 表第 {row} 行与签名记录不符（应为 {entity}）",
        "en": "row {row} of the page's {table} table disagrees with the signed record (expected {entity})",
    },
    "verify.page_rows": {
        "zh": "公示页 {table} 表应恰有 {expected} 行且与签名记录一致",
        "en": "the page's {table} table must have exactly {expected} rows agreeing with the signed record",
    },
    "verify.page_names": {
        "zh": "{entity} 在公示页与 results.csv 中的名称不一致",
        "en": "{entity} has different names on the page and in results.csv",
    },
    "verify.page_ok": {
        "zh": "抽中名单、备选名单、{targets} 个检查对象的检查组、补充记录、记录摘要与核验码均与签名记录一致；企业名称与 results.csv 一致",
        "en": "drawn and reserve lists, the teams of {targets} targets, addenda, record digest and verification code agree with the signed record; entity names match results.csv",
    },
    "verify.sums_malformed": {
        "zh": "SHA256SUMS 第 {line} 行格式无效",
        "en": "line {line} of SHA256SUMS is malformed",
    },
    "verify.file_missing": {
        "zh": "SHA256SUMS 列出的文件 {file} 不存在",
        "en": "file {file} listed in SHA256SUMS is missing",
    },
    "verify.file_changed": {
        "zh": "文件 {file} 已被改动（校验值不符）",
        "en": "file {file} was changed (checksum differs)",
    },
    "verify.file_unlisted": {
        "zh": "文件 {file} 不在 SHA256SUMS 中（共 {count} 个多余文件）",
        "en": "file {file} is not listed in SHA256SUMS ({count} unlisted files)",
    },
    "verify.files_ok": {"zh": "{count} 个文件校验值一致", "en": "{count} files match"},
    "verify.sums_sig_malformed": {
        "zh": "SHA256SUMS.sig 格式无效",
        "en": "SHA256SUMS.sig is malformed",
    },
    "verify.sums_untrusted": {
        "zh": "SHA256SUMS 由不受信任的密钥 {key_id}… 签名",
        "en": "SHA256SUMS is signed by an untrusted key {key_id}…",
    },
    "verify.sums_sig_bad": {
        "zh": "SHA256SUMS 的签名无效（密钥 {key_id}…）",
        "en": "the signature over SHA256SUMS is invalid (key {key_id}…)",
    },
    "verify.sums_sig_ok": {"zh": "由密钥 {key_id}… 签名", "en": "signed by key {key_id}…"},
    # -- --entity ------------------------------------------------------------------------------
    "verify.entity.title": {"zh": "检查对象 {code}", "en": "entity {code}"},
    "verify.entity.not_in_pool": {
        "zh": "{code} 不在本次抽查的名录中（未被纳入抽取范围，因此不可能被抽中）",
        "en": "{code} was not in the pool of this draw (so it could not be drawn)",
    },
    "verify.entity.malformed": {
        "zh": "{code} 不是有效的统一社会信用代码或注册号：{problem}。请对照营业执照核对代码后重新查询（--entity 代码）",
        "en": "{code} is not a valid unified social credit code or registration number: {problem}. Check the code against the business licence and ask again (--entity CODE)",
    },
    "verify.entity.excluded": {
        "zh": "公告记载有 {total} 户按规则被排除在名录之外：{reasons}",
        "en": "the announcement records {total} entities excluded from the pool by its rules: {reasons}",
    },
    "verify.entity.reason_count": {"zh": "{reason} {count} 户", "en": "{reason}: {count}"},
    "verify.entity.excluded_which": {
        "zh": "公示材料只公布每种原因的户数，不公布被排除的是哪些企业（名录库与风险信息不公开），因此无法据此判断 {code} 是被排除、不在本次抽查范围内，还是不在名录库中。请向作出公告的机关询问：机关可在其工作区运行 randcheck entities show {code} 查看该企业的登记状态与检查记录",
        "en": "the published files give only the number per reason, not which entities were excluded (the registry and its risk data are not published), so they cannot tell whether {code} was excluded, outside this task's scope, or not in the registry. Ask the office that made the announcement: in its workspace, randcheck entities show {code} shows the entity's registration status and inspection history",
    },
    "verify.entity.none_excluded": {
        "zh": "公告没有记载任何排除：{code} 不在本次抽查的范围内（如定向抽查的范围条件）或不在名录库中。请向作出公告的机关询问：机关可在其工作区运行 randcheck entities show {code} 查看该企业的登记信息",
        "en": "the announcement records no exclusions: {code} was outside this task's scope (e.g. a directed task's conditions) or not in the registry. Ask the office that made the announcement: in its workspace, randcheck entities show {code} shows the entity's registry data",
    },
    "verify.entity.in_pool": {
        "zh": "{code} 在层 {stratum} 的名录中（共 {count} 户，第 {chunk} 块的包含证明有效）",
        "en": "{code} was in the pool of stratum {stratum} ({count} codes; inclusion proof for chunk {chunk} valid)",
    },
    "verify.entity.ticket": {"zh": "票号：{ticket}", "en": "ticket: {ticket}"},
    "verify.entity.cutoff": {
        "zh": "分界票号：{cutoff}（最后一个抽中者 {last}）",
        "en": "cut-off: {cutoff} (last drawn: {last})",
    },
    "verify.entity.no_cutoff": {
        "zh": "该层未抽取任何对象",
        "en": "nothing was drawn in this stratum",
    },
    "verify.entity.drawn": {
        "zh": "结论：被抽中 —— 其票号不大于分界票号",
        "en": "result: DRAWN — its ticket is not greater than the cut-off",
    },
    "verify.entity.not_drawn": {
        "zh": "结论：未被抽中 —— 其票号大于分界票号",
        "en": "result: NOT drawn — its ticket is greater than the cut-off",
    },
    "verify.entity.reserve": {
        "zh": "位于备选名单第 {rank} 位",
        "en": "it is number {rank} on the reserve list",
    },
    "verify.entity.replaced": {
        "zh": "已由第 {seq} 号补充记录替换，不再是检查对象",
        "en": "it was replaced by addendum {seq} and is no longer a target",
    },
    "verify.entity.brought_in": {
        "zh": "由第 {seq} 号补充记录作为替补纳入检查",
        "en": "it was brought in as a replacement by addendum {seq}",
    },
    "verify.entity.note": {
        "zh": "票号 = SHA-256(层密钥 ‖ 代码)，层密钥由随机种子导出；任何人都可重算。",
        "en": "ticket = SHA-256(stratum key ‖ code), the stratum key derived from the seed; anyone can recompute it.",
    },
}
