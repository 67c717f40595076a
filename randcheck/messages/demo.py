"""Messages of ``randcheck demo``."""

MESSAGES: dict[str, dict[str, str]] = {
    "demo.help": {
        "zh": "在生成的演示数据上完整运行一次抽取：初始化、密钥、导入、任务、公告、抽取、签名、公示、验证（非交互）。",
        "en": "Run the whole story on generated data: init, keys, import, task, announce, draw, sign, publish, verify (non-interactive).",
    },
    "demo.opt.out": {
        "zh": "演示工作区目录（默认 <工作区>/randcheck-demo；旧的演示目录会被替换）",
        "en": "demo workspace folder (default <workspace>/randcheck-demo; an earlier demo there is replaced)",
    },
    "demo.opt.entities": {"zh": "生成的市场主体数量", "en": "number of generated entities"},
    "demo.opt.inspectors": {"zh": "生成的执法人员数量", "en": "number of generated inspectors"},
    "demo.folder_in_use": {
        "zh": "{path} 不是空目录，也不是以前的演示目录：请用 --out 指定其他目录",
        "en": "{path} is not empty and not an earlier demo: choose another folder with --out",
    },
    "demo.db_in_use": {
        "zh": "--db 指定的数据库已有工作区数据：演示只使用全新的数据库（或不加 --db，使用演示目录中的 SQLite）",
        "en": "the database given with --db already holds workspace data: the demo only uses a fresh database (or omit --db to use SQLite in the demo folder)",
    },
    "demo.clock": {
        "zh": "演示使用模拟时钟：公告于 {time}（UTC），即真实的 drand quicknet 第 {round} 轮产生前 15 分钟，因此无需联网即可离线验证该轮随机数。",
        "en": "The demo runs on a simulated clock: it announces at {time} (UTC), 15 minutes before the real drand quicknet round {round}, so that round is verified offline with no network.",
    },
    "demo.passphrase_note": {
        "zh": "演示密钥口令：取自 RANDCHECK_KEY_PASSPHRASE，未设置时为 “randcheck-demo”（仅供演示）。",
        "en": "Demo key passphrase: RANDCHECK_KEY_PASSPHRASE, or 'randcheck-demo' when unset (demo only).",
    },
    "demo.col.step": {"zh": "步骤", "en": "step"},
    "demo.col.seconds": {"zh": "耗时（秒）", "en": "seconds"},
    "demo.step.init": {"zh": "初始化工作区 {path}", "en": "initialised workspace {path}"},
    "demo.step.keys": {
        "zh": "生成机关签名密钥（Ed25519，口令加密），密钥 ID {key}…",
        "en": "created the office signing key (Ed25519, passphrase-encrypted), key id {key}…",
    },
    "demo.step.generate": {
        "zh": "生成演示名录：{entities} 个市场主体、{inspectors} 名执法人员 → {path}",
        "en": "generated demo registries: {entities} entities, {inspectors} inspectors → {path}",
    },
    "demo.step.import": {
        "zh": "导入 {registry}：{file}（新增 {added}，未变 {unchanged}）",
        "en": "imported {registry} from {file} (added {added}, unchanged {unchanged})",
    },
    "demo.step.task": {"zh": "创建联合抽查任务 {task}", "en": "created joint task {task}"},
    "demo.step.announce": {
        "zh": "公告并签名：检查对象池 {pool} 个，摘要 {digest}…，drand 第 {round} 轮",
        "en": "announced and signed: pool of {pool}, digest {digest}…, drand round {round}",
    },
    "demo.step.announce_v2": {
        "zh": "公告并签名：检查对象池 {pool} 个，摘要 {digest}…，drand 轮次将由熵承诺决定",
        "en": "announced and signed: pool of {pool}, digest {digest}…, the drand round to be fixed by the commitment",
    },
    "demo.step.draw": {
        "zh": "见证人掷骰、彩票号码、drand 轮次 → 抽中 {targets} 个对象，配齐 {teams} 个检查组，核验码 {code}",
        "en": "witness dice, lottery numbers, drand round → {targets} targets drawn, {teams} teams staffed, code {code}",
    },
    "demo.step.results": {
        "zh": "一公开：录入 {entered} 条检查结果，第 {seq} 号检查结果公示已签名（{count} 条）",
        "en": "一公开: {entered} inspection results entered, results document {seq} signed ({count} results)",
    },
    "demo.step.publish": {
        "zh": "写出公示材料（{files} 个文件）→ {path}",
        "en": "wrote the publication bundle ({files} files) → {path}",
    },
    "demo.step.verify": {
        "zh": "独立验证公示材料：{passed}/{checks} 项检查通过",
        "en": "verified the bundle independently: {passed}/{checks} checks passed",
    },
    "demo.step.site": {
        "zh": "生成本单位公示网站（{files} 个文件，SHA256SUMS 已签名）→ {path}",
        "en": "built the office's public site ({files} files, SHA256SUMS signed) → {path}",
    },
    "demo.done": {
        "zh": "演示完成。记录摘要 {digest}，核验码 {code}。\n公示材料：{bundle}\n网页：{index}\n公示网站：{site}\n自行验证（机关公钥和见证人公钥应从独立渠道获取，演示中即为 {pub} 和 {witnesses}）：\nrandcheck verify {bundle} --trusted-keys {pub}{witness_opts}\n或在浏览器中打开 {bundle}/verify.html，选择这些公钥文件（或粘贴其内容）后核验，不必安装任何程序。",
        "en": "Demo done. Record digest {digest}, verification code {code}.\nBundle: {bundle}\nPage: {index}\nPublic site: {site}\nVerify it yourself (take the office key and the witnesses' keys from an independent channel; in the demo they are {pub} and {witnesses}):\nrandcheck verify {bundle} --trusted-keys {pub}{witness_opts}\nOr open {bundle}/verify.html in a browser and give it those key files (or paste them): nothing to install.",
    },
    "demo.failed": {
        "zh": "演示的验证未通过：{check}",
        "en": "the demo's verification failed: {check}",
    },
}
