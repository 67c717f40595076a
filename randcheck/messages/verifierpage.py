"""Messages of ``randcheck verifier-page`` and of the browser verifier in a bundle (format v4)."""

MESSAGES: dict[str, dict[str, str]] = {
    "publish.verifier_too_big": {
        "zh": "无法发布：浏览器核验程序 {file} 有 {size} 字节，超过核验程序读取上限 {limit} 字节，生成的公示文件夹将无法通过核验；未写入任何内容",
        "en": "cannot publish: the browser verifier {file} is {size} bytes, over the {limit} bytes verify reads, so the bundle would not verify; nothing was written",
    },
}
