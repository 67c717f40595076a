"""Reading a built site back: its files, links and manifest."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
#: the one absolute URL the site holds: the Atom namespace name (an identifier, never fetched)
ATOM_NS = 'xmlns="http://www.w3.org/2005/Atom"'


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def stamps(root: Path) -> dict[str, tuple[int, int]]:
    """{path: (inode, mtime_ns)} of every file under ``root``."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(root).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return out


def links(root: Path) -> list[tuple[str, str]]:
    """(file, link) of every href/src in the site's HTML and XML files."""
    out = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".html", ".xml"):
            text = p.read_text(encoding="utf-8")
            out.extend((p.relative_to(root).as_posix(), m) for m in LINK.findall(text))
    return out


def resolve(root: Path, page: str, link: str) -> Path | None:
    """The file a relative link of ``page`` names (None for a same-page anchor)."""
    parts = urlsplit(link)
    if not parts.path:
        return None
    return (root / page).parent.joinpath(unquote(parts.path)).resolve()
