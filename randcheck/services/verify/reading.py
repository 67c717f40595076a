"""Reading a downloaded bundle with bounded memory: no file is read past what the signed
documents allow (docs/SPEC.md §14.3).

The folder is listed first (names and sizes only).  Small fixed-size files and the signed
documents are read under fixed caps; the announcement and the record then bound everything
else: a population file cannot be longer than ``count × 65`` bytes (a code is at most 64
bytes plus its newline), the results files and pages grow with the number of targets, the
roster with the pool and the inspectors.  A file over its bound is never read: the check that
needs it fails with ``verify.file_too_big`` and names the file, its size and the bound.
Files that are not part of a bundle's layout are never read at all (``verify.html`` and
``verify.js`` are part of it from format v4 on, read under fixed caps).  The log tail
(``log/tail.jsonl``, format v3) is never held whole: :meth:`BundleFiles.lines` reads it one
line at a time within its bounds, hashing it as it goes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from randcheck.bundle import layout
from randcheck.bundle import results as rbundle
from randcheck.core.checks import Check
from randcheck.errors import CannotRunError, InputError, NotFoundError

KIB = 1024
MIB = 1024 * KIB
MAX_FILES = 100_000  # more entries than this in the folder: not a bundle
JSON_DEPTH = 32  # deeper than any document of a bundle
CODE_LINE = 65  # the longest population-file line: a 64-byte code and its newline
ROW = 4 * KIB  # one target's row in results.csv, or its rows on the page
XLSX_EXPANSION = 20  # the unpacked XML of results.xlsx may be this many times results.csv

#: caps that do not depend on the signed documents
FIXED = {
    layout.FORMAT_FILE: KIB,
    layout.SUMS_SIG: KIB,
    layout.CHECKPOINT: 64 * KIB,
    layout.OPERATOR_KEY: 64 * KIB,
    layout.ANNOUNCEMENT: 16 * MIB,
    layout.TAIL_INDEX: 16 * KIB,  # two numbers and at most 64 hashes
    # format v4 only (layout.has_verifier): the browser verifier, read only to be hashed;
    # their bytes count in the budget, which grows by VERIFIER_BYTES for them
    layout.VERIFY_HTML: 4 * MIB,
    layout.VERIFY_JS: 4 * MIB,
}
VERIFIER_BYTES = sum(FIXED[p] for p in layout.VERIFIER_FILES)
ADDENDUM = 256 * KIB
ENTRY = MIB
PROOF = 64 * KIB
RESULT_ROW = 4 * KIB  # one entry of a results document, a correction's reason included
VOCABULARY = MIB
SUM_LINE = 64 + 2 + 4 * KIB + 1  # hash, two spaces, a path, newline
#: the log tail (format v3): read line by line, never whole; its bytes count in the budget,
#: which grows by TAIL_BYTES for it
TAIL_LINE = ENTRY  # one entry line, without its newline
TAIL_LINES = 100_000
TAIL_BYTES = 256 * MIB


def tail_refusal(lines: Sequence[bytes]) -> tuple[str, dict[str, Any]] | None:
    """Why :meth:`BundleFiles.lines` would refuse a log tail of these lines (each without its
    newline), as (catalog code, params); None when it is within the bounds.  ``publish``
    asks this before it signs anything, so it never writes a bundle verify refuses."""
    if len(lines) > TAIL_LINES:
        return "verify.tail_too_many", {"file": layout.TAIL, "limit": TAIL_LINES}
    total = 0
    for number, line in enumerate(lines, start=1):
        if len(line) > TAIL_LINE:
            return "verify.tail_line_too_long", {"file": layout.TAIL, "line": number,
                                                 "limit": TAIL_LINE}  # fmt: skip
        total += len(line) + 1
    if total > TAIL_BYTES:
        return "verify.file_too_big", {"file": layout.TAIL, "size": total, "limit": TAIL_BYTES}
    return None


class BundleFiles(Mapping[str, bytes]):
    """The files of one bundle folder, read on demand and only within their bounds.

    As a mapping it holds the files read so far; ``present`` lists every regular file with its
    size (symlinks as -1, never followed), ``oversize`` the files refused for their size.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.present: dict[str, int] = {}
        self.oversize: dict[str, tuple[int, int]] = {}
        self._data: dict[str, bytes] = {}
        #: SHA-256 (hex) of the files read line by line (:meth:`lines`), once read to the end
        self.digests: dict[str, str] = {}
        #: bytes that may still be read in all: set by :func:`read` from the signed documents,
        #: so that many files each within its own bound cannot add up to too much
        self.budget = FIXED[layout.ANNOUNCEMENT]
        self._walk()

    # Mapping
    def __getitem__(self, path: str) -> bytes:
        return self._data[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def _walk(self) -> None:
        try:
            for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
                base = Path(dirpath)
                for name in dirnames + filenames:
                    path = base / name
                    st = path.lstat()
                    rel = path.relative_to(self.root).as_posix()
                    if stat.S_ISLNK(st.st_mode):
                        self.present[rel] = -1
                    elif stat.S_ISREG(st.st_mode):
                        self.present[rel] = st.st_size
                    if len(self.present) > MAX_FILES:
                        raise CannotRunError("verify.too_many_files", path=str(self.root),
                                             limit=MAX_FILES)  # fmt: skip
        except OSError as exc:
            raise CannotRunError(
                "io.cannot_read", path=str(getattr(exc, "filename", self.root)),
                reason=exc.strerror or "",
            ) from exc  # fmt: skip

    def load(self, path: str, limit: int) -> bytes | None:
        """The file's bytes when it exists, is a regular file and is at most ``limit`` bytes;
        None otherwise (``oversize`` then says why)."""
        if path in self._data:
            return self._data[path]
        size = self.present.get(path)
        if size is None or size < 0:
            return None
        limit = min(limit, self.budget)
        if size > limit:
            self.oversize[path] = (size, limit)
            return None
        with self._open(path) as fh:
            # in pieces: a forged count can make ``limit`` huge, and read(limit + 1) would ask
            # for that much memory at once (MemoryError, or OverflowError past 2^63)
            parts: list[bytes] = []
            got = 0
            while got <= limit and (piece := fh.read(min(limit + 1 - got, MIB))):
                parts.append(piece)
                got += len(piece)
            data = b"".join(parts)
        if len(data) > limit:  # grew since it was listed
            self.oversize[path] = (len(data), limit)
            return None
        self._data[path] = data
        self.budget -= len(data)
        return data

    def lines(self, path: str) -> Iterator[bytes]:
        """The log tail's lines, without their newlines, one at a time: at most
        :data:`TAIL_LINES` lines of at most :data:`TAIL_LINE` bytes, :data:`TAIL_BYTES` (and
        the remaining budget) in all.  Raises ``InputError`` (``verify.missing_file``,
        ``verify.file_too_big``, ``verify.tail_line_too_long``, ``verify.tail_too_many``,
        ``verify.tail_torn``) on the first line past a bound, before reading further.  Once
        read to the end, the file's SHA-256 is in :attr:`digests` and its size is charged."""
        size = self.present.get(path)
        if size is None or size < 0:
            raise InputError("verify.missing_file", file=path)
        limit = min(TAIL_BYTES, self.budget)
        if size > limit:
            self.oversize[path] = (size, limit)
            raise InputError("verify.file_too_big", file=path, size=size, limit=limit)
        digest = hashlib.sha256()
        total = count = 0
        with self._open(path) as fh:
            while line := fh.readline(TAIL_LINE + 1):
                total += len(line)
                count += 1
                if total > limit:  # grew since it was listed
                    self.oversize[path] = (total, limit)
                    raise InputError("verify.file_too_big", file=path, size=total,
                                     limit=limit)  # fmt: skip
                if count > TAIL_LINES:
                    raise InputError("verify.tail_too_many", file=path, limit=TAIL_LINES)
                if not line.endswith(b"\n"):
                    long = len(line) > TAIL_LINE
                    code = "verify.tail_line_too_long" if long else "verify.tail_torn"
                    raise InputError(code, file=path, line=count, limit=TAIL_LINE)
                digest.update(line)
                yield line[:-1]
        self._hashed(path, total, digest.hexdigest())

    def sha256(self, path: str) -> str | None:
        """The file's SHA-256 (hex) if it was read (the log tail: read to the end, reading it
        now if need be); None when it was not, or could not be, read."""
        if path in self._data:
            return hashlib.sha256(self._data[path]).hexdigest()
        if path == layout.TAIL and path not in self.digests:
            try:
                for _line in self.lines(path):
                    pass
            except InputError as exc:
                if exc.code != "verify.file_too_big":  # a bad line: still hash the bytes
                    self._hash_within(path, min(TAIL_BYTES, self.budget))
        return self.digests.get(path)

    def _hash_within(self, path: str, limit: int) -> None:
        digest = hashlib.sha256()
        total = 0
        with self._open(path) as fh:
            while chunk := fh.read(MIB):
                total += len(chunk)
                if total > limit:
                    self.oversize[path] = (total, limit)
                    return
                digest.update(chunk)
        self._hashed(path, total, digest.hexdigest())

    @contextlib.contextmanager
    def _open(self, path: str) -> Iterator[BinaryIO]:
        """The bundle file ``path`` open for reading; an ``OSError`` becomes ``CannotRunError``
        (``io.cannot_read``)."""
        try:
            with open(self.root.joinpath(*path.split("/")), "rb") as fh:
                yield fh
        except OSError as exc:
            raise CannotRunError(
                "io.cannot_read", path=str(self.root / path), reason=exc.strerror or ""
            ) from exc

    def _hashed(self, path: str, total: int, sha256: str) -> None:
        """``path`` was read to the end: charge its ``total`` bytes, keep its SHA-256 (hex)."""
        self.budget -= total
        self.digests[path] = sha256

    def absent(self, name: str, path: str) -> Check:
        """The failed check ``name`` for a file that is missing, or was refused for its size."""
        if path in self.oversize:
            size, limit = self.oversize[path]
            return Check.failed(name, "verify.file_too_big", file=path, size=size, limit=limit)
        return Check.failed(name, "verify.missing_file", file=path)


def bundle_root(path: Path) -> Path:
    """The bundle folder for ``path`` (a folder, or a ``record.json`` inside one)."""
    if not path.exists():
        raise NotFoundError("verify.no_path", path=str(path))
    root = path.parent if path.is_file() else path
    if not (root / layout.RECORD).is_file():
        raise CannotRunError("verify.not_bundle", path=str(path))
    return root


#: the largest count a bound is computed from: canonical JSON's integers (§1) stop there, and
#: the browser verifier's numbers too, so that both compute the same bounds from a forgery
_COUNT_MAX = 2**53 - 1


def _count(value: Any) -> int:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _COUNT_MAX
    return value if ok else 0


def _format(files: BundleFiles) -> str:
    """The format ``bundle.json`` names; an unreadable one: the newest (``format`` fails, and
    the rest is read as ``files.format_check`` says it is checked)."""
    if layout.FORMAT_FILE in files.oversize:
        return layout.FORMAT
    try:
        return layout.read_format(files.get(layout.FORMAT_FILE))
    except InputError:
        return layout.FORMAT


def read(files: BundleFiles, ann: Mapping[str, Any] | None) -> None:
    """Read every file of the layout within the bounds that ``ann`` (the announcement's body,
    parsed but not yet verified; None when unreadable) allows.  A forged announcement can
    raise a bound only as far as the counts it states, which the replay then checks against
    the files themselves; the announcement's own size is capped."""
    for path, cap in FIXED.items():
        if path not in layout.VERIFIER_FILES:
            files.load(path, cap)
    ann = ann or {}
    strata = [s for s in ann.get("strata", []) if isinstance(s, Mapping)]
    pool = sum(_count(s.get("count")) for s in strata)
    drawn = sum(_count(s.get("sample_size")) + _count(s.get("reserve_size")) for s in strata)
    roster = ann.get("roster", {})
    inspectors = _count(roster.get("inspectors")) if isinstance(roster, Mapping) else 0
    rules = ann.get("teams", {})
    members = (
        _count(rules.get("min_inspectors")) + _count(rules.get("experts"))
        if isinstance(rules, Mapping)
        else 0
    )
    addenda = sorted(p for p in files.present if layout.is_addendum_file(p))
    rows = drawn + len(addenda) + 1
    record = 64 * KIB + drawn * (KIB + members * 256)
    roster_cap = MIB + inspectors * 2 * KIB + pool * 8 * 100
    # all the files but the population files together: the documents' own bounds, the
    # public files', and room for the log entries and addenda a redraw or substitutions bring
    inspectors_cap = 64 * KIB + inspectors * 2 * KIB
    # results (RESULTS-SPEC §5): each target × item is published once plus its corrections;
    # a document holds at most every row of the task, a row at most RESULT_ROW bytes
    task = ann.get("task", {})
    items = task.get("items", []) if isinstance(task, Mapping) else []
    result_rows = rows * max(len(items) if isinstance(items, list) else 1, 1)
    result_docs = [p for p in files.present if rbundle.doc_seq(p) is not None]
    page = MIB + (drawn + rows + (result_rows if result_docs else 0)) * ROW
    files.budget = (
        record + roster_cap + 2 * inspectors_cap + 4 * page + (drawn + 1) * 2 * ADDENDUM
        + 16 * MIB
    )  # fmt: skip
    files.load(layout.RECORD, record)
    files.load(layout.ROSTER, roster_cap)
    files.load(layout.INSPECTORS, inspectors_cap)
    files.load(layout.INDEX, page)
    files.load(layout.NOTICE, MIB + 64 * KIB * len(strata))
    files.load(layout.RESULTS_CSV, 64 * KIB + rows * ROW)
    files.load(layout.RESULTS_XLSX, 2 * (64 * KIB + rows * ROW))
    for path in addenda:
        files.load(path, ADDENDUM)
    doc_cap = 64 * KIB + result_rows * RESULT_ROW
    files.budget += len(result_docs) * doc_cap + 2 * (64 * KIB + result_rows * ROW)
    for path in sorted(result_docs):
        files.load(path, doc_cap)
    # each document names one vocabulary: no more vocabularies than documents are read (the
    # rest stay unread, and the files check then names them)
    vocabularies = sorted(p for p in files.present if rbundle.is_vocabulary_file(p))
    for path in vocabularies[: len(result_docs)]:
        files.budget += VOCABULARY
        files.load(path, VOCABULARY)
    files.load(rbundle.TABLE_CSV, 64 * KIB + result_rows * ROW)
    files.load(rbundle.TABLE_XLSX, 2 * (64 * KIB + result_rows * ROW))
    if layout.has_verifier(_format(files)):  # older formats: foreign files, never read
        files.budget += VERIFIER_BYTES
        for path in layout.VERIFIER_FILES:
            files.load(path, FIXED[path])
    if layout.TAIL in files.present:
        files.budget += TAIL_BYTES  # read later, line by line (BundleFiles.lines)
    for path in sorted(files.present):
        if layout.entry_seq(path) is not None:
            files.load(path, ENTRY)
        elif path.startswith("log/") and path.endswith(".tlog-proof"):
            files.load(path, PROOF)
    files.budget += sum(_count(s.get("count")) for s in strata) * CODE_LINE
    for s in strata:
        sid = s.get("id")
        if isinstance(sid, str):
            cap = _count(s.get("count")) * CODE_LINE
            files.load(layout.stratum_file(sid), cap)
            files.load(layout.stratum_file(sid, gz=True), cap)
    files.load(layout.SUMS, (len(files.present) + 1) * SUM_LINE)


def gunzip(data: bytes, limit: int) -> bytes:
    """Decompress a gzip member, refusing (``ValueError``) output longer than ``limit`` and
    data that is not one intact gzip member (a bad header or CRC is zlib's own error, turned
    into ``ValueError`` here so that the population check fails instead of verify crashing)."""
    import zlib

    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
        if len(out) > limit or d.unconsumed_tail:
            raise ValueError("too big")
        out += d.flush()
    except zlib.error as exc:
        raise ValueError(f"not a gzip member: {exc}") from exc
    if len(out) > limit or not d.eof or d.unused_data:
        raise ValueError("not one gzip member")
    return out


def xlsx_within(data: bytes, limit: int) -> bool:
    """Whether the workbook's parts unpack to at most ``limit`` bytes in all (a zip bomb is
    refused before openpyxl opens it)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return sum(i.file_size for i in z.infolist()) <= limit
    except (zipfile.BadZipFile, OSError, ValueError):
        return True  # not a zip: the reader says so
