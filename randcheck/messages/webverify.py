"""Messages of the browser verifier's page (``verify.html``, ``randcheck verifier-page``).

The checks' own titles and reasons are the ``verify.*`` messages of ``randcheck verify``; these
are only the page's words around them: picking the bundle, the keys from an independent
channel, progress, the outcome, the per-entity box.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "webverify.title": {
        "zh": "在浏览器中核验抽查结果",
        "en": "Verify a random inspection draw in your browser",
    },
    "webverify.lang_switch": {"zh": "English（切换语言）", "en": "中文（switch language）"},
    "webverify.intro": {
        "zh": "本页面在您的浏览器中完成与 randcheck verify 相同的全部检查：签名、公告先于随机数、随机数证据、名录、重算抽取结果与检查组、日志证明、公示表格与页面、文件校验值。核验完全在本机进行，不向任何服务器发送数据；从本机打开时不需要联网，从网站打开时只读取本页所在文件夹中的公示文件。",
        "en": "This page runs every check of randcheck verify in your browser: signatures, the announcement before the randomness, the entropy evidence, the pool files, the recomputed targets and teams, the log proofs, the public table and page, the file checksums. Everything happens on this computer and nothing is sent to any server; opened from disk it needs no network, opened from a website it reads only the public files of its own folder.",
    },
    "webverify.version": {
        "zh": "randcheck 浏览器核验程序 {version}",
        "en": "randcheck browser verifier {version}",
    },
    # -- the bundle ------------------------------------------------------------------------------
    "webverify.source.heading": {"zh": "一、公示材料", "en": "1. The publication folder"},
    "webverify.source.http": {
        "zh": "本页面位于公示文件夹 {url} 中，核验的是该文件夹中的文件。",
        "en": "This page sits in the publication folder {url} and checks the files of that folder.",
    },
    "webverify.source.http_button": {"zh": "核验本文件夹", "en": "verify this folder"},
    "webverify.source.http_limits": {
        "zh": "通过网络核验时无法列出文件夹：读取的是 SHA256SUMS 及其签名和 SHA256SUMS 列出的文件。若有人在文件夹中另外放入一个 SHA256SUMS 没有列出的文件，网络方式看不到它；要检查这一点，请下载整个文件夹（或其 .zip）后在下面选择，或运行 randcheck verify。",
        "en": "Over the web a folder cannot be listed: the files read are SHA256SUMS, its signature and the files SHA256SUMS lists. A file added to the folder that SHA256SUMS does not list cannot be seen this way; to check for that, download the folder (or its .zip) and pick it below, or run randcheck verify.",
    },
    "webverify.source.file_note": {
        "zh": "从本地磁盘打开本页面时，浏览器不允许页面读取旁边的文件：请选择公示文件夹（含 record.json 的那一层），或选择、拖放其 .zip 压缩包。",
        "en": "Opened from disk, a page may not read the files beside it: pick the publication folder (the one holding record.json), or pick or drop its .zip.",
    },
    "webverify.source.pick_folder": {"zh": "选择公示文件夹", "en": "pick the folder"},
    "webverify.source.pick_zip": {"zh": "选择 .zip 压缩包", "en": "pick the .zip"},
    "webverify.source.drop": {
        "zh": "或将公示文件夹、.zip 压缩包拖放到这里",
        "en": "or drop the folder or its .zip here",
    },
    "webverify.source.chosen": {"zh": "公示材料：{name}", "en": "publication folder: {name}"},
    "webverify.source.none": {"zh": "尚未选择公示材料", "en": "no folder chosen yet"},
    "webverify.zip_unreadable": {
        "zh": "无法读取压缩包 {name}：{reason}",
        "en": "cannot read the zip {name}: {reason}",
    },
    "webverify.zip_bad": {
        "zh": "压缩包已损坏或无法读取（{reason}）",
        "en": "a damaged or unsupported zip ({reason})",
    },
    "webverify.zip_too_big": {
        "zh": "压缩包中的 {file} 解压后有 {size} 字节，超过上限 {limit} 字节",
        "en": "{file} in the zip unpacks to {size} bytes, more than the limit of {limit} bytes",
    },
    "webverify.zip_duplicate": {
        "zh": "压缩包 {name} 中的 {file} 出现了不止一次：无法确定哪一个是公示文件",
        "en": "the zip {name} holds {file} more than once: it cannot be told which is the bundle's",
    },
    # -- keys ------------------------------------------------------------------------------------
    "webverify.key.heading": {"zh": "二、机关公钥", "en": "2. The office's public key"},
    "webverify.key.explain": {
        "zh": "公示文件夹自带的 keys/operator.pub 不能自证：伪造整个文件夹的人也可以放入自己的公钥。请从独立渠道（机关网站、公文、当面交付）取得机关公钥，粘贴到下面或选择公钥文件，再核验。",
        "en": "The folder's own keys/operator.pub cannot vouch for itself: whoever forges the folder can put their own key in it. Get the office's public key through an independent channel (its website, an official letter, in person), paste it below or pick the key file, then verify.",
    },
    "webverify.key.bundle_id": {
        "zh": "本文件夹自带公钥的密钥编号：{key_id}",
        "en": "key id of the folder's own key: {key_id}",
    },
    "webverify.key.bundle_none": {
        "zh": "本文件夹没有可读取的 keys/operator.pub",
        "en": "the folder has no readable keys/operator.pub",
    },
    "webverify.key.paste": {
        "zh": "机关公钥（32 字节公钥的 base64、C2SP verifier key 字符串，或 randcheck keys export 导出的公钥文件内容；每行一个）",
        "en": "the office's public key (the 32-byte key in base64, the C2SP verifier-key string, or the text of the key file of randcheck keys export; one per line)",
    },
    "webverify.key.file": {"zh": "或选择公钥文件", "en": "or pick the key file"},
    "webverify.key.given": {
        "zh": "您给出的公钥：密钥编号 {key_id}",
        "en": "the key you gave: key id {key_id}",
    },
    "webverify.key.matches": {
        "zh": "与本文件夹自带的公钥相同",
        "en": "the same as the folder's own key",
    },
    "webverify.key.differs": {
        "zh": "与本文件夹自带的公钥不同：除非材料确由您给出的密钥签署，签名检查将不通过",
        "en": "not the folder's own key: the signature checks fail unless the files were signed with the key you gave",
    },
    "webverify.key.given_address": {
        "zh": "网址中给出的公钥：密钥编号 {key_id}（只有当该编号与机关公布的密钥编号一致时，它才是机关的公钥）",
        "en": "the key given in the address: key id {key_id} (it is the office's only if this id is the one the office publishes)",
    },
    "webverify.key.matches_address": {
        "zh": "与本文件夹自带的公钥相同，但这说明不了什么：伪造文件夹的人也会在网址中给出自己的公钥。请核对密钥编号",
        "en": "the same as the folder's own key, which proves nothing: whoever forged the folder would put their own key in the address too. Compare the key id",
    },
    "webverify.key.bad": {
        "zh": "无法读取您给出的公钥（{source}）：{problem}",
        "en": "cannot read the key you gave ({source}): {problem}",
    },
    "webverify.key.from_url": {"zh": "网址中的 key=", "en": "key= in the address"},
    "webverify.key.from_text": {"zh": "粘贴的文本", "en": "the pasted text"},
    "webverify.witness.label": {
        "zh": "v2 任务见证人的公钥（可选，每行一个）：向见证人本人索取，不要从机关取得",
        "en": "a v2 task's witness keys (optional, one per line): ask the witnesses themselves, not the office",
    },
    "webverify.witness.file": {"zh": "或选择见证人公钥文件", "en": "or pick witness key files"},
    "webverify.witness.given": {
        "zh": "见证人公钥：{count} 个",
        "en": "witness keys: {count}",
    },
    # -- the entity box --------------------------------------------------------------------------
    "webverify.entity.heading": {
        "zh": "三、查询企业（可选）",
        "en": "3. Look up a company (optional)",
    },
    "webverify.entity.label": {
        "zh": "统一社会信用代码或注册号：核验后说明它是否在名录中、票号、分界线以及为何被抽中或未被抽中",
        "en": "unified social credit code or registration number: after verifying, whether it was in the pool, its ticket, the cut-off and why it was or was not drawn",
    },
    "webverify.entity.button": {"zh": "查询", "en": "look up"},
    # -- running ---------------------------------------------------------------------------------
    "webverify.run": {"zh": "核验", "en": "verify"},
    "webverify.progress": {
        "zh": "正在核验：{label}（{done}/{total}）",
        "en": "verifying: {label} ({done}/{total})",
    },
    "webverify.progress.checking": {"zh": "正在核验……", "en": "verifying…"},
    # -- the outcome -----------------------------------------------------------------------------
    "webverify.status.idle": {
        "zh": "尚未核验：请选择公示材料",
        "en": "not verified yet: choose the publication folder",
    },
    "webverify.status.running": {"zh": "正在核验……", "en": "verifying…"},
    "webverify.status.pass": {
        "zh": "核验通过：全部 {count} 项检查通过，签名者为您给出的机关公钥（{keys}）。核验码 {code}",
        "en": "VERIFIED: all {count} checks passed, signed with the office key you gave ({keys}). Verification code {code}",
    },
    "webverify.status.pass_address": {
        "zh": "全部 {count} 项检查通过，签名者为网址中给出的公钥（密钥编号 {keys}）：只有当该编号与机关公布的密钥编号一致时，它才是机关的公钥，材料才由机关签署。请经独立渠道（机关网站、公文）核对该编号，或将机关公钥粘贴到上面。核验码 {code}",
        "en": "All {count} checks passed, signed with the key given in the address (key id {keys}): it is the office's only if this id is the one the office publishes. Compare the id through an independent channel (its website, an official letter), or paste the office's key above. Verification code {code}",
    },
    "webverify.status.fail": {
        "zh": "核验未通过：{count} 项检查失败。第一项：{check}（{what}）—— {reason}",
        "en": "verification FAILED: {count} checks failed. First: {check} ({what}) — {reason}",
    },
    "webverify.status.no_key": {
        "zh": "核验不完整：没有给出机关公钥。已检查的：文件内容前后一致，{passed} 项检查通过（按文件夹自带的公钥 {key_id}… 核验签名）。没有检查的：签名者是否为机关——依赖签名者身份的 {count} 项检查记为“未确认”（{checks}）。这说明材料自签署以来没有被改动，但不能说明是机关签署的；请从独立渠道取得机关公钥，在上面给出后重新核验。核验码 {code}",
        "en": "INCOMPLETE: no office key was given. Checked: the content is consistent, {passed} checks passed (signatures checked against the folder's own key {key_id}…). Not checked: whether the signer is the office — the {count} checks that depend on who signed are 'unconfirmed' ({checks}). The files were not changed since they were signed, but nothing shows the office signed them: get the office's key through an independent channel, give it above and verify again. Verification code {code}",
    },
    "webverify.status.no_key_none": {
        "zh": "核验不完整：没有给出机关公钥，文件夹也没有可读取的公钥，签名无法核验（{count} 项未确认：{checks}）。请从独立渠道取得机关公钥，在上面给出后重新核验。",
        "en": "INCOMPLETE: no office key was given and the folder has no readable key, so no signature could be checked ({count} unconfirmed: {checks}). Get the office's key through an independent channel, give it above and verify again.",
    },
    "webverify.status.unconfirmed": {
        "zh": "核验不完整：没有检查未通过，{passed} 项通过，但 {count} 项未确认：{checks}。v2 任务的见证人公钥请向见证人本人索取后在上面给出；时间戳机构证书无法在本页面给出，请用 randcheck verify --trusted-tsa 核验。核验码 {code}",
        "en": "INCOMPLETE: no check failed and {passed} passed, but {count} are unconfirmed: {checks}. For a v2 task's witnesses, give the keys the witnesses gave you above; a time-stamping authority's certificate cannot be given on this page: use randcheck verify --trusted-tsa. Verification code {code}",
    },
    "webverify.status.error": {"zh": "无法核验：{reason}", "en": "cannot verify: {reason}"},
    "webverify.report.task": {
        "zh": "任务 {task}，记录 {record}，核验码 {code}",
        "en": "task {task}, record {record}, verification code {code}",
    },
    "webverify.checks.heading": {"zh": "各项检查", "en": "the checks"},
    "webverify.check.warn": {"zh": "通过（有提示）", "en": "PASS (note)"},
    # the trust check's reasons, said for this page (the CLI's name --trusted-keys)
    "webverify.reason.no_trusted_keys": {
        "zh": "没有可信公钥：请在上面给出机关公钥（经机关网站等独立渠道取得；文件夹内的 keys/operator.pub 不能自证）",
        "en": "no trusted key: give the office's public key above (obtained through an independent channel such as its website; the folder's own keys/operator.pub cannot vouch for itself)",
    },
    "webverify.reason.untrusted_own_key": {
        "zh": "未检查：没有给出可信公钥。内容已按文件夹自带的 keys/operator.pub（密钥 {key_id}…）核验，但它不能证明自己属于机关：请在上面给出经独立渠道取得的机关公钥",
        "en": "not checked: no trusted key given. The content was checked against the folder's own keys/operator.pub (key {key_id}…), which cannot prove it is the office's: give the office's public key, obtained through an independent channel, above",
    },
}
