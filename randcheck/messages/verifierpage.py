"""Messages of ``randcheck verifier-page`` and of the browser verifier in a bundle (format v4)."""

MESSAGES: dict[str, dict[str, str]] = {
    "verifierpage.help": {
        "zh": "写出独立核验页：一个自带全部程序的 HTML 文件，在浏览器中离线打开，选择任何公示文件夹或其 .zip 即可核验（与 randcheck verify 的检查相同，见 docs/VERIFIER.md）。同一版本的 randcheck 写出的文件逐字节相同，其 SHA-256 印在 README 中，读者可以据此确认手中的核验页不是由被核验的机关提供或改动的。已有文件只在它是以前写出的核验页时才替换，否则须加 --force。退出码：0 已写出；3 无法运行（已有其他文件、路径是文件夹或无法写入）。",
        "en": "Write the standalone verifier: one self-contained HTML file that, opened offline in a browser, checks any publication folder or its .zip picked from disk (the same checks as randcheck verify, see docs/VERIFIER.md). Every copy written by one randcheck version has the same bytes, and README prints their SHA-256, so a reader can confirm the page they use did not come from, or get altered by, the office whose draw they check. An existing file is replaced only when it is an earlier verifier page; anything else needs --force. Exit codes: 0 written; 3 could not run (another file is there, the path is a folder, or it cannot be written).",
    },
    "verifierpage.opt.out": {
        "zh": "写出的文件（如 verify.html）",
        "en": "the file to write (e.g. verify.html)",
    },
    "verifierpage.opt.force": {
        "zh": "替换 FILE 处已有的其他文件（不是以前写出的核验页）",
        "en": "replace what is at FILE even when it is not an earlier verifier page",
    },
    "verifierpage.exists": {
        "zh": "{path} 已存在，且不是 randcheck 写出的核验页：未改动。请换一个文件名，或确认可以替换后加 --force",
        "en": "{path} exists and is not a verifier page written by randcheck: left as it is. Choose another name, or add --force if it may be replaced",
    },
    "verifierpage.is_folder": {
        "zh": "{path} 是文件夹：请给出文件名，如 {path}/verify.html",
        "en": "{path} is a folder: give a file name, e.g. {path}/verify.html",
    },
    "verifierpage.written": {
        "zh": "已写出 randcheck {version} 的独立核验页 {path}（{size} 字节）。",
        "en": "Wrote the standalone verifier of randcheck {version} to {path} ({size} bytes).",
    },
    "verifierpage.replaced": {
        "zh": "已写出 randcheck {version} 的独立核验页 {path}（{size} 字节），替换了原有的核验页。",
        "en": "Wrote the standalone verifier of randcheck {version} to {path} ({size} bytes), replacing the verifier page that was there.",
    },
    "verifierpage.forced": {
        "zh": "已写出 randcheck {version} 的独立核验页 {path}（{size} 字节），按 --force 替换了原有文件。",
        "en": "Wrote the standalone verifier of randcheck {version} to {path} ({size} bytes), replacing the file that was there (--force).",
    },
    "verifierpage.what": {
        "zh": "在浏览器中打开它（无需联网），选择公示文件夹或拖入其 .zip，再给出从机关网站等可靠渠道另行取得的机关公钥，即可核验任何机关的公示材料。文件的 SHA-256 为 {sha256}，应与 randcheck README“在浏览器中核验”一节印出的一致；不一致时请勿使用。",
        "en": "Open it in a browser (no network needed), pick a publication folder or drop its .zip, and give the office's public key obtained through an independent channel such as the office's website: it checks any office's publication. Its SHA-256 is {sha256}; it must equal the one README prints under \"Verifying in a browser\" — do not use it otherwise.",
    },
    "publish.verifier_too_big": {
        "zh": "无法发布：浏览器核验程序 {file} 有 {size} 字节，超过核验程序读取上限 {limit} 字节，生成的公示文件夹将无法通过核验；未写入任何内容",
        "en": "cannot publish: the browser verifier {file} is {size} bytes, over the {limit} bytes verify reads, so the bundle would not verify; nothing was written",
    },
}
