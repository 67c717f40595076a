"""The browser verifier's script as randcheck.verifier joins it: deterministic, one namespace per
file, the vendored library exactly as recorded, and an inline copy the HTML parser cannot cut."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

from randcheck import verifier

VENDOR = resources.files("randcheck.verifier").joinpath("vendor")


def test_the_vendored_library_is_the_recorded_build() -> None:
    data = VENDOR.joinpath("noble.js").read_bytes()
    readme = VENDOR.joinpath("README.md").read_text(encoding="utf-8")
    recorded = re.search(r"SHA-256 of `noble.js`: `([0-9a-f]{64})`", readme)
    assert recorded, "vendor/README.md must record noble.js's SHA-256"
    assert hashlib.sha256(data).hexdigest() == recorded.group(1), (
        "noble.js changed: rebuild it as vendor/README.md says and record its new SHA-256"
    )
    assert VENDOR.joinpath("LICENSE.noble").read_text(encoding="utf-8").startswith(
        "The MIT License"
    )


def test_each_source_defines_its_one_namespace() -> None:
    js = resources.files("randcheck.verifier").joinpath("js")
    names = {p.name for p in js.iterdir() if p.name.endswith(".js")}
    assert names == set(verifier.SOURCES), "every js/ file is joined, and only those"
    for source in verifier.SOURCES:
        text = js.joinpath(source).read_text(encoding="utf-8")
        tops = re.findall(r"^(?:const|let|var|function|class) +([A-Za-z_$][\w$]*)", text, re.M)
        assert tops == [verifier.namespace(source)], (source, tops)


def test_script_and_pages_are_deterministic() -> None:
    assert verifier.script() == verifier.script()
    assert verifier.page_sha256() == verifier.page_sha256()
    assert 'src="verify.js"' in verifier.page()


def test_the_inline_script_cannot_end_early() -> None:
    page = verifier.page(standalone=True)
    start = page.index("<script>\n") + len("<script>\n")
    end = page.rindex("</script>")
    body = page[start:end]
    assert not re.search(r"</script|<!--", body, re.IGNORECASE)
    assert len(body) > len(verifier.script()) - 100  # the whole script, escaped in place
