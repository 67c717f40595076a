"""``randcheck cosign``: a witness co-signs a v2 entropy commitment on their own device, on the
spot, at the time written in the commitment (docs/SPEC-v2.md §4, §10)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "cosign.command_help": {
        "zh": "见证人在自己的电脑上用自己的私钥文件联署熵承诺（v2），生成联署文件交回抽取现场。"
        "联署即证明：这些值是在场录入的值，且熵承诺写明的承诺时间就是现在。签署前请核对屏幕上的"
        "承诺时间（北京时间）与本机时钟、以及每个值；承诺时间早于本机时钟 120 秒以上或晚于 "
        "30 秒以上时拒绝联署（见证人只能在现场、按承诺写明的时间联署，不能事后补签）。"
        "给出 --announcement 时还核对熵承诺属于该公告、由公告签署人签署。\n\n"
        "退出码：0 已联署；1 拒绝（不是熵承诺、时间不符、与公告不符）；"
        "2 参数有误；3 无法运行（文件无法读取、--key 不是私钥文件、--out 已存在或其文件夹不可写、口令错误）。\n\n"
        "例：randcheck cosign commitment.json --key 我的私钥.key --out 联署.json",
        "en": "A witness co-signs an entropy commitment (v2) on their own computer with their "
        "own key file; the co-signature file goes back to the ceremony. Co-signing attests "
        "that these are the values entered in the room and that the commitment's time is "
        "now. Before signing, check the commitment's time (Beijing time) against this "
        "computer's clock, and every value; a commitment time more than 120 s before or "
        "more than 30 s after this clock is refused (a witness co-signs on the spot, at "
        "the time written in the commitment, never later). With --announcement it also "
        "checks that the commitment belongs to that announcement and is signed by its "
        "signer.\n\nExit codes: 0 co-signed; 1 refused (not a commitment, wrong time, not "
        "that announcement's); 2 bad command line; 3 could not run (a file cannot be read, "
        "--key is not a private key file, --out exists or its folder is not writable, wrong "
        "passphrase).\n\nExample: randcheck cosign commitment.json --key my.key --out "
        "cosig.json",
    },
    "cosign.opt.announcement": {
        "zh": "公告文件（announcement.json）：核对熵承诺属于该公告、由公告签署人签署",
        "en": "the announcement file (announcement.json): check that the commitment belongs to "
        "it and is signed by its signer",
    },
    "cosign.show_time": {
        "zh": "任务 {task} 的熵承诺（摘要 {digest}）\n承诺时间：{at}（北京时间）\n本机时钟：{now}"
        "（北京时间）\n联署前请核对承诺时间就是现在，并核对在场录入的值：",
        "en": "entropy commitment of task {task} (digest {digest})\ncommitted at: {at} (Beijing "
        "time)\nthis computer's clock: {now} (Beijing time)\nbefore co-signing, check that the "
        "commitment's time is now, and check the values entered in the room:",
    },
    "cosign.clock_refused": {
        "zh": "不能联署：熵承诺写明的承诺时间 {at}（北京时间）与本机时钟 {now}（北京时间）相差 "
        "{delta} 秒，超出允许范围（承诺时间早于本机时钟不超过 {age} 秒、晚于不超过 {ahead} 秒）。见证人须在现场、按熵承诺写明的"
        "时间联署，不能事后补签；若本机时钟有误，请先校准。",
        "en": "cannot co-sign: the commitment's time {at} (Beijing time) is {delta} s away from "
        "this computer's clock {now} (Beijing time), outside what is allowed (the commitment's "
        "time at most {age} s before this clock, {ahead} s after it). A witness co-signs on the spot, at the time written in the "
        "commitment, never later; if this clock is wrong, set it first.",
    },
    "cosign.bad_time": {
        "zh": "熵承诺的承诺时间不可读",
        "en": "the commitment's time cannot be read",
    },
    "cosign.not_announcement": {
        "zh": "{path} 不是公告文件",
        "en": "{path} is not an announcement file",
    },
    "cosign.other_announcement": {
        "zh": "熵承诺不属于公告 {path}（任务 {task}，公告摘要 {digest}）",
        "en": "the commitment does not belong to the announcement {path} (task {task}, "
        "announcement digest {digest})",
    },
    "cosign.not_announcement_signer": {
        "zh": "熵承诺不是由公告签署人（密钥 {key_id}）签署的",
        "en": "the commitment is not signed by the announcement's signer (key {key_id})",
    },
    "cosign.announcement_ok": {
        "zh": "熵承诺属于公告 {digest}，由公告签署人（密钥 {key_id}）签署（按密钥 ID 核对）",
        "en": "the commitment belongs to announcement {digest} and is signed by its signer "
        "(key {key_id}; checked by key id)",
    },
    "cosign.out_folder": {
        "zh": "无法写入 {path}：文件夹不存在或不可写",
        "en": "cannot write {path}: the folder does not exist or is not writable",
    },
    "ceremony.v2_redraw_not_later": {
        "zh": "熵承诺时间 {at}（UTC）不晚于它所回应的审计日志第 {seq} 条（{before} UTC）：重新抽取的熵承诺"
        "必须在被它取代的尝试之后作出。请检查本机时钟。",
        "en": "the commitment's time {at} (UTC) is not later than audit log entry {seq} it "
        "answers ({before} UTC): a redraw's commitment must be made after the attempts it "
        "replaces. Check this computer's clock.",
    },
    "ceremony.cosign_file_now": {
        "zh": "熵承诺已写入 {path}。未在本机解锁密钥的见证人（{names}）请现在就在自己的电脑上联署"
        "（承诺时间起 {age} 秒内，之后 randcheck cosign 拒绝联署）：randcheck cosign {path} --key "
        "自己的私钥文件，再把联署文件拷回本机；本机同时申请时间戳。",
        "en": "The commitment is in {path}. Witnesses whose keys are not unlocked here ({names}) "
        "co-sign now on their own computers (within {age} s of the commitment's time; after "
        "that randcheck cosign refuses): randcheck cosign {path} --key their-key-file, and bring "
        "the co-signature file back; meanwhile this machine gets the timestamp.",
    },
}
