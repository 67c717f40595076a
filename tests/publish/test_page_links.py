"""``page`` refuses links that leave the bundle (SPEC §14.4 item 13).

index.html links the bundle's files by relative path and its 在浏览器中核验 button is a plain
``<a href="verify.html">``.  Whoever edits the page (and re-signs SHA256SUMS, as the office
itself could) must not be able to re-point that button to a look-alike verifier elsewhere, or
hand the bundle's verifier a key of their choosing (``verify.html#verify&key=…``): the reader
gives the key, never the page.  Each forgery below is re-signed, so ``files`` and
``files.signature`` pass and only ``page`` stands in the way.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from randcheck.bundle import layout, pages
from randcheck.services import verify as svc
from randcheck.services.verify import page
from tests.publish.conftest import TASK_ID, Drawn
from tests.publish.test_verify_content import resign

BUTTON = '<a class="button" href="verify.html">'
KEY = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE"

ALLOWED = [
    "verify.html", "verify.js", "#verify", "#files", "#", "#verify&key=x",
    "announcement.json", "log/entries/12.json", "log/12.tlog-proof", "keys/operator.pub",
    "population/A%252FB%25201.txt", "population/S1.txt.gz", "population/..txt", ".hidden",
    "results/vocabulary-0a1b.json", "a%2Db",
]  # fmt: skip
REFUSED = [
    "https://example.org/verify.html", "HTTPS://example.org/", "http:verify.html",
    "//example.org/verify.html", "/verify.html", "/", "../verify.html", "a/../../x",
    "a/../b", "./verify.html", ".", "..", "%2e%2e/x", ".%2E/x", "%2E", "a//b", "a/", "",
    "verify.html#verify&key=" + KEY, "verify.html#key=" + KEY, "verify.html?key=" + KEY,
    "verify.html?", "verify.html#", "index.html#verify", "javascript:alert(1)",
    "data:text/html,x", "\\\\example.org\\x", "/\\example.org", "a\\b", " verify.html",
    "verify.html ", "ver\tify.html", "population/%2Fx", "population/%5Cx", "%00",
    "%E4%B8%AD.txt", "a%2", "a%zz", "中.txt",
]  # fmt: skip


@pytest.mark.parametrize("value", ALLOWED)
def test_links_inside_the_folder_pass(value: str) -> None:
    assert page.link_ok(value)


@pytest.mark.parametrize("value", REFUSED)
def test_links_leaving_the_folder_are_refused(value: str) -> None:
    assert not page.link_ok(value)


def test_every_file_name_the_publisher_can_write_is_a_link_that_passes() -> None:
    """Stratum ids are percent-encoded in file names (§1); the page encodes the ``%`` again."""
    strata = ["S1", "A/B 1", "..", ".", "层 一", "100%", "a?b#c", "\\x", "~-._"]
    paths = [layout.stratum_file(s) for s in strata] + [layout.stratum_file("S", gz=True)]
    paths += [layout.addendum_file(1), layout.witness_key_file("ab" * 32), *layout.VERIFIER_FILES]
    for f in pages.file_list(paths):
        assert page.link_ok(f["href"]), f


def _links(raw: bytes) -> list[tuple[str, str, str]]:
    parser = page._Page()
    parser.feed(raw.decode("utf-8"))
    parser.close()
    return [
        (n.tag, k, v) for n in parser.root.walk() for k, v in n.attrs.items()
        if k in page._URL_ATTRS
    ]  # fmt: skip


def test_the_published_page_passes_and_links_only_inside(
    bundle: Path, office_key: dict[str, bytes]
) -> None:
    links = _links((bundle / layout.INDEX).read_bytes())
    hrefs = {v for _t, _k, v in links}
    assert {"verify.html", "#verify", "#files", "announcement.json"} <= hrefs
    assert all(page.link_ok(v) for v in hrefs), links
    paths = {v for v in hrefs if not v.startswith("#")}
    assert all((bundle / p).is_file() for p in paths), paths
    checks = {c.name: c for c in svc.verify_bundle(bundle, office_key, verify_bls=False).checks}
    assert checks["page"].ok and checks["page"].code == "verify.page_ok"


# (name, old, new, the link named in the check's params: (tag, attr, link))
FORGERIES = [
    ("https", BUTTON, '<a class="button" href="https://verify.example.org/verify.html">',
     ("a", "href", "https://verify.example.org/verify.html")),
    ("protocol-relative", BUTTON, '<a class="button" href="//verify.example.org/v.html">',
     ("a", "href", "//verify.example.org/v.html")),
    ("absolute", BUTTON, '<a class="button" href="/verify.html">', ("a", "href", "/verify.html")),
    ("parent", BUTTON, '<a class="button" href="../verify.html">',
     ("a", "href", "../verify.html")),
    ("encoded-parent", BUTTON, '<a class="button" href="%2e%2e/verify.html">',
     ("a", "href", "%2e%2e/verify.html")),
    ("backslashes", BUTTON, '<a class="button" href="\\\\verify.example.org\\v.html">',
     ("a", "href", "\\\\verify.example.org\\v.html")),
    ("key-in-fragment", BUTTON, f'<a class="button" href="verify.html#verify&amp;key={KEY}">',
     ("a", "href", f"verify.html#verify&key={KEY}")),
    ("key-in-query", BUTTON, f'<a class="button" href="verify.html?key={KEY}">',
     ("a", "href", f"verify.html?key={KEY}")),
    ("entity-scheme", BUTTON, '<a class="button" href="https&#58;//example.org/">',
     ("a", "href", "https://example.org/")),
    ("file-list", '<a href="announcement.json"', '<a href="https://example.org/announcement.json"',
     ("a", "href", "https://example.org/announcement.json")),
    ("ping", BUTTON, '<a class="button" href="verify.html" ping="https://example.org/seen">',
     ("a", "ping", "https://example.org/seen")),
    ("base", "</title>", '</title><base href="https://verify.example.org/">',
     ("base", "href", "https://verify.example.org/")),
    ("relative-base", "</title>", '</title><base href="population/">',
     ("base", "href", "population/")),
    ("form", "</main>", '<form action="verify.html"><input type="hidden" name="key" '
     f'value="{KEY}"><button>核验</button></form></main>', ("form", "action", "verify.html")),
    ("refresh", "</title>", '</title><meta http-equiv="refresh" content="0; url=https://e.org/">',
     ("meta", "content", "0; url=https://e.org/")),
    ("video", "</main>", '<video src="https://example.org/v.mp4"></video></main>',
     ("video", "src", "https://example.org/v.mp4")),
    ("body-background", "<body>", '<body background="https://example.org/seen.gif">',
     ("body", "background", "https://example.org/seen.gif")),
    ("long", BUTTON, '<a class="button" href="https://e.org/' + "x" * 300 + '">',
     ("a", "href", "https://e.org/" + "x" * 186 + "…")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "named"), [f[1:] for f in FORGERIES], ids=[f[0] for f in FORGERIES]
)
def test_a_link_leaving_the_bundle_fails_page_even_when_resigned(
    drawn: Drawn,
    bundle: Path,
    office_key: dict[str, bytes],
    tmp_path: Path,
    old: str,
    new: str,
    named: tuple[str, str, str],
) -> None:
    root = tmp_path / TASK_ID
    shutil.copytree(bundle, root)
    text = (root / layout.INDEX).read_text(encoding="utf-8")
    assert old in text, old
    (root / layout.INDEX).write_text(text.replace(old, new, 1), encoding="utf-8")
    resign(root, drawn)
    report = svc.verify_bundle(root, office_key, verify_bls=False)
    checks = {c.name: c for c in report.checks}
    assert checks["files"].ok and checks["files.signature"].ok  # the office's signature holds
    failure = report.first_failure
    assert failure is not None and (failure.name, failure.code) == ("page", "verify.page_link")
    assert failure.params == dict(zip(("tag", "attr", "link"), named, strict=True))
    assert [c.name for c in report.checks if c.status == "fail"] == ["page"]


def test_harmless_links_pass(
    drawn: Drawn, bundle: Path, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    """An anchor within the page and a link to another file of the folder stay allowed."""
    root = tmp_path / TASK_ID
    shutil.copytree(bundle, root)
    text = (root / layout.INDEX).read_text(encoding="utf-8")
    extra = '<p><a href="#summary">回到顶部</a> <a href="log/checkpoint.txt">检查点</a></p></main>'
    (root / layout.INDEX).write_text(text.replace("</main>", extra, 1), encoding="utf-8")
    resign(root, drawn)
    checks = {c.name: c for c in svc.verify_bundle(root, office_key, verify_bls=False).checks}
    assert checks["page"].ok, checks["page"]


@pytest.mark.parametrize("fmt", [layout.FORMAT_V1, layout.FORMAT_V2, layout.FORMAT_V3])
def test_older_formats_pages_pass_and_the_rule_holds_for_them_too(
    drawn: Drawn, bundle: Path, office_key: dict[str, bytes], tmp_path: Path, fmt: str
) -> None:
    """Every page randcheck ever wrote links only ``#…`` and its files by relative path (none
    before the file list; the file list, ``#files``, then ``verify.html`` and ``#verify``), so
    the rule applies to every format: an older bundle's page passes, a re-pointed one fails."""
    for button in (BUTTON, '<a class="button" href="https://verify.example.org/">'):
        root = tmp_path / f"{fmt.rsplit('/', 1)[1]}-{len(button)}" / TASK_ID
        shutil.copytree(bundle, root)
        removed = [layout.TAIL, layout.TAIL_INDEX] if fmt != layout.FORMAT_V3 else []
        for path in (*removed, *layout.VERIFIER_FILES):
            (root / path).unlink()
        if fmt == layout.FORMAT_V1:
            (root / layout.FORMAT_FILE).unlink()
        else:
            (root / layout.FORMAT_FILE).write_bytes(layout.format_document(fmt))
        text = (root / layout.INDEX).read_text(encoding="utf-8")
        (root / layout.INDEX).write_text(text.replace(BUTTON, button, 1), encoding="utf-8")
        resign(root, drawn)
        report = svc.verify_bundle(root, office_key, verify_bls=False)
        assert report.fmt == fmt
        checks = {c.name: c for c in report.checks}
        if button == BUTTON:
            assert not [c for c in report.checks if c.status == "fail"], report.first_failure
            assert checks["page"].code == "verify.page_ok"
        else:
            assert (checks["page"].status, checks["page"].code) == ("fail", "verify.page_link")
