"""``randcheck verifier-page --out FILE``: write the standalone browser verifier
(docs/VERIFIER.md).

The page is :func:`randcheck.verifier.page` with the script inlined: one file that checks any
bundle picked from disk, the same bytes for every copy of one randcheck version, so that its
SHA-256 (printed in README.md) tells a reader the copy they hold did not come altered from
the office whose draw they check.  It is written atomically; a file already at ``FILE`` is
replaced only when it is an earlier verifier page (of this version or another) or when the
caller forces it, so that a mistyped ``--out`` cannot destroy someone's document.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from randcheck import __version__, verifier
from randcheck.errors import CannotRunError
from randcheck.io.atomic import atomic_write

#: how much of an existing file is read to tell whether it is a verifier page
SNIFF = 64 * 1024
#: the mark every standalone page carries near its start: the script's opening comment
_MARK = re.compile(rb"<script>\s*/\* randcheck [^\s*]+ browser verifier \(docs/VERIFIER\.md\)")


@dataclass(frozen=True)
class Written:
    path: Path
    sha256: str
    size: int
    version: str
    #: what was at ``path`` before: None (nothing), "verifier" (an earlier verifier page,
    #: identical or not) or "other" (replaced because forced)
    replaced: str | None


def standalone() -> bytes:
    """The standalone page's bytes (deterministic per version)."""
    return verifier.page(standalone=True).encode("utf-8")


def is_verifier_page(head: bytes) -> bool:
    """Whether ``head`` (the first :data:`SNIFF` bytes of a file) is that of a standalone
    verifier page, of any version."""
    return head.lstrip().lower().startswith(b"<!doctype html") and _MARK.search(head) is not None


def _existing(path: Path) -> str | None:
    """None when nothing is at ``path``; "verifier" or "other" for what is there.  A symlink,
    a folder or an unreadable file is "other" (never followed, never guessed)."""
    if not os.path.lexists(path):
        return None
    if path.is_symlink() or not path.is_file():
        return "other"
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF)
    except OSError:
        return "other"
    return "verifier" if is_verifier_page(head) else "other"


def write(path: Path, *, force: bool = False) -> Written:
    """Write the standalone page at ``path`` atomically.  ``CannotRunError``
    (``verifierpage.exists``) when something other than a verifier page is there and not
    ``force``; a folder is never replaced (``verifierpage.is_folder``)."""
    if path.is_dir() and not path.is_symlink():
        raise CannotRunError("verifierpage.is_folder", path=str(path))
    found = _existing(path)
    if found == "other" and not force:
        raise CannotRunError("verifierpage.exists", path=str(path))
    data = standalone()
    atomic_write(path, data, 0o644)  # a symlink is replaced itself, never followed
    return Written(path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                   version=__version__, replaced=found)  # fmt: skip
