"""Messages of ``randcheck publish``, the publication bundle and the pre-draw notice."""

MESSAGES: dict[str, dict[str, str]] = {
    "publish.help": {
        "zh": "生成公示文件夹 publish/<任务>/：签名的公告与记录、名录文件、检查人员公开名单、日志证明、index.html 公示页、results.csv/xlsx 与 SHA256SUMS",
        "en": "Write the publication folder publish/<task>/: signed announcement and record, population files, public roster, log proofs, the index.html page, results.csv/xlsx and SHA256SUMS",
    },
    "publish.arg.record": {
        "zh": "抽取记录：记录摘要、唯一的摘要前缀（至少 8 位）或任务编号（取该任务最新记录）",
        "en": "the draw record: its digest, a unique digest prefix (8+ hex digits) or a task id (its newest record)",
    },
    "publish.opt.out": {
        "zh": "写入此目录下的 <任务>/ 子目录（默认：工作区的 publish/）",
        "en": "write the <task>/ folder under this directory (default: the workspace's publish/)",
    },
    "publish.opt.key": {
        "zh": "签名所用的本单位密钥名称",
        "en": "name of the office key that signs",
    },
    "publish.done": {
        "zh": "已生成公示文件夹 {path}（{files} 个文件，记录 {record}，核验码 {code}）",
        "en": "wrote the publication folder {path} ({files} files, record {record}, verification code {code})",
    },
    "publish.new_checkpoint": {
        "zh": "已签发新的日志检查点（{size} 条）以覆盖本记录",
        "en": "signed a new log checkpoint ({size} entries) covering this record",
    },
    "publish.verify_hint": {
        "zh": "核验方法：randcheck verify {path} --trusted-keys <机关公钥文件>（公钥文件由 randcheck keys export 导出，请与公示文件夹分开、经独立渠道公布）",
        "en": "to check it: randcheck verify {path} --trusted-keys <the office's public key file> (written by randcheck keys export; publish it apart from the folder, through an independent channel)",
    },
    "publish.verify_hint_v2": {
        "zh": "本记录按 randcheck/draw/v2 抽取：核验时另加 --witness-keys <见证人公钥文件>（由见证人本人提供），有时间戳的另加 --trusted-tsa <时间戳机构证书>",
        "en": "this record was drawn under randcheck/draw/v2: also give --witness-keys <a witness's public key file> (from the witness in person) and, when it has a timestamp, --trusted-tsa <the TSA's certificate>",
    },
    "publish.bad_folder_name": {
        "zh": "任务编号 {task} 不能用作文件夹名称",
        "en": "task id {task} cannot be used as a folder name",
    },
    "publish.no_task": {
        "zh": "找不到任务 {task} 的定义：请用 randcheck task list 核对任务编号",
        "en": "task {task} has no stored definition: check the task id with randcheck task list",
    },
    "publish.no_log_entry": {
        "zh": "审计日志中找不到第 {seq} 条（{what}）：请运行 randcheck log verify 查明原因（日志文件落后于数据库时，randcheck log repair 可补回）",
        "en": "audit log entry {seq} ({what}) is missing: run randcheck log verify to find out why (when the log file is behind the database, randcheck log repair restores it)",
    },
    "publish.tail_too_big": {
        "zh": "无法发布：自公告的日志条目（第 {start} 条）至检查点的日志尾部超出核验程序的读取上限（{reason}），生成的公示文件夹将无法通过核验；未写入任何内容",
        "en": "cannot publish: the log tail from the announcement's entry (seq {start}) to the checkpoint exceeds what verify reads ({reason}), so the bundle would not verify; nothing was written",
    },
    "publish.checkpoint_moved": {
        "zh": "生成证明期间日志检查点发生了变化，请重新运行",
        "en": "the log checkpoint changed while the proofs were made; please run again",
    },
    "publish.cannot_write": {
        "zh": "无法写入公示文件夹 {path}：{reason}（原有文件夹未改动）。请排除原因（权限、磁盘空间）后重试，或用 --out 指定其他目录",
        "en": "cannot write the publication folder {path}: {reason} (the existing folder is unchanged). Fix the cause (permissions, free space) and run again, or write elsewhere with --out DIR",
    },
    "publish.notice_written": {
        "zh": "已生成抽查任务公告 {path}",
        "en": "wrote the task notice {path}",
    },
    # -- exclusion reasons (SPEC §4), shown on the page and by verify --entity ---------------
    # (results.csv's titles and notes are protocol constants in randcheck/bundle/table.py)
    "publish.excl.status": {"zh": "登记状态非存续", "en": "registration status not active"},
    "publish.excl.recent": {"zh": "近期已接受检查", "en": "inspected recently"},
    "publish.excl.annual_cap": {
        "zh": "已达年度抽查次数上限",
        "en": "annual inspection cap reached",
    },
    "publish.excl.drawn_this_year": {
        "zh": "本年度已因同一事项被抽取",
        "en": "already drawn this year for the same item",
    },
    "publish.excl.invalid": {"zh": "名录信息无效", "en": "registry row not valid"},
    "publish.private_entries": {
        "zh": "注意：公示文件夹的日志尾部（log/tail.jsonl）原样公开了日志第 {seqs} 条，其中含有可能涉及个人信息的自由文本或回避申报（{kinds}）。日志条目已计入哈希树，无法删改；如不宜公开，请暂缓发布并联系维护者",
        "en": "note: the bundle's log tail (log/tail.jsonl) publishes log entries {seqs} verbatim, which hold free text or a conflict-of-interest declaration that may be personal ({kinds}). Log entries are hashed into the tree and cannot be redacted; if they must not be public, do not release this folder yet and contact the maintainers",
    },
}
