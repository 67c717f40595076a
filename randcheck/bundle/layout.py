"""The bundle's file names, its format version and the ``SHA256SUMS`` rules (SPEC §14)."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from randcheck.core.canonical import canonical, parse
from randcheck.core.draw.spec import lp, tag
from randcheck.errors import CannotRunError, InputError

# -- format versions ---------------------------------------------------------------------------

#: bundles written before ``bundle.json`` existed: cells are written raw
FORMAT_V1 = "randcheck/bundle/v1"
#: inert cells in results.csv/xlsx (§14.1), user text isolated on the page, and the log
#: entries of every revealed attempt a redraw answers for
FORMAT_V2 = "randcheck/bundle/v2"
#: adds the log tail (``log/tail.jsonl``, ``log/tail.json``): every log entry from the
#: announcement's to the checkpoint's size, so that ``verify`` can prove nothing of the task
#: (a later record, an addendum, a results document) was left out
FORMAT_V3 = "randcheck/bundle/v3"
#: adds the browser verifier (``verify.html`` and its script ``verify.js``, docs/VERIFIER.md):
#: display files like the pages, hashed by ``files`` and compared by no other check; v4's
#: rules are v3's
FORMAT_V4 = "randcheck/bundle/v4"
FORMAT = FORMAT_V4  # what ``randcheck publish`` writes
FORMATS = (FORMAT_V1, FORMAT_V2, FORMAT_V3, FORMAT_V4)

# -- file names ----------------------------------------------------------------------------

FORMAT_FILE = "bundle.json"
ANNOUNCEMENT = "announcement.json"
RECORD = "record.json"
ROSTER = "roster.json"
INSPECTORS = "inspectors.json"
INDEX = "index.html"
NOTICE = "notice.html"
RESULTS_CSV = "results.csv"
RESULTS_XLSX = "results.xlsx"
OPERATOR_KEY = "keys/operator.pub"
CHECKPOINT = "log/checkpoint.txt"
#: format v3: the lines of the office's ``audit_logs/log.jsonl`` for seq a … n−1, byte for byte
TAIL = "log/tail.jsonl"
#: format v3: JCS ``{"from": a, "prefix": [hex…], "size": n}`` + newline
TAIL_INDEX = "log/tail.json"
SUMS = "SHA256SUMS"
#: format v4: the browser verifier's page and its script (``randcheck.verifier``)
VERIFY_HTML = "verify.html"
VERIFY_JS = "verify.js"
VERIFIER_FILES = (VERIFY_HTML, VERIFY_JS)
SUMS_SIG = "SHA256SUMS.sig"
#: randcheck/draw/v2 records only (docs/SPEC-v2.md §7): the entropy commitment envelope, its
#: RFC 3161 timestamp token (DER) if any, and the co-signing witnesses' public keys
COMMITMENT = "commitment.json"
COMMITMENT_TOKEN = "commitment.tsr"


def has_verifier(fmt: str) -> bool:
    """Whether :data:`VERIFIER_FILES` are files of the layout in format ``fmt`` (v4 on); in
    older formats they are foreign files, never read."""
    return fmt not in (FORMAT_V1, FORMAT_V2, FORMAT_V3)


def witness_key_file(keyid: str) -> str:
    """``keys/witnesses/<key id>.pub`` (the public-key text form, like keys/operator.pub)."""
    return f"keys/witnesses/{keyid}.pub"


GZIP_OVER = 1024 * 1024  # population files larger than this are published gzipped
PUBLIC_INSPECTOR_FIELDS = ("badge_no", "name", "unit", "department", "issuer")

_ADDENDUM = re.compile(r"^addenda/([0-9]{4})\.json$")
_ENTRY = re.compile(r"^log/entries/(0|[1-9][0-9]{0,18})\.json$")
_HEX32 = re.compile(r"^[0-9a-f]{64}$")
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S(?:.*\S)?)$")


def folder_name(task_id: str) -> str:
    """The bundle folder name of a task: its id, percent-encoded if not a plain file name."""
    name = quote(task_id, safe="")
    if name in ("", ".", "..") or len(name.encode()) > 200:
        raise CannotRunError("publish.bad_folder_name", task=task_id)
    return name


def stratum_file(stratum: str, gz: bool = False) -> str:
    """``population/<stratum>.txt`` (``.txt.gz`` when compressed), stratum id percent-encoded."""
    return f"population/{quote(stratum, safe='')}.txt" + (".gz" if gz else "")


def addendum_file(seq: int) -> str:
    return f"addenda/{seq:04d}.json"


def is_addendum_file(path: str) -> bool:
    return _ADDENDUM.match(path) is not None


def entry_file(seq: int) -> str:
    """``log/entries/<seq>.json``: one audit-log entry line (canonical JSON + newline)."""
    return f"log/entries/{seq}.json"


def entry_seq(path: str) -> int | None:
    """The ``seq`` of an entry file's path, or None when ``path`` is not one."""
    m = _ENTRY.match(path)
    return int(m.group(1)) if m else None


def proof_file(seq: int) -> str:
    return f"log/{seq}.tlog-proof"


def short_code(digest: str) -> str:
    """The verification code read aloud and printed on the page: ``XXXX-XXXX-XXXX``."""
    d = digest.upper()
    return f"{d[0:4]}-{d[4:8]}-{d[8:12]}"


def deterministic_gzip(data: bytes) -> bytes:
    """gzip with mtime 0 and no file name, so the same input always gives the same bytes."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as fh:
        fh.write(data)
    return buf.getvalue()


# -- bundle.json -------------------------------------------------------------------------------


def format_document(fmt: str = FORMAT) -> bytes:
    """The bytes of ``bundle.json``: ``{"format":"randcheck/bundle/v4"}`` + newline."""
    return canonical({"format": fmt}) + b"\n"


def read_format(data: bytes | None) -> str:
    """The bundle's format from its ``bundle.json`` (absent: v1).  ``InputError`` when the
    file is not exactly a format document of a known version."""
    if data is None:
        return FORMAT_V1
    try:
        doc = parse(data[:-1] if data.endswith(b"\n") else b"")
    except InputError:
        doc = None
    if not isinstance(doc, dict) or set(doc) != {"format"} or doc["format"] not in FORMATS[1:]:
        raise InputError("verify.format_unknown", file=FORMAT_FILE)
    if format_document(str(doc["format"])) != data:
        raise InputError("verify.format_unknown", file=FORMAT_FILE)
    return str(doc["format"])


# -- the log tail (format v3) -----------------------------------------------------------------


def tail_index(start: int, size: int, prefix: Sequence[bytes]) -> bytes:
    """The bytes of ``log/tail.json``: the tail's first seq, the checkpoint's size and the
    prefix nodes of [0, start) (RFC 6962 subtree hashes, lowercase hex, left to right)."""
    return canonical({"from": start, "size": size, "prefix": [h.hex() for h in prefix]}) + b"\n"


def read_tail_index(data: bytes) -> tuple[int, int, list[bytes]]:
    """(from, size, prefix nodes) of a ``log/tail.json``.  ``InputError("verify.tail_index_bad")``
    unless it is exactly such a document with ``from <= size`` and popcount(from) nodes."""
    bad = InputError("verify.tail_index_bad", file=TAIL_INDEX)
    try:
        doc = parse(data[:-1] if data.endswith(b"\n") else b"")
    except InputError:
        raise bad from None
    if not isinstance(doc, dict) or set(doc) != {"from", "size", "prefix"}:
        raise bad
    start, size, prefix = doc["from"], doc["size"], doc["prefix"]
    if not (
        isinstance(start, int) and isinstance(size, int)
        and not isinstance(start, bool) and not isinstance(size, bool)
        and 0 <= start <= size
        and isinstance(prefix, list) and len(prefix) == start.bit_count()
        and all(isinstance(h, str) and _HEX32.match(h) for h in prefix)
    ):  # fmt: skip
        raise bad
    nodes = [bytes.fromhex(h) for h in prefix]
    if tail_index(start, size, nodes) != data:
        raise bad
    return start, size, nodes


# -- SHA256SUMS --------------------------------------------------------------------------------


def sums_text(files: Mapping[str, bytes]) -> bytes:
    """``sha256sum`` format over ``files``, sorted by path (UTF-8 byte order)."""
    rows = sorted(files, key=lambda p: p.encode("utf-8"))
    return "".join(f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n" for p in rows).encode("utf-8")


def parse_sums(raw: bytes) -> dict[str, str]:
    """{path: hex digest} from ``SHA256SUMS``; ``InputError("verify.sums_malformed", line=n)``
    on the first line that is not ``<64 hex>  <relative path>``, a repeated path, or a path
    that leaves the bundle."""
    try:
        lines = raw.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        raise InputError("verify.sums_malformed", line=1) from None
    if lines[-1] != "":
        raise InputError("verify.sums_malformed", line=len(lines))
    listed: dict[str, str] = {}
    for n, line in enumerate(lines[:-1], start=1):
        m = _SUM_LINE.match(line)
        if not m:
            raise InputError("verify.sums_malformed", line=n)
        path = m.group(2)
        if path.startswith("/") or ".." in path.split("/") or path in listed:
            raise InputError("verify.sums_malformed", line=n)
        listed[path] = m.group(1)
    return listed


def sums_signing_input(sums: bytes) -> bytes:
    """What ``SHA256SUMS.sig`` signs: ``tag("bundle-sums") || lp(SHA256SUMS bytes)``."""
    return tag("bundle-sums") + lp(sums)


def site_sums_signing_input(sums: bytes) -> bytes:
    """What the site's ``SHA256SUMS.sig`` signs: ``tag("site-sums") || lp(SHA256SUMS bytes)``
    — its own domain tag, so a site manifest's signature is never one over a bundle's."""
    return tag("site-sums") + lp(sums)
