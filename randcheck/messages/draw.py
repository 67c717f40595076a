"""Messages of the live draw ceremony and substitutions (``randcheck draw``)."""

MESSAGES: dict[str, dict[str, str]] = {
    # help
    "ceremony.help": {
        "zh": "现场抽取仪式与替补。`randcheck draw 任务编号` 即 `randcheck draw run 任务编号`（任务编号恰为 run 或 substitute 时请写全）；`randcheck draw substitute 记录 --target 代码 --reason 原因` 签发替补附录。",
        "en": "The live draw ceremony and substitutions. `randcheck draw TASK` is short for `randcheck draw run TASK` (spell it out for a task named run or substitute); `randcheck draw substitute RECORD --target CODE --reason TEXT` signs a substitution addendum.",
    },
    "ceremony.run.help": {
        "zh": "主持任务的现场抽取：核对公告与快照，录入各随机源（骰子、彩票、drand、随机数揭示），显示种子、抽中对象与检查组，操作员签名（见证人可联署），保存并记入日志。随机数在显示之前先记入审计日志：此后无论如何中止（Ctrl-C、关闭终端、kill -9、断电），本任务的下一次正式抽取都必须是标明的重抽（--redraw --reason）。中止时不签名、不保存，并记录中止；在算出种子之前中止时，已当众录入的骰子和彩票数值也记入日志，之后只能用 --resume 以同样的数值继续，重新录入则是标明的重抽。退出码：0 完成；1 被拒绝（重复抽取、随机数据有误、确认时回答否、同一任务的另一次抽取抢先）；2 用法错误；3 无法运行（含口令错误）；130 Ctrl-C；129 终端关闭；143 被终止。",
        "en": "Run the live draw of a task: check the announcement and snapshot, take each entropy source (dice, lottery, drand, nonce reveal), show the seed, the drawn entities and the teams, sign as operator (witnesses may co-sign), store and log. The randomness is logged before it is shown: however the ceremony ends after that (Ctrl-C, a closed terminal, kill -9, a power cut), the task's next official draw must be a marked redraw (--redraw --reason). An aborted ceremony signs and stores nothing and logs the abort; stopped before its seed, it also logs the dice and lottery values already shown, which can then only be continued with --resume (entering new ones is a marked redraw). Exit codes: 0 done; 1 refused (second draw, bad entropy, 'no' at a confirmation, another draw of the task got there first); 2 usage; 3 could not run (a wrong passphrase too); 130 Ctrl-C; 129 terminal closed; 143 terminated.",
    },
    "ceremony.substitute.help": {
        "zh": "替补：按协议确定地替换一个抽中对象（--target），或让一名检查人员回避（--target 与 --inspector），签发并记录附录。原因若是检查结果（如“通过登记的住所无法联系”）应通过 randcheck results import 录入公示，须加 --not-a-result 确认才能替补。口令错误时退出码为 3。",
        "en": "Substitution: deterministically replace a drawn entity (--target), or recuse an inspector (--target with --inspector); signs and logs an addendum. A reason that is an inspection result (e.g. 通过登记的住所无法联系) belongs in randcheck results import and is refused without --not-a-result. Exit code 3 on a wrong passphrase.",
    },
    "ceremony.arg.task": {"zh": "任务编号", "en": "task id"},
    "ceremony.arg.record": {
        "zh": "抽取记录（摘要、至少 8 位的摘要前缀或任务编号）",
        "en": "the draw record (digest, a digest prefix of 8+ hex digits, or a task id)",
    },
    "ceremony.opt.entropy": {
        "zh": '从 JSON 文件读取随机源（非交互）：{{"dice": {{"见证人": [点数…]}}, "lottery": {{"名称": [号码…]}}, "drand": {{…}}}}',
        "en": 'read the entropy from a JSON file (non-interactive): {{"dice": {{"<witness>": [values…]}}, "lottery": {{"<name>": [numbers…]}}, "drand": {{…}}}}',
    },
    "ceremony.opt.drand_file": {
        "zh": "从文件读取 drand 轮次 JSON（代替粘贴；与 --entropy 同用时优先）",
        "en": "read the drand round JSON from a file (instead of pasting; wins over --entropy's)",
    },
    "ceremony.opt.yes": {
        "zh": "不询问确认、不暂停（与 --entropy 同用即可完全脚本化）",
        "en": "no confirmations or pauses (with --entropy, fully scriptable)",
    },
    "ceremony.opt.practice": {
        "zh": "练习模式：使用公开的测试随机数，永不签名、永不保存为正式记录",
        "en": "practice mode: a public test nonce; never signed, never stored as an official record",
    },
    "ceremony.opt.redraw": {
        "zh": "重抽（必须同时给出 --reason；记录、日志与公示页都会标明）",
        "en": "redraw (needs --reason; marked in the record, the log and the published page)",
    },
    "ceremony.opt.reason": {"zh": "重抽原因", "en": "the reason for the redraw"},
    "ceremony.opt.resume": {
        "zh": "继续上次在算出种子之前中止的抽取，使用审计日志中已录入的骰子和彩票数值（不是重抽）",
        "en": "continue the last ceremony that stopped before its seed, with the dice and lottery values its abort logged (not a redraw)",
    },
    "ceremony.opt.key": {
        "zh": "操作员签名所用的本机私钥名称",
        "en": "name of the operator's own signing key",
    },
    "ceremony.opt.witness_key": {
        "zh": "见证人联署所用的私钥名称（可重复）；口令取自隐藏输入或环境变量 RANDCHECK_WITNESS_PASSPHRASE_<名称大写>",
        "en": "a witness key to co-sign with (repeatable); passphrase from a hidden prompt or env RANDCHECK_WITNESS_PASSPHRASE_<NAME upper>",
    },
    "ceremony.opt.json": {
        "zh": "结果以 JSON 输出到标准输出（仪式画面改到标准错误）",
        "en": "print the result as JSON on stdout (the ceremony goes to stderr)",
    },
    "ceremony.opt.target": {
        "zh": "要替换的抽中对象代码（或回避人员所在检查对象）",
        "en": "code of the drawn entity to replace (or whose team the inspector leaves)",
    },
    "ceremony.opt.inspector": {
        "zh": "要回避的检查人员编号（执法证号）",
        "en": "the inspector (badge number) to recuse",
    },
    "ceremony.opt.sub_reason": {
        "zh": "替补原因（如“已注销”“申请回避”）",
        "en": "the reason (e.g. 'deregistered', 'recusal')",
    },
    "ceremony.opt.not_a_result": {
        "zh": "确认替补原因不是检查结果（原因与检查结果用语相同或包含用语时须给出）",
        "en": "confirm that the reason is not an inspection result (needed when the reason is, or holds, a result term)",
    },
    # usage and input errors
    "draw.target_has_result": {
        "zh": "检查对象 {target} 已录入检查结果（事项 {item}）：已检查的对象不能再替补，其检查结果须公示（randcheck results publish {task}）；结果有误请用 randcheck results import --correct --reason 更正。",
        "en": "{target} already has a result entered (item {item}): an inspected target cannot be substituted; its result is to be published (randcheck results publish {task}); a wrong result is corrected with randcheck results import --correct --reason.",
    },
    "draw.reason_is_result": {
        "zh": "替补原因“{reason}”是检查结果（用语“{term}”）：检查结果不能用替补代替，应录入并公示——填入 randcheck results template 生成的录入表后运行 randcheck results import 文件，再运行 randcheck results publish 任务编号。如果确实不是检查结果（例如抽取后、检查前得知），请加 --not-a-result 确认。",
        "en": 'the substitution reason "{reason}" is an inspection result (the term "{term}"): a result is not a reason to substitute; enter and publish it instead (fill in the sheet of randcheck results template, run randcheck results import FILE, then randcheck results publish TASK). If it really is not a result (e.g. learnt after the draw and before any inspection), confirm with --not-a-result.',
    },
    "ceremony.redraw_needs_reason": {
        "zh": "--redraw 必须同时给出非空的 --reason",
        "en": "--redraw needs a non-empty --reason",
    },
    "ceremony.reason_needs_redraw": {
        "zh": "--reason 只能与 --redraw 一起使用",
        "en": "--reason is only for --redraw",
    },
    "ceremony.practice_no_redraw": {
        "zh": "练习模式不能与 --redraw 同用",
        "en": "--practice cannot be combined with --redraw",
    },
    "ceremony.practice_no_keys": {
        "zh": "练习模式从不签名，不能使用 --witness-key",
        "en": "a practice draw is never signed; --witness-key does not apply",
    },
    "ceremony.empty_reason": {"zh": "--reason 不能为空", "en": "--reason must not be empty"},
    "ceremony.entropy_missing_file": {
        "zh": "找不到文件 {file}",
        "en": "file {file} does not exist",
    },
    "ceremony.entropy_unreadable": {
        "zh": "{file} 不是有效的 UTF-8 JSON：{reason}",
        "en": "{file} is not valid UTF-8 JSON: {reason}",
    },
    "ceremony.entropy_shape": {
        "zh": "{file}：应为只含 dice、lottery、drand 的 JSON 对象",
        "en": "{file}: expected a JSON object with only dice, lottery and drand",
    },
    "ceremony.entropy_field": {
        "zh": "{file}：字段 {field} 应为 {{名称: [整数…]}}",
        "en": "{file}: field {field} must be {{name: [integers…]}}",
    },
    "ceremony.declined": {"zh": "操作员选择不继续", "en": "the operator chose not to go on"},
    # screens
    "ceremony.title": {"zh": "双随机抽取现场", "en": "Random inspection draw"},
    "ceremony.step": {
        "zh": "第 {step} 步 / 共 {total} 步 · {title}",
        "en": "Step {step} of {total} · {title}",
    },
    "ceremony.stage.checks": {"zh": "核对公告与快照", "en": "Announcement and snapshot checks"},
    "ceremony.stage.entropy": {"zh": "录入随机源", "en": "Entropy sources"},
    "ceremony.stage.reveal": {
        "zh": "揭示随机源（含操作员随机数）",
        "en": "Entropy revealed (with the operator nonce)",
    },
    "ceremony.stage.seed": {"zh": "随机种子", "en": "The seed"},
    "ceremony.stage.targets": {"zh": "抽中的检查对象", "en": "Drawn entities"},
    "ceremony.stage.teams": {"zh": "检查组", "en": "Inspection teams"},
    "ceremony.stage.sign": {"zh": "签名与存档", "en": "Signing and storing"},
    "ceremony.practice_tag": {"zh": "【练习】", "en": "[PRACTICE]"},
    "ceremony.practice_banner": {
        "zh": "练习 · 测试种子 · 不是正式抽取 · 不签名 · 不保存",
        "en": "PRACTICE · test seed · NOT an official draw · never signed or stored",
    },
    "ceremony.f.task": {"zh": "任务", "en": "Task"},
    "ceremony.f.departments": {"zh": "部门", "en": "Departments"},
    "ceremony.f.items": {"zh": "抽查事项", "en": "Items"},
    "ceremony.f.announced_at": {"zh": "公告时间", "en": "Announced"},
    "ceremony.f.announcement": {"zh": "公告摘要", "en": "Announcement digest"},
    "ceremony.f.operator": {"zh": "操作员", "en": "Operator"},
    "ceremony.operator_value": {"zh": "{actor}", "en": "{actor}"},
    "ceremony.f.redraw": {"zh": "重抽原因", "en": "Redraw reason"},
    "ceremony.checks_title": {
        "zh": "快照核对（与公告签署时一致）",
        "en": "Snapshot checks (unchanged since the announcement was signed)",
    },
    "ceremony.col.check": {"zh": "核对项", "en": "Check"},
    "ceremony.col.result": {"zh": "结果", "en": "Result"},
    "ceremony.col.detail": {"zh": "数量 / 根哈希", "en": "Count / root"},
    "ceremony.check.snapshot": {"zh": "分层 {stratum} 名录", "en": "stratum {stratum} population"},
    "ceremony.check.roster": {"zh": "检查人员名录", "en": "inspector roster"},
    "ceremony.pass": {"zh": "一致", "en": "matches"},
    "ceremony.plan_title": {"zh": "抽取计划", "en": "Draw plan"},
    "ceremony.col.stratum": {"zh": "分层", "en": "Stratum"},
    "ceremony.col.population": {"zh": "总体", "en": "Population"},
    "ceremony.col.sample": {"zh": "抽取数", "en": "To draw"},
    "ceremony.col.reserve": {"zh": "备选数", "en": "Reserve"},
    "ceremony.sources_title": {
        "zh": "公告的随机源（按种子顺序）",
        "en": "Announced entropy sources (seed order)",
    },
    "ceremony.col.source": {"zh": "随机源", "en": "Source"},
    "ceremony.src.nonce": {
        "zh": "操作员随机数（承诺 {commitment}…，最后揭示）",
        "en": "operator nonce (commitment {commitment}…, revealed last)",
    },
    "ceremony.src.dice": {
        "zh": "见证人 {witness}：{count} 枚 {faces} 面骰子",
        "en": "witness {witness}: {count} dice with {faces} faces",
    },
    "ceremony.src.lottery": {
        "zh": "{name} 第 {period} 期：{count} 个号码（{min}–{max}）",
        "en": "{name} period {period}: {count} numbers ({min}–{max})",
    },
    "ceremony.src.drand": {
        "zh": "drand 第 {round} 轮（发布于 {time}）",
        "en": "drand round {round} (published {time})",
    },
    "ceremony.needs_redraw_note": {
        "zh": "注意：此前的正式抽取或中止的仪式已显示过种子，本次为标明的重抽。",
        "en": "Note: an earlier official draw, or an aborted ceremony, already showed a seed; this is a marked redraw.",
    },
    "ceremony.confirm_start": {"zh": "核对无误，开始抽取？", "en": "Checks done. Start the draw?"},
    "ceremony.press_enter": {"zh": "按回车继续…", "en": "Press Enter to continue…"},
    "ceremony.press_enter_stratum": {
        "zh": "按回车揭示下一个分层…",
        "en": "Press Enter to reveal the next stratum…",
    },
    # entropy
    "ceremony.dice_intro": {
        "zh": "请各位见证人掷骰子。点数按掷出顺序输入，以空格分隔；输入时不显示，全部见证人录入后一起公布。每人输入两遍以防笔误。",
        "en": "Witnesses, roll your dice. Enter the values in rolling order, separated by spaces; the input is hidden and all values are shown together once every witness has entered theirs. Each witness enters them twice to catch typos.",
    },
    "ceremony.dice_ask": {
        "zh": "见证人 {witness}：{count} 枚骰子，每枚 1–{faces}",
        "en": "Witness {witness}: {count} dice, each 1–{faces}",
    },
    "ceremony.prompt.dice": {"zh": "{witness} 的点数", "en": "{witness}'s values"},
    "ceremony.prompt.dice_again": {
        "zh": "请 {witness} 再输入一遍确认",
        "en": "{witness}, enter them again to confirm",
    },
    "ceremony.time": {
        "zh": "北京时间 {local}，UTC {utc}",
        "en": "{local} Beijing time / {utc} UTC",
    },
    "ceremony.wrong_count": {
        "zh": "应输入 {want} 个数，实际输入了 {got} 个，请重新输入。",
        "en": "{want} numbers are needed, {got} were entered; please enter them again.",
    },
    "ceremony.out_of_range": {
        "zh": "第 {n} 个数 {value} 不在 {min}–{max} 之间，请重新输入。",
        "en": "number {n} ({value}) is not within {min}–{max}; please enter them again.",
    },
    "ceremony.reserve_title": {
        "zh": "分层 {stratum} 备选名单（按序替补）",
        "en": "Stratum {stratum} reserve list (used in order)",
    },
    "ceremony.not_numbers": {
        "zh": "只能输入以空格分隔的整数，请重新输入。",
        "en": "Only whole numbers separated by spaces; please enter them again.",
    },
    "ceremony.mismatch": {
        "zh": "两次输入不一致，请从头重新输入。",
        "en": "The two entries differ; please start again.",
    },
    "ceremony.dice_taken": {
        "zh": "已记录 {witness} 的 {count} 个点数",
        "en": "{witness}'s {count} values recorded",
    },
    "ceremony.dice_reveal": {"zh": "公布骰子点数", "en": "The dice, revealed"},
    "ceremony.col.witness": {"zh": "见证人", "en": "Witness"},
    "ceremony.col.values": {"zh": "数值", "en": "Values"},
    "ceremony.dice_ok": {
        "zh": "各位见证人确认以上点数与所掷一致？",
        "en": "Do the witnesses confirm these are the values rolled?",
    },
    "ceremony.dice_again": {"zh": "请重新录入全部骰子点数。", "en": "Enter all the dice again."},
    "ceremony.lottery_ask": {
        "zh": "{name} 第 {period} 期开奖号码：{count} 个，{min}–{max}，按官方公告顺序",
        "en": "{name} period {period}: {count} numbers, {min}–{max}, in the order of the official result",
    },
    "ceremony.prompt.lottery": {"zh": "{name} 开奖号码", "en": "{name} numbers"},
    "ceremony.prompt.lottery_again": {"zh": "再输入一遍确认", "en": "Enter them again to confirm"},
    "ceremony.lottery_taken": {
        "zh": "已记录 {name} 第 {period} 期开奖号码",
        "en": "{name} period {period} recorded",
    },
    "ceremony.drand_ask": {
        "zh": "drand 第 {round} 轮（发布于 {time}）",
        "en": "drand round {round} (published {time})",
    },
    "ceremony.drand_fetch_title": {
        "zh": "取得 drand 第 {round} 轮（本机无需联网）",
        "en": "Getting drand round {round} (this computer needs no internet)",
    },
    "ceremony.drand_fetch_how": {
        "zh": "在任何一台能上网的设备上（手机可扫描二维码）打开下列任一地址，得到该轮的 JSON：",
        "en": "On any device with internet (a phone can scan the QR code), open either address to get the round's JSON:",
    },
    "ceremony.drand_fetch_then": {
        "zh": "然后把 JSON 粘贴到下面，或把它存成文件（如 U 盘）并在下面输入文件路径。也可以用 randcheck draw {task} --drand-file 文件 在这一步直接读取该文件。签名在本机离线验证。",
        "en": "Then paste the JSON below, or save it to a file (a USB stick) and type the file's path below. `randcheck draw {task} --drand-file FILE` reads such a file at this step. The signature is verified offline on this computer.",
    },
    "ceremony.drand_no_qr": {
        "zh": "（终端太窄，未显示二维码：至少需要 {width} 列）",
        "en": "(terminal too narrow for the QR code: it needs {width} columns)",
    },
    "ceremony.prompt.drand": {"zh": "drand JSON 或文件路径", "en": "drand JSON or file path"},
    "ceremony.drand_empty": {
        "zh": "没有输入：请粘贴该轮的 JSON，或输入保存它的文件路径",
        "en": "nothing entered: paste the round's JSON or type the path of a file holding it",
    },
    "ceremony.drand_file_rejected": {
        "zh": "drand 文件 {file} 不能用：{reason}",
        "en": "drand file {file} cannot be used: {reason}",
    },
    "ceremony.drand_retry": {
        "zh": "请重新粘贴第 {round} 轮的 JSON，或输入另一个文件的路径。已录入的数值都保留着。",
        "en": "Paste round {round}'s JSON again, or type another file's path. The values already entered are kept.",
    },
    "ceremony.countdown": {
        "zh": "等待 drand 第 {round} 轮发布：还有 {left}",
        "en": "Waiting for drand round {round}: {left} to go",
    },
    "ceremony.drand_ok": {
        "zh": "drand 第 {round} 轮签名验证通过（发布于 {time}，随机值 {randomness}…）",
        "en": "drand round {round} verified (published {time}, randomness {randomness}…)",
    },
    "ceremony.nonce_title": {"zh": "揭示操作员随机数", "en": "The operator's nonce, revealed"},
    "ceremony.nonce_title_practice": {
        "zh": "练习用公开测试随机数（不是操作员的秘密随机数）",
        "en": "The public practice nonce (not the operator's secret one)",
    },
    "ceremony.f.nonce": {"zh": "随机数", "en": "Nonce"},
    "ceremony.f.commitment": {"zh": "公告中的承诺", "en": "Announced commitment"},
    "ceremony.nonce_ok": {"zh": "与公告中的承诺一致", "en": "matches the announced commitment"},
    "ceremony.nonce_bad": {
        "zh": "与公告中的承诺不一致",
        "en": "does NOT match the announced commitment",
    },
    "ceremony.evidence_title": {"zh": "全部随机源", "en": "All entropy"},
    "ceremony.kind.nonce": {"zh": "操作员随机数", "en": "operator nonce"},
    "ceremony.kind.dice": {"zh": "骰子 · {witness}", "en": "dice · {witness}"},
    "ceremony.kind.lottery": {"zh": "{name} 第 {period} 期", "en": "{name} period {period}"},
    "ceremony.kind.drand": {"zh": "drand 第 {round} 轮", "en": "drand round {round}"},
    "ceremony.confirm_entropy": {
        "zh": "随机源录入完毕，生成种子？",
        "en": "All entropy is in. Compute the seed?",
    },
    # results
    "ceremony.seed_title": {"zh": "随机种子", "en": "Seed"},
    "ceremony.seed_sub": {
        "zh": "由公告摘要与全部随机源经 HKDF 导出，任何人可复算",
        "en": "HKDF of the announcement digest and all entropy; anyone can recompute it",
    },
    "ceremony.stratum_title": {
        "zh": "分层 {stratum}：总体 {count} 家，抽中 {sample} 家",
        "en": "Stratum {stratum}: {sample} drawn of {count}",
    },
    "ceremony.col.rank": {"zh": "序号", "en": "Rank"},
    "ceremony.col.code": {"zh": "统一社会信用代码", "en": "Credit code"},
    "ceremony.col.name": {"zh": "名称", "en": "Name"},
    "ceremony.col.ticket": {"zh": "票号", "en": "Ticket"},
    "ceremony.col.batch": {"zh": "批次", "en": "Batch"},
    "ceremony.cutoff": {
        "zh": "截止票号：{cutoff}…（票号不大于它的即被抽中）",
        "en": "Cut-off ticket: {cutoff}… (tickets up to it are drawn)",
    },
    "ceremony.teams_title": {"zh": "检查组（共 {count} 组）", "en": "Teams ({count})"},
    "ceremony.col.team": {"zh": "检查人员（执法证号 姓名）", "en": "Inspectors (badge, name)"},
    "ceremony.expert": {"zh": "（专家）", "en": " (expert)"},
    # signing
    "ceremony.confirm_sign": {
        "zh": "签名并保存这份正式抽取记录？",
        "en": "Sign and store this official draw record?",
    },
    "ceremony.prompt.passphrase": {
        "zh": "操作员私钥 {name} 的口令（输入不显示）",
        "en": "Passphrase of the operator key {name} (hidden)",
    },
    "ceremony.prompt.witness_passphrase": {
        "zh": "见证人私钥 {name} 的口令（输入不显示）",
        "en": "Passphrase of witness key {name} (hidden)",
    },
    "ceremony.wrong_passphrase": {
        "zh": "口令错误，还可以再试 {left} 次。",
        "en": "Wrong passphrase; {left} tries left.",
    },
    "ceremony.key_ok": {"zh": "操作员私钥 {name} 已解锁", "en": "operator key {name} unlocked"},
    "ceremony.witness_ok": {
        "zh": "见证人私钥 {name} 已解锁，将联署",
        "en": "witness key {name} unlocked; it will co-sign",
    },
    "ceremony.done_title": {
        "zh": "抽取完成 · 记录已签名保存",
        "en": "Draw complete · record signed and stored",
    },
    "ceremony.code_read_aloud": {
        "zh": "请当众宣读核验码：",
        "en": "Read the verification code aloud:",
    },
    "ceremony.record_digest": {"zh": "记录摘要", "en": "Record digest"},
    "ceremony.logged": {"zh": "已记入审计日志第 {seq} 条", "en": "logged as audit entry {seq}"},
    "ceremony.redraw_marked": {
        "zh": "本记录为重抽：{reason}",
        "en": "This record is a redraw: {reason}",
    },
    "ceremony.interrupt_ignored": {
        "zh": "保存期间收到 Ctrl-C：记录已完整保存，中断已忽略。",
        "en": "Ctrl-C arrived while storing: the record was stored in full; the interrupt was ignored.",
    },
    "ceremony.next_publish": {
        "zh": "下一步发布公示：randcheck publish {prefix}",
        "en": "Next, publish it: randcheck publish {prefix}",
    },
    "ceremony.practice_done": {
        "zh": "练习结束。以上结果使用公开测试种子，不是正式抽取，未签名、未保存（已记入日志第 {seq} 条）。",
        "en": "Practice finished. These results come from a public test seed: not an official draw, not signed, not stored (logged as entry {seq}).",
    },
    # aborts
    "ceremony.aborted_title": {"zh": "抽取已中止", "en": "Draw aborted"},
    "ceremony.aborted": {
        "zh": "在“{stage}”阶段中止：没有签名、保存或发布任何内容。中止已记入审计日志第 {seq} 条。",
        "en": "Aborted at “{stage}”: nothing was signed, stored or published. The abort is logged as audit entry {seq}.",
    },
    "ceremony.aborted_after_seed": {
        "zh": '本次抽取的随机数已公开并记入审计日志第 {seq} 条，因此本任务的下一次正式抽取必须是标明的重抽：randcheck draw {task} --redraw --reason "原因"。重抽将在记录、日志和公示页中注明。',
        "en": 'This attempt\'s randomness was revealed and logged as audit entry {seq}, so the next official draw of this task must be a marked redraw: randcheck draw {task} --redraw --reason "why". The redraw is marked in the record, the log and the public page.',
    },
    "ceremony.aborted_entered": {
        "zh": "已录入的骰子和彩票数值随中止一起记入日志：运行 randcheck draw {task} --resume 可用同样的数值继续（种子尚未算出，这不是重抽）。",
        "en": "The dice and lottery values entered are logged with the abort: `randcheck draw {task} --resume` continues with the same values (no seed was computed: this is not a redraw).",
    },
    "ceremony.resume_nothing": {
        "zh": "任务 {task} 没有可以继续的抽取：只有在算出种子之前中止、且已录入数值的最近一次抽取才能继续。请运行 randcheck draw {task}（不加 --resume）",
        "en": "task {task} has no draw to resume: only its latest ceremony, stopped before the seed was computed with values entered, can be resumed. Run `randcheck draw {task}` (without --resume)",
    },
    "ceremony.resume_with_entropy": {
        "zh": "--resume 使用日志中的数值，不能与 --entropy 同用",
        "en": "--resume takes the logged values; it cannot be used with --entropy",
    },
    "ceremony.resumed": {
        "zh": "继续审计日志第 {seq} 条记录的中止抽取：使用当时已录入的下列数值（不再询问）。",
        "en": "Resuming the ceremony aborted in audit entry {seq}: the values entered then are used (not asked again).",
    },
    "ceremony.resume_available": {
        "zh": "提示：本任务上次抽取在算出种子前中止，已录入的数值记在审计日志第 {seq} 条；要用同样的数值继续，请按 Ctrl-C 后运行 randcheck draw {task} --resume。",
        "en": "Note: this task's last ceremony stopped before its seed, with values logged in audit entry {seq}; to continue with the same values, press Ctrl-C and run `randcheck draw {task} --resume`.",
    },
    "ceremony.revealed_logged": {
        "zh": "以上随机数在显示之前已记入审计日志第 {seq} 条：此后中止也无法悄悄重抽。",
        "en": "These values were logged as audit entry {seq} before they were shown: aborting now cannot re-roll quietly.",
    },
    "abort.reason.interrupted": {
        "zh": "操作员中断（Ctrl-C）",
        "en": "interrupted by the operator (Ctrl-C)",
    },
    "abort.reason.sighup": {"zh": "终端被关闭", "en": "the terminal was closed"},
    "abort.reason.sigterm": {"zh": "进程被终止", "en": "the process was terminated"},
    "abort.reason.signal": {"zh": "进程收到终止信号", "en": "the process received a stop signal"},
    # substitutions
    "ceremony.substituted_title": {"zh": "替补附录已签发", "en": "Substitution addendum signed"},
    "ceremony.f.record": {"zh": "抽取记录", "en": "Record"},
    "ceremony.f.seq": {"zh": "附录序号", "en": "Addendum no."},
    "ceremony.f.action": {"zh": "操作", "en": "Action"},
    "ceremony.action.replace_target": {"zh": "替换检查对象", "en": "replace the entity"},
    "ceremony.action.replace_inspector": {"zh": "检查人员回避", "en": "recuse an inspector"},
    "ceremony.f.target": {"zh": "检查对象", "en": "Entity"},
    "ceremony.f.inspector": {"zh": "回避人员", "en": "Recused inspector"},
    "ceremony.f.replacement": {"zh": "替补对象", "en": "Replacement"},
    "ceremony.replacement_value": {
        "zh": "{code} {name}（分层 {stratum}）",
        "en": "{code} {name} (stratum {stratum})",
    },
    "ceremony.f.team": {"zh": "新检查组", "en": "New team"},
    "ceremony.f.reason": {"zh": "原因", "en": "Reason"},
    "ceremony.f.addendum": {"zh": "附录摘要", "en": "Addendum digest"},
    "ceremony.f.code": {"zh": "核验码", "en": "Verification code"},
}
