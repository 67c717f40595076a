"""``page``: index.html shows what the signed documents say, and nothing can hide or rewrite it.

The page is parsed as HTML (no browser): it may hold no script, external resource, ``style``
or ``hidden`` attribute, event handler, or stylesheet rule that can hide or rewrite text; its
links stay in the bundle's folder (a relative path without query or fragment, or ``#…`` on
the page), so nobody can re-point its 在浏览器中核验 button to another verifier or hand that
verifier a key; the
rows the template marks (``data-*`` attributes and ``data-f`` cells) must show exactly the
record's draw, the current targets and teams in results.csv order, and the addenda.
User-supplied text sits in ``<bdi>`` elements (bundle format v2), which isolate its direction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from randcheck.bundle import layout, marks
from randcheck.core.checks import Check
from randcheck.core.draw.envelope import Envelope
from randcheck.services.verify.reading import BundleFiles
from randcheck.services.verify.tables import Expected

_CSS_BANNED = re.compile(
    r"content|:before|:after|url\(|@import|display:none|visibility|opacity|font-size:0|"
    r"transparent|position|clip|text-indent|expression"
)
_ACTIVE = frozenset({"script", "iframe", "object", "embed", "link", "img", "svg", "template"})
#: attributes whose value is a URL (HTML, its obsolete forms, and SVG/MathML's ``xlink:href``)
_URL_ATTRS = frozenset({
    "href", "src", "srcset", "imagesrcset", "action", "formaction", "poster", "background",
    "cite", "data", "ping", "manifest", "longdesc", "lowsrc", "dynsrc", "codebase", "archive",
    "classid", "profile", "icon", "usemap", "xlink:href",
})  # fmt: skip
#: a relative path: segments of unreserved characters and %HH, joined by single ``/``
_LINK_PATH = re.compile(
    r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+(?:/(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+)*"
)
#: a segment once percent-decoded: the characters of the bundle's file names (SPEC §1, §14)
_LINK_NAME = re.compile(r"[A-Za-z0-9._~%-]+")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_LINK_SHOWN = 200  # code points of a refused link named in the check's params
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class _Node:
    """An element of the parsed page: tag, attributes (first wins) and children."""

    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def own(self) -> str:
        """Own text, with the text of ``<bdi>`` children (isolated user text) but not of
        other elements (tags and marks)."""
        return "".join(
            c if isinstance(c, str) else c.text() for c in self.children
            if isinstance(c, str) or c.tag == "bdi"
        )  # fmt: skip

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def walk(self) -> list[_Node]:
        out: list[_Node] = []
        for c in self.children:
            if isinstance(c, _Node):
                out.append(c)
                out.extend(c.walk())
        return out

    def marked(self, name: str) -> _Node | None:
        """The first descendant marked ``data-f="name"``."""
        return next((n for n in self.walk() if n.attrs.get("data-f") == name), None)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {})
        for k, v in attrs:
            node.attrs.setdefault(k, v or "")
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {})
        for k, v in attrs:
            node.attrs.setdefault(k, v or "")
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _rows(table: _Node) -> list[_Node]:
    """The table's rows that are not heading rows (a heading row has th cells only)."""
    out = []
    for tr in (n for n in table.walk() if n.tag == "tr"):
        cells = [c for c in tr.children if isinstance(c, _Node) and c.tag in ("td", "th")]
        if cells and all(c.tag == "th" for c in cells):
            continue
        out.append(tr)
    return out


def _cell(row: _Node, name: str, own: bool = False) -> str | None:
    node = row.marked(name)
    if node is None:
        return None
    return node.own() if own else node.text()


_Problem = tuple[str, dict[str, Any]]


def _at(table: str, row: int, entity: str) -> _Problem:
    return "verify.page_row", {"table": table, "row": row, "entity": entity}


def _page_style(nodes: list[_Node]) -> _Problem | None:
    """Nothing on the page may run, load, hide or rewrite the text the checks read."""
    for n in nodes:
        if n.tag in _ACTIVE or "style" in n.attrs or "hidden" in n.attrs:
            return "verify.page_active", {"tag": n.tag}
        if any(k.startswith("on") for k in n.attrs):
            return "verify.page_active", {"tag": n.tag}
        if n.tag == "style" and _CSS_BANNED.search(re.sub(r"\s+", "", n.text().lower())):
            return "verify.page_active", {"tag": "style"}
    return None


def link_ok(value: str) -> bool:
    """Whether ``value`` (an attribute's URL) stays in the bundle's folder: ``#…`` (a place on
    the page itself), or a relative path whose segments, percent-decoded, are file names of
    the bundle's characters and none ``.`` or ``..`` — so no scheme, ``//``, leading ``/``,
    ``\\``, ``..``, query or fragment (``verify.html#key=…``: the reader gives the key)."""
    if value.startswith("#"):
        return True
    if _LINK_PATH.fullmatch(value) is None:
        return False
    for segment in value.split("/"):
        name = _PERCENT.sub(lambda m: chr(int(m.group(1), 16)), segment)
        if _LINK_NAME.fullmatch(name) is None or name in (".", ".."):
            return False
    return True


def _link(tag: str, attr: str, value: str) -> _Problem:
    shown = value if len(value) <= _LINK_SHOWN else value[:_LINK_SHOWN] + "…"
    return "verify.page_link", {"tag": tag, "attr": attr, "link": shown}


def _page_links(nodes: list[_Node]) -> _Problem | None:
    """Every link stays in the bundle's folder; nothing re-points links (``<base>``), sends
    the reader on with a query (``<form>``) or refreshes elsewhere (``<meta http-equiv>``)."""
    for n in nodes:
        if n.tag == "base":
            return _link("base", "href", n.attrs.get("href", ""))
        if n.tag == "form":
            return _link("form", "action", n.attrs.get("action", ""))
        if n.tag == "meta" and "http-equiv" in n.attrs:
            return _link("meta", "content", n.attrs.get("content", ""))
        for k, v in n.attrs.items():
            if k in _URL_ATTRS and not link_ok(v):
                return _link(n.tag, k, v)
    return None


def _page_summary(nodes: list[_Node], exp: Expected, digest: str) -> _Problem | None:
    digests = [n.text() for n in nodes if n.attrs.get("data-f") == "record-digest"]
    codes = [n.text() for n in nodes if "code" in n.classes()]
    if not digests or any(d != digest for d in digests):
        return "verify.page_digest", {}
    if not codes or any(c != layout.short_code(digest) for c in codes):
        return "verify.page_code", {"code": layout.short_code(digest)}
    counts = [n.text() for n in nodes if n.attrs.get("data-f") == "target-count"]
    if counts != [marks.TARGET_COUNT.format(n=len(exp.rows))]:
        return "verify.page_count", {"count": len(exp.rows)}
    return None


def _tables(nodes: list[_Node], cls: str) -> list[_Node]:
    return [n for n in nodes if n.tag == "table" and cls in n.classes()]


def _page_draw(
    nodes: list[_Node],
    rec: Mapping[str, Any],
    adds: list[Mapping[str, Any]],
    saw: dict[str, set[str]],
) -> _Problem | None:
    """Section 五: per stratum, every drawn code with rank, batch and replaced mark; reserves."""
    replaced = {a["target"]: a["seq"] for a in adds if a["action"] == "replace_target"}
    strata = [s for s in rec["strata"] if s["drawn"]]
    tables = _tables(nodes, "drawn")
    if [t.attrs.get("data-stratum") for t in tables] != [s["id"] for s in strata]:
        return "verify.page_tables", {"table": "drawn"}
    for table, s in zip(tables, strata, strict=True):
        rows = _rows(table)
        name = f"drawn {s['id']}"
        for i, d in enumerate(s["drawn"], start=1):
            if i > len(rows):
                return _at(name, i, d["code"])
            row = rows[i - 1]
            seq = replaced.get(d["code"])
            got = (
                row.attrs.get("data-code"), row.attrs.get("data-stratum"),
                row.attrs.get("data-batch"), _cell(row, "code"), _cell(row, "batch"),
                _cell(row, "rank"), _cell(row, "replaced"),
            )  # fmt: skip
            batch = str(d["batch"])
            tag = None if seq is None else marks.REPLACED.format(seq=seq)
            if got != (d["code"], s["id"], batch, d["code"], batch, str(i), tag):
                return _at(name, i, d["code"])
            saw.setdefault(d["code"], set()).add(_cell(row, "name", own=True) or "")
        if len(rows) != len(s["drawn"]):
            return "verify.page_rows", {"table": name, "expected": len(s["drawn"])}
    strata = [s for s in rec["strata"] if s["reserve"]]
    tables = _tables(nodes, "reserve")
    if [t.attrs.get("data-stratum") for t in tables] != [s["id"] for s in strata]:
        return "verify.page_tables", {"table": "reserve"}
    for table, s in zip(tables, strata, strict=True):
        rows = _rows(table)
        got_r = [(r.attrs.get("data-code"), _cell(r, "code"), _cell(r, "rank")) for r in rows]
        want_r = [(r["code"], r["code"], str(i)) for i, r in enumerate(s["reserve"], start=1)]
        if got_r != want_r:
            return "verify.page_rows", {"table": f"reserve {s['id']}", "expected": len(want_r)}
        for r in rows:
            saw.setdefault(r.attrs.get("data-code", ""), set()).add(_cell(r, "name") or "")
    return None


def _page_teams(nodes: list[_Node], exp: Expected, saw: dict[str, set[str]]) -> _Problem | None:
    """Section 六: the current targets after the addenda, in results.csv order, with teams."""
    tables = [n for n in nodes if n.tag == "table" and n.attrs.get("id") == "teams"]
    if len(tables) != 1:
        return "verify.page_tables", {"table": "teams"}
    rows = _rows(tables[0])
    for i, want in enumerate(exp.rows, start=1):
        if i > len(rows):
            return _at("teams", i, want["code"])
        row = rows[i - 1]
        batch = "" if want["batch"] is None else str(want["batch"])
        got = (
            row.attrs.get("data-code"), row.attrs.get("data-stratum"),
            row.attrs.get("data-batch"), row.attrs.get("data-badges"), _cell(row, "code"),
            _cell(row, "stratum"), _cell(row, "batch"), _cell(row, "members"),
            _cell(row, "replacement"),
        )  # fmt: skip
        members = marks.team_text(want["badges"], want["experts"], exp.inspectors)
        if got != (
            want["code"], want["stratum"], batch, marks.ATTR_SEPARATOR.join(want["badges"]),
            want["code"], want["stratum"], batch or marks.NO_BATCH, members,
            marks.REPLACEMENT if want["replaces"] is not None else None,
        ):  # fmt: skip
            return _at("teams", i, want["code"])
        saw.setdefault(want["code"], set()).add(_cell(row, "name", own=True) or "")
    if len(rows) != len(exp.rows):
        return "verify.page_rows", {"table": "teams", "expected": len(exp.rows)}
    return None


def _page_addenda(
    nodes: list[_Node], adds: list[Mapping[str, Any]], inspectors: Mapping[str, str]
) -> _Problem | None:
    """Section 七: each addendum's number, target, replacement, inspector and new team."""
    tables = [n for n in nodes if n.tag == "table" and n.attrs.get("id") == "addenda"]
    if len(tables) != (1 if adds else 0):
        return "verify.page_tables", {"table": "addenda"}
    rows = _rows(tables[0]) if tables else []
    if len(rows) != len(adds):
        return "verify.page_rows", {"table": "addenda", "expected": len(adds)}
    for row, a in zip(rows, adds, strict=True):
        new = (a["replacement"] or {}).get("code")
        badges = [str(m["id"]) for m in a["team"]]
        got = (
            row.attrs.get("data-seq"), _cell(row, "seq"), row.attrs.get("data-target"),
            row.attrs.get("data-replacement"), row.attrs.get("data-inspector"),
            row.attrs.get("data-badges"), _cell(row, "team"),
        )  # fmt: skip
        want = (
            str(a["seq"]), str(a["seq"]), a["target"], new or "", a["inspector"] or "",
            marks.ATTR_SEPARATOR.join(badges), marks.addendum_team_text(badges, inspectors),
        )  # fmt: skip
        shown = [
            span.text()
            for cell in (row.marked("target"), row.marked("replacement"))
            if cell is not None
            for span in cell.walk()
            if "mono" in span.classes()
        ]
        codes = ([] if a["inspector"] else [a["target"]]) + ([new] if new else [])
        if got != want or shown != codes or a["target"] not in (_cell(row, "target") or ""):
            return _at("addenda", int(a["seq"]), a["target"])
    return None


def _page_problem(
    page: _Node,
    exp: Expected,
    rec: Mapping[str, Any],
    adds: list[Mapping[str, Any]],
    digest: str,
    csv_names: Mapping[str, str],
) -> _Problem | None:
    """The first way the page disagrees with the signed documents, or None."""
    nodes = page.walk()
    saw: dict[str, set[str]] = {c: {n} for c, n in csv_names.items()}
    problem = (
        _page_style(nodes)
        or _page_links(nodes)
        or _page_summary(nodes, exp, digest)
        or _page_draw(nodes, rec, adds, saw)
        or _page_teams(nodes, exp, saw)
        or _page_addenda(nodes, adds, exp.inspectors)
    )
    if problem is not None:
        return problem
    for code in sorted(saw):  # one name per code across the page and results.csv
        if len(saw[code]) > 1:
            return "verify.page_names", {"entity": code}
    return None


def page_check(
    files: BundleFiles,
    exp: Expected | Check,
    rec_env: Envelope | None,
    adds: tuple[Envelope | None, ...],
    csv_names: Mapping[str, str],
) -> Check:
    """index.html shows the record's targets, teams, digest and verification code."""
    raw = files.get(layout.INDEX)
    if raw is None:
        return files.absent("page", layout.INDEX)
    if isinstance(exp, Check) or rec_env is None:
        return Check.skipped("page")
    try:
        parser = _Page()
        parser.feed(raw.decode("utf-8"))
        parser.close()
    except UnicodeDecodeError:
        return Check.failed("page", "verify.page_unreadable", file=layout.INDEX)
    try:
        problem = _page_problem(
            parser.root,
            exp,
            rec_env.doc,
            [a.doc for a in adds if a is not None],
            rec_env.digest,
            csv_names,
        )
    except (KeyError, TypeError, ValueError):
        return Check.skipped("page")
    if problem is not None:
        return Check.failed("page", problem[0], **problem[1])
    return Check.passed("page", "verify.page_ok", targets=len(exp.rows))


def table_cells(files: BundleFiles, table_id: str) -> list[list[str]] | None:
    """The cell texts of the body rows of ``<table id=table_id>`` on index.html ([] when the
    page has no such table, None when the page cannot be read)."""
    raw = files.get(layout.INDEX)
    if raw is None:
        return None
    try:
        parser = _Page()
        parser.feed(raw.decode("utf-8"))
        parser.close()
    except UnicodeDecodeError:
        return None
    table = next(
        (n for n in parser.root.walk() if n.tag == "table" and n.attrs.get("id") == table_id),
        None,
    )
    if table is None:
        return []
    return [
        [c.text() for c in tr.children if isinstance(c, _Node) and c.tag == "td"]
        for tr in _rows(table)
    ]
