"""A stratum's population held as its population file (SPEC §3): one bytes object.

:class:`Codes` is a read-only ``Sequence[bytes]`` of sorted, unique, well-formed codes. It
is checked once when made and never changes, so the commitment, the tickets and the
disjointness check can run over the raw bytes (in C when available, see
:mod:`randcheck.core.draw.accel`) instead of over a million Python objects. Plain lists of
bytes are still accepted everywhere a population is; they take the slower generic path.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from randcheck.core.draw import accel
from randcheck.core.draw.spec import CHUNK, check_code, tag
from randcheck.errors import InputError

_CHUNK_LEAF_PREFIX = b"\x00" + tag("population-chunk")  # RFC 6962 leaf prefix + domain tag


class Codes(Sequence[bytes]):
    """Sorted, unique, valid codes, stored as the population file ``code\\n…``."""

    __slots__ = ("_blob", "_count", "_offsets", "_width")

    def __init__(self, blob: bytes, stratum: str = "") -> None:
        """Check ``blob`` as a population file; raises ``InputError`` naming the bad code."""
        blob = bytes(blob)  # an immutable copy is what gets checked and kept
        count, width, error, index = accel.scan(blob)
        if error:
            _raise(blob, error, index, stratum)
        self._blob = blob
        self._count = count
        self._width = width
        self._offsets: memoryview | None = None

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def from_unsorted(cls, lines: bytes | Iterable[bytes | str], stratum: str = "") -> Codes:
        """Sort codes (newline-separated bytes, or an iterable of codes) and check them."""
        if not isinstance(lines, bytes):
            items = [c.encode("utf-8") if isinstance(c, str) else c for c in lines]
            for c in items:
                if b"\n" in c:
                    check_code(c, f"population[{stratum}]")
            lines = b"\n".join(items) + b"\n" if items else b""
        return cls(accel.sort_lines(lines), stratum)

    @classmethod
    def of(cls, codes: Sequence[bytes], stratum: str = "") -> Codes:
        """``codes`` as :class:`Codes` (already sorted and unique, else ``InputError``)."""
        if isinstance(codes, Codes):
            return codes
        for c in codes:
            if b"\n" in c:
                check_code(c, f"population[{stratum}]")
        return cls(b"\n".join(codes) + b"\n" if codes else b"", stratum)

    # -- the population file ------------------------------------------------------------
    @property
    def blob(self) -> bytes:
        """The population file: every code followed by a newline."""
        return self._blob

    def chunk_hashes(self) -> list[bytes]:
        """RFC 6962 leaf hashes of the chunks of ``CHUNK`` codes (SPEC §3)."""
        if not self._count:
            return []
        bounds = [self._offset(i) for i in range(0, self._count, CHUNK)] + [len(self._blob)]
        view = memoryview(self._blob)
        base = hashlib.sha256(_CHUNK_LEAF_PREFIX).copy
        out = []
        for start, end in itertools.pairwise(bounds):
            h = base()
            h.update(view[start:end])
            out.append(h.digest())
        return out

    # -- Sequence[bytes] ----------------------------------------------------------------
    def _offset(self, i: int) -> int:
        if self._width:
            return i * (self._width + 1)
        if self._offsets is None:
            self._offsets = memoryview(accel.offsets(self._blob)).cast("Q")
        return int(self._offsets[i])

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, i: int) -> bytes: ...
    @overload
    def __getitem__(self, i: slice) -> list[bytes]: ...
    def __getitem__(self, i: int | slice) -> bytes | list[bytes]:
        if isinstance(i, slice):
            start, stop, step = i.indices(self._count)
            if step == 1:
                if start >= stop:
                    return []
                return self._blob[self._offset(start) : self._offset(stop) - 1].split(b"\n")
            return [self[k] for k in range(start, stop, step)]
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError("code index out of range")
        return self._blob[self._offset(i) : self._offset(i + 1) - 1]

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._blob[:-1].split(b"\n") if self._blob else [])

    def __contains__(self, code: object) -> bool:
        if isinstance(code, str):
            code = code.encode("utf-8", "replace")
        if not isinstance(code, bytes):
            return False
        k = bisect.bisect_left(self, code)
        return k < self._count and self[k] == code

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Codes):
            return self._blob == other._blob
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(other) == self._count and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Codes({self._count} codes)"


def _raise(blob: bytes, error: int, index: int, stratum: str) -> None:
    """Turn a scan error into the same ``InputError`` the list-based checks give."""
    lines = blob.split(b"\n")
    if error == 1:
        prev, cur = lines[index - 1], lines[index]
        code = "proto.duplicate_code" if prev == cur else "proto.unsorted"
        raise InputError(code, stratum=stratum, value=cur.decode("ascii", "replace"))
    if error == 2:
        check_code(lines[index], f"population[{stratum}]")
    raise InputError("proto.population_newline", stratum=stratum)
