"""Stream rows from registry files: CSV (UTF-8, UTF-8 BOM, GBK/GB18030; comma or tab), XLSX,
JSON (an array of objects) and JSON Lines.

``read_rows`` yields one ``SourceRow`` per data row: the values under *field names* (headers
are mapped through an alias table plus ``--map col=field``), all as ``str``, and any problems
found while reading that row (a formula cell, a field over ``MAX_FIELD_CHARS``, a character
that text may not hold).  Problems with the file as a whole (wrong encoding, not the format its
extension says, no data rows, a missing required column, JSON nested deeper than
``MAX_DEPTH``) raise ``InputError`` at once.

The header of a CSV or XLSX is the first row within the first ``HEADER_SCAN`` that names every
required column: title rows and blank rows above it (as office exports have them) are skipped
and listed in ``skipped_rows``; row numbers stay the sheet's own.  When no row qualifies, the
missing columns are reported against the row most like a header, by the header a user would
write (the field's first Chinese synonym) with every accepted synonym.  Source columns that
match no field are ``unknown_columns``; those the registry recognises and does not store
(``ignored``: addresses, phone and ID-card numbers …) are ``ignored_columns``; row-number
columns (``silent``: 序号) are neither.  Values of unmapped columns are never read into a row.

Clean text at the door (``randcheck.core.text``): every value of every row is first given back
its spreadsheet form (CSV and XLSX only: a leading ``'`` that ``randcheck.bundle.table.inert``
puts before ``= + - @``, tab, CR or ``'`` is taken off again, so an export imports back
exactly), then each line break in it (CR LF, CR, LF, VT, FF, NEL, U+2028/2029) becomes one
space, except in the fields named ``keep_breaks`` (list fields, where a line break separates
items as ``,`` and ``|`` do); then a value holding a C0/C1 control, a bidirectional control or
an invisible character is a row error naming the character (``text.*``), and the value is
shown with such characters made visible (``<U+202E>``).  A CSV's delimiter and line ends are
the format's own, not values, so they are untouched.  The check costs one ``str.isprintable``
of a row's joined values when the row holds nothing unusual (every character the rule acts on
is non-printable to Python).  In XLSX string cells, the OOXML escape ``_xHHHH_`` of such a
character (how Excel stores a control character) counts as that character.

Encoding detection for CSV: the whole file is first decoded strictly, in streaming chunks, as
UTF-8 (with or without BOM); if that fails, as GB18030 (a superset of GBK); if that fails too,
the file is refused, naming the byte offset.  UTF-16 (detected by its BOM or NUL bytes) is
refused with a hint to save as UTF-8.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from randcheck.bundle.table import raw as _raw_cell
from randcheck.core.canonical import json_nesting_ok
from randcheck.core.text import BREAKS, one_line, problem, shown, visible
from randcheck.errors import InputError, RowError
from randcheck.io.headers import HEADER_SCAN, HeaderMap, header_key, matched_fields

MAX_FIELD_CHARS = 4096  # longer values are row errors (a legal basis fits easily)
MAX_DEPTH = 64  # nesting a JSON registry file may have (a row is an object of lists: 3)
_CSV_HARD_LIMIT = 16 * 1024 * 1024  # the csv module's own limit, raised so we can report rows
_CHUNK = 1 << 20

Progress = Callable[[int, int], None]  # (done, total) in bytes or rows


@dataclass(slots=True)
class SourceRow:
    """One data row: values by field name, as text; ``errors`` found while reading it."""

    row: int
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)


def _file_error(
    path: Path, code: str, row: int = 0, column: str = "", value: str = "", **params: Any
) -> InputError:
    rows = [RowError(path.name, row, column, value, code, dict(params))]
    return InputError("registry.bad_file", rows=rows, file=path.name)


class _Counting(io.RawIOBase):
    """A binary reader that reports how many bytes were read."""

    def __init__(self, raw: IO[bytes], progress: Progress | None, total: int) -> None:
        self._raw = raw
        self._progress = progress
        self._total = total
        self._done = 0
        self._last = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._done += n
        if self._progress is not None and (self._done - self._last >= _CHUNK or n == 0):
            self._last = self._done
            self._progress(self._done, self._total)
        return n


def sniff_kind(path: Path) -> str:
    """The file's real kind from its first bytes: 'zip', 'utf16', 'binary', 'json' or 'text'."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "binary"  # old .xls (OLE2)
    if b"\x00" in head:
        # UTF-16 without BOM has a NUL beside every ASCII character
        if head[1::2].count(0) > len(head) // 4:
            return "utf16"
        # a stray NUL in what is otherwise text is that row's error (named with its row and
        # column), not a reason to call the file binary
        if head.count(0) > 8 or not _decodes(head, whole=len(head) < 4096):
            return "binary"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"[", b"{")):
        return "json"
    return "text"


def _decodes(head: bytes, whole: bool) -> bool:
    """Whether ``head`` (the start of a file, or all of it) is UTF-8 or GB18030 text, as far
    as it goes."""
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)(errors="strict").decode(head, final=whole)
        except UnicodeDecodeError:
            continue
        return True
    return False


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' or 'gb18030', decoding the whole file strictly; else an InputError."""
    failure: tuple[int, bytes] | None = None
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        offset = 0
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    decoder.decode(chunk)
                    offset += len(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if failure is None:
                at = offset + max(exc.start, 0)
                failure = (at, exc.object[exc.start : exc.start + 4])
            continue
        return encoding
    at, sample = failure if failure else (0, b"")
    raise _file_error(path, "registry.bad_encoding", value=sample.hex(" "), offset=str(at))


def _cell_text(value: Any) -> str | None:
    """Text of a parsed cell value; None means 'not representable' (handled by the caller)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)  # shortest round-trip decimal; parsed exactly later
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return None


#: OOXML's escape of a character in a string cell (how Excel stores a control character)
_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def _ooxml_char(m: re.Match[str]) -> str:
    ch = chr(int(m.group(1), 16))
    # only what the text rule acts on: any other _xHHHH_ stays as written
    return ch if problem(ch) is not None or BREAKS.match(ch) else m.group(0)


def clean_row(
    path: Path,
    row: SourceRow,
    names: Mapping[str, str],
    keep_breaks: frozenset[str] = frozenset(),
    spreadsheet: bool = False,
) -> None:
    """Apply the text rule (module doc) to ``row.values`` in place, adding a row error for each
    value that holds a character text may not hold (its stored form is then shown, visible).

    ``spreadsheet``: the file is CSV or XLSX, whose exports carry the inert-cell prefix."""
    values = row.values
    for key, value in values.items():
        if spreadsheet:
            value = _raw_cell(value)
        if key not in keep_breaks:
            value = one_line(value)
        bad = problem(value)
        if bad is not None:
            code, label = bad
            row.errors.append(
                RowError(
                    path.name,
                    row.row,
                    names.get(key, key),
                    shown(value, label),
                    code,
                    {"char": label},
                )
            )
            value = visible(value)
        values[key] = value


def _check_sizes(path: Path, row: SourceRow, names: Mapping[str, str]) -> None:
    if not row.values or max(map(len, row.values.values())) <= MAX_FIELD_CHARS:
        return
    for key, value in row.values.items():
        if len(value) > MAX_FIELD_CHARS:
            row.errors.append(
                RowError(
                    path.name,
                    row.row,
                    names.get(key, key),
                    shown(value[:40]),
                    "registry.field_too_long",
                    {"limit": MAX_FIELD_CHARS, "length": len(value)},
                )
            )
            row.values[key] = value[:MAX_FIELD_CHARS]


def _row_text(cells: list[str]) -> str:
    """A skipped row as a message shows it: its non-empty cells, on one line, short."""
    return shown(" ".join(c.strip() for c in cells if c.strip()))


def _picker(idx: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A C-speed function picking the cells at ``idx`` (as a tuple, even for one index)."""
    if len(idx) == 1:
        only = idx[0]
        return lambda cells: (cells[only],)
    if not idx:
        return lambda cells: ()
    return itemgetter(*idx)


class RowReader:
    """An opened registry file.  Iterate it for ``SourceRow``s; ``unknown_columns`` lists
    source columns that matched no field.  File-level problems raise in the constructor."""

    def __init__(
        self,
        path: Path,
        aliases: Mapping[str, str],
        required: list[list[str]],
        mapping: Mapping[str, str] | None = None,
        progress: Progress | None = None,
        keep_breaks: Collection[str] = (),
        ignored: Collection[str] = (),
        silent: Collection[str] = (),
    ) -> None:
        self.path = path
        self.ignored = tuple(ignored)
        self.silent = tuple(silent)
        #: rows above the header that were skipped: (row number, their text; "" when blank)
        self.skipped_rows: list[tuple[int, str]] = []
        self.header_row = 1
        self.header_width = 0
        self.keep_breaks = frozenset(keep_breaks)
        self.aliases = aliases
        self.required = required
        self.mapping = dict(mapping or {})
        self.progress = progress
        if not path.is_file():
            from randcheck.errors import CannotRunError, NotFoundError

            if path.exists():  # a folder, a device: it is there, but not a file
                raise CannotRunError("io.not_a_file", path=str(path))
            raise NotFoundError("io.file_missing", path=str(path))
        self.size = path.stat().st_size
        if self.size == 0:
            raise _file_error(path, "registry.empty_file")
        ext = path.suffix.lower()
        kind = sniff_kind(path)
        self.format = ext.lstrip(".")
        if ext in (".csv", ".tsv", ".txt"):
            if kind == "zip":
                raise _file_error(path, "registry.not_csv_zip")
            if kind == "utf16":
                raise _file_error(path, "registry.utf16")
            if kind == "binary":
                raise _file_error(path, "registry.not_text")
            self.format = "csv"
        elif ext == ".xlsx":
            if kind != "zip":
                raise _file_error(path, "registry.not_xlsx", kind=kind)
        elif ext in (".json", ".jsonl", ".ndjson"):
            if kind != "json":
                raise _file_error(path, "registry.not_json")
            self.format = "jsonl" if ext != ".json" else "json"
        else:
            raise _file_error(path, "registry.unknown_ext", ext=ext or "-")
        self.unknown_columns: list[str] = []
        self.ignored_columns: list[str] = []
        self.column_names: dict[str, str] = {}  # field -> source column name
        self._iter = self._open()
        self._first = next(self._iter, None)
        if self._first is None:
            raise _file_error(path, "registry.empty_file")

    def __iter__(self) -> Iterator[SourceRow]:
        # chain, not a generator around self._iter: one generator step less per row
        first, self._first = self._first, None
        return chain((first,) if first is not None else (), self._iter)

    def _hmap(self, headers: list[str], row: int = 1, hint: bool = False) -> HeaderMap:
        hmap = HeaderMap(
            self.path,
            headers,
            self.aliases,
            self.mapping,
            self.required,
            self.ignored,
            self.silent,
            row,
            hint,
        )
        self.unknown_columns = hmap.unknown
        self.ignored_columns = hmap.ignored
        self.column_names = hmap.names
        return hmap

    def _header(self, rows: Iterator[tuple[int, list[str]]]) -> HeaderMap:
        """The header of a CSV or XLSX: the first row, within the first ``HEADER_SCAN``, that
        names every required column; the title and blank rows above it are skipped (and
        listed in ``skipped_rows``).  Consumes ``rows`` up to the header row only."""
        scanned: list[tuple[int, list[str]]] = []
        for line, cells in rows:
            if any(c.strip() for c in cells):
                found = matched_fields(cells, self.aliases, self.mapping)
                if all(any(f in found for f in group) for group in self.required):
                    hmap = self._hmap(cells, line)
                    self.header_row = line
                    self.header_width = len(cells)
                    self.skipped_rows = [(n, _row_text(c)) for n, c in scanned]
                    return hmap
            scanned.append((line, cells))
            if len(scanned) >= HEADER_SCAN:
                break
        # no row names every required column: report against the one most like a header
        candidates = [(n, c) for n, c in scanned if any(x.strip() for x in c)]
        if not candidates:
            raise _file_error(self.path, "registry.empty_file")
        best = max(
            candidates,
            key=lambda nc: (len(matched_fields(nc[1], self.aliases, self.mapping)), -nc[0]),
        )
        title_like = best[0] != candidates[0][0] or any(
            sum(1 for x in c if x.strip()) == 1 for _n, c in candidates
        )
        self._hmap(best[1], best[0], hint=title_like)  # raises: a required column is missing
        raise AssertionError("unreachable")  # pragma: no cover

    # -- per format ------------------------------------------------------------------

    def _open(self) -> Iterator[SourceRow]:
        if self.format == "csv":
            return self._csv()
        if self.format == "xlsx":
            return self._xlsx()
        if self.format == "json":
            return self._json()
        return self._jsonl()

    def _csv(self) -> Iterator[SourceRow]:
        path = self.path
        encoding = detect_encoding(path)
        if csv.field_size_limit() < _CSV_HARD_LIMIT:
            csv.field_size_limit(_CSV_HARD_LIMIT)
        with path.open("rb") as raw:
            counted = io.BufferedReader(_Counting(raw, self.progress, self.size), _CHUNK)
            text = io.TextIOWrapper(counted, encoding=encoding, newline="")
            head_lines: list[str] = []
            while len(head_lines) < HEADER_SCAN and (next_line := text.readline()):
                head_lines.append(next_line)
            sample = "".join(head_lines)
            delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
            reader = csv.reader(chain(head_lines, text), delimiter=delimiter, strict=True)

            def records() -> Iterator[tuple[int, list[str]]]:
                line = 0
                while True:
                    try:
                        cells = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as exc:
                        raise _file_error(
                            path, "registry.bad_csv", row=line + 1, reason=str(exc)
                        ) from exc
                    line += 1
                    yield line, cells

            hmap = self._header(records())
            header_width = self.header_width
            names = hmap.names
            keep = self.keep_breaks
            idx = [i for i, _n, _f in hmap.columns]
            fields = [f for _i, _n, f in hmap.columns]
            width = max(idx, default=-1) + 1
            pick = _picker(idx)
            line = self.header_row  # records() stopped at the header: the reader goes on
            # a for loop, not next() per row through records(): a generator or a try per row
            # costs; a csv.Error is the row after the last one counted, as in records()
            try:
                for cells in reader:
                    line += 1
                    if not cells or (not cells[0].strip() and not "".join(cells).strip()):
                        continue  # blank line
                    if len(cells) >= width:
                        picked = pick(cells)
                        values = dict(zip(fields, picked, strict=True))
                        joined = "".join(picked)
                    else:
                        values = {
                            f: (cells[i] if i < len(cells) else "")
                            for i, f in zip(idx, fields, strict=True)
                        }
                        joined = "".join(values.values())
                    row = SourceRow(line, values)
                    unusual = not joined.isprintable() or "'" in joined  # else nothing to clean
                    if unusual:
                        clean_row(path, row, names, keep, spreadsheet=True)
                    if len(cells) > header_width and "".join(cells[header_width:]).strip():
                        row.errors.append(
                            RowError(
                                path.name,
                                line,
                                "",
                                str(len(cells)),
                                "registry.extra_cells",
                                {"expected": header_width},
                            )
                        )
                    if unusual or len(joined) > MAX_FIELD_CHARS:  # else no value can be too long
                        _check_sizes(path, row, names)
                    yield row
            except csv.Error as exc:
                raise _file_error(path, "registry.bad_csv", row=line + 1, reason=str(exc)) from exc

    def _xlsx(self) -> Iterator[SourceRow]:
        import openpyxl

        path = self.path
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise _file_error(path, "registry.bad_xlsx", reason=type(exc).__name__) from exc
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows()

            def texts() -> Iterator[tuple[int, list[str]]]:
                for line, cells in enumerate(rows, start=1):
                    yield line, [str(_cell_text(getattr(c, "value", None)) or "") for c in cells]

            hmap = self._header(texts())
            names = hmap.names
            keep = self.keep_breaks
            total = sheet.max_row or 0
            for offset, cells in enumerate(rows):
                line = self.header_row + offset + 1
                if self.progress is not None and line % 2000 == 0:
                    self.progress(line, total)
                values: dict[str, str] = {}
                errors: list[RowError] = []
                for i, _name, target in hmap.columns:
                    cell = cells[i] if i < len(cells) else None
                    raw = getattr(cell, "value", None)
                    if getattr(cell, "data_type", None) == "f":
                        errors.append(
                            RowError(
                                path.name, line, names[target], shown(str(raw)), "registry.formula"
                            )
                        )
                        values[target] = ""
                        continue
                    text = _cell_text(raw)
                    if text is None:
                        errors.append(
                            RowError(
                                path.name, line, names[target], repr(raw)[:60], "registry.bad_cell"
                            )
                        )
                        text = ""
                    elif "_x" in text and isinstance(raw, str):
                        text = _OOXML_ESCAPE.sub(_ooxml_char, text)
                    values[target] = text
                if all(not v.strip() for v in values.values()) and not errors:
                    continue
                row = SourceRow(line, values, errors)
                joined = "".join(values.values())
                if not joined.isprintable() or "'" in joined:
                    clean_row(path, row, names, keep, spreadsheet=True)
                _check_sizes(path, row, names)
                yield row
        finally:
            book.close()

    def _object_row(
        self, line: int, obj: Any, hmap: HeaderMap, names: Mapping[str, str]
    ) -> SourceRow:
        path = self.path
        if not isinstance(obj, dict):
            return SourceRow(
                line,
                {},
                [RowError(path.name, line, "", shown(str(obj)[:40]), "registry.not_object")],
            )
        by_field: dict[str, Any] = {}
        lookup = {header_key(k): k for k in obj}
        for _i, name, target in hmap.columns:
            if header_key(name) in lookup:
                by_field[target] = obj[lookup[header_key(name)]]
        values: dict[str, str] = {}
        errors: list[RowError] = []
        for target, raw in by_field.items():
            if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
                values[target] = "|".join(raw)
                continue
            text = _cell_text(raw)
            if text is None:
                errors.append(
                    RowError(
                        path.name,
                        line,
                        names.get(target, target),
                        shown(str(raw)[:40]),
                        "registry.bad_cell",
                    )
                )
                text = ""
            values[target] = text
        row = SourceRow(line, values, errors)
        if not "".join(values.values()).isprintable():
            clean_row(path, row, names, self.keep_breaks)
        _check_sizes(path, row, names)
        return row

    def _json_hmap(self, keys: list[str]) -> HeaderMap:
        return self._hmap(keys)

    def _json(self) -> Iterator[SourceRow]:
        path = self.path
        encoding = detect_encoding(path)
        raw = path.read_bytes()
        body = raw.decode(encoding)
        # the depth is checked on the text first: the parser recurses in C, and deep enough
        # input would exhaust the stack (a RecursionError is caught too, as a second guard)
        utf8 = raw if encoding == "utf-8-sig" else body.encode("utf-8", "surrogatepass")
        del raw
        if not json_nesting_ok(utf8, MAX_DEPTH):
            raise _file_error(path, "registry.too_deep", limit=MAX_DEPTH)
        del utf8
        try:
            data = json.loads(body, parse_float=Decimal, object_pairs_hook=_no_duplicate_keys)
        except (json.JSONDecodeError, _DuplicateKey) as exc:
            raise _file_error(path, "registry.bad_json", reason=str(exc)) from exc
        except RecursionError:
            raise _file_error(path, "registry.too_deep", limit=MAX_DEPTH) from None
        del body
        if not isinstance(data, list):
            raise _file_error(path, "registry.json_not_array")
        if not data:
            return
        keys = _union_keys(data)
        hmap = self._json_hmap(keys)
        names = hmap.names
        total = len(data)
        for index, obj in enumerate(data, start=1):
            if self.progress is not None and index % 2000 == 0:
                self.progress(index, total)
            yield self._object_row(index, obj, hmap, names)

    def _jsonl(self) -> Iterator[SourceRow]:
        path = self.path
        encoding = detect_encoding(path)
        hmap: HeaderMap | None = None
        names: dict[str, str] = {}
        with path.open("rb") as raw:
            counted = io.BufferedReader(_Counting(raw, self.progress, self.size), _CHUNK)
            text = io.TextIOWrapper(counted, encoding=encoding, newline=None)
            for line_no, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                reason: tuple[str, dict[str, Any]] | None = None
                if not json_nesting_ok(line, MAX_DEPTH):  # before the recursive parser
                    reason = ("registry.too_deep", {"limit": MAX_DEPTH})
                else:
                    try:
                        obj = json.loads(
                            line, parse_float=Decimal, object_pairs_hook=_no_duplicate_keys
                        )
                    except (json.JSONDecodeError, _DuplicateKey) as exc:
                        reason = ("registry.bad_json_line", {"reason": str(exc)})
                    except RecursionError:
                        reason = ("registry.too_deep", {"limit": MAX_DEPTH})
                if reason is not None:
                    yield SourceRow(
                        line_no,
                        {},
                        [
                            RowError(
                                path.name,
                                line_no,
                                "",
                                shown(line.strip()[:40]),
                                reason[0],
                                reason[1],
                            )
                        ],
                    )
                    continue
                if hmap is None:
                    if not isinstance(obj, dict):
                        raise _file_error(path, "registry.not_object", row=line_no)
                    hmap = self._json_hmap(list(obj))
                    names = hmap.names
                yield self._object_row(line_no, obj, hmap, names)


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(f"duplicate key {key!r}")
        out[key] = value
    return out


def _union_keys(data: list[Any]) -> list[str]:
    keys: dict[str, None] = {}
    for obj in data:
        if isinstance(obj, dict):
            for k in obj:
                keys.setdefault(k, None)
    return list(keys)
