"""A set of id pairs kept as its canonical text, for the millions of rotation pairs.

A roster's ``previous`` pairs (SPEC §7.1) are, with rotation on a large registry, a million or
more ``(code, inspector)`` tuples: building them as a ``frozenset`` costs seconds, and the
roster then turns them back into one sorted text to write its canonical JSON. A
:class:`PairSet` is that text: the distinct lines ``a NUL b`` in byte order (which, no id
holding a NUL, is the order of the tuples), joined by newlines. It is a read-only
``collections.abc.Set`` of tuples: membership is one binary search per first id (then a small
set of its second ids, kept), iteration splits the text. Pairing asks only membership, for
the few targets drawn.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Set
from itertools import compress
from typing import Any

from randcheck.core.draw import accel
from randcheck.core.draw.spec import CODE_BYTES

_SECOND = re.compile(rb"\0([^\n]*)")


def pair_skeleton(n: int) -> bytes:
    """What is left of a pair text of ``n`` pairs once its id bytes are deleted."""
    return b"\0" + b"\n\0" * (n - 1) if n else b""


def pair_text_ok(text: bytes, n: int) -> bool:
    """Whether ``text`` is ``n`` lines ``a NUL b`` joined by newlines (no final one), every
    ``a`` and ``b`` 1 or more bytes of visible ASCII (the caller checks the 64-byte bound)."""
    if text.translate(None, CODE_BYTES) != pair_skeleton(n):
        return False  # a byte outside visible ASCII, or not one NUL per line
    empty = text[:1] == b"\0" or text[-1:] == b"\0" or b"\n\0" in text or b"\0\n" in text
    return not (n and empty)


def lines_ok(lines: bytes) -> bool:
    """Whether every line of ``lines`` (each followed by a newline) is ``a NUL b`` with two
    well-formed ids (``check_id``): what :meth:`PairSet.of_text` checks of each line."""
    if not lines:
        return True
    text = lines[:-1]
    return pair_text_ok(text, text.count(b"\n") + 1) and not _long_id(text)


def _long_id(text: bytes) -> bool:
    """Whether an id of the pair text ``text`` (checked by :func:`pair_text_ok`) is longer
    than 64 bytes (``check_id``'s bound): never when no line is longer than 66 bytes, since
    both ids of a line have at least one."""
    lines = text.split(b"\n")
    if max(map(len, lines)) <= 66:
        return False
    return any(len(x) > 64 for line in lines for x in line.split(b"\0"))


class PairSet(Set[tuple[str, str]]):
    """The pairs of a checked pair text (see the module's note); build with :meth:`of_text`."""

    __slots__ = ("_firsts", "_n", "_offsets", "text")

    def __init__(self, text: bytes, n: int) -> None:
        self.text = text  # checked by of_text: sorted, distinct, every id well-formed
        self._n = n
        self._offsets: memoryview | None = None
        self._firsts: dict[str, frozenset[str]] = {}

    @classmethod
    def of_text(cls, text: bytes) -> PairSet | None:
        """The set that ``text`` holds when it is a pair text: lines ``a NUL b`` joined by
        newlines, strictly increasing as bytes, each id 1 to 64 bytes of visible ASCII
        (``check_id``); else None."""
        if not text:
            return cls(b"", 0)
        n = text.count(b"\n") + 1
        if not pair_text_ok(text, n) or _long_id(text):
            return None
        if accel.scan(text + b"\n")[2] == 1:  # its first finding: a line not after the last
            return None
        return cls(text, n)

    @classmethod
    def of_checked(cls, lines: bytes) -> PairSet:
        """The set of ``lines`` (each followed by a newline) taken, in order and without
        repeats, from texts that :func:`lines_ok` accepted: they are a pair text already, no
        check again (e.g. ``accel.pick`` over the history index's checked pairs)."""
        return cls(lines[:-1], lines.count(b"\n"))

    @classmethod
    def of_pairs(cls, pairs: Set[tuple[str, str]]) -> PairSet | None:
        """``pairs`` as a pair set, when every pair is two well-formed ids; else None."""
        if isinstance(pairs, PairSet):
            return pairs
        items = list(pairs)
        try:
            if not all(type(p) is tuple and len(p) == 2 for p in items):
                return None
            text = "\n".join(map("\0".join, items)).encode("ascii")
        except (TypeError, UnicodeEncodeError):
            return None
        if not pair_text_ok(text, len(items)) or _long_id(text):
            return None
        return cls.of_text(accel.sort_lines(text)[:-1]) if items else cls(b"", 0)

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[tuple[str, str]]:
        if not self._n:
            return iter(())
        flat = self.text.decode("ascii").replace("\0", "\n").split("\n")
        it = iter(flat)
        return zip(it, it, strict=True)

    def __contains__(self, pair: object) -> bool:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            return False
        first, second = pair
        if not isinstance(first, str) or not isinstance(second, str):
            return False
        return second in self.seconds_of(first)

    def seconds_of(self, first: str) -> frozenset[str]:
        """The second ids paired with ``first`` (found once, then kept)."""
        found = self._firsts.get(first)
        if found is None:
            found = self._firsts[first] = self._find(first)
        return found

    def _find(self, first: str) -> frozenset[str]:
        try:
            head = first.encode("ascii") + b"\0"
        except UnicodeEncodeError:
            return frozenset()
        if not self._n:
            return frozenset()
        if self._offsets is None:
            self._offsets = memoryview(accel.offsets(self.text + b"\n")).cast("Q")
        offsets, text = self._offsets, self.text
        n = self._n

        def line(i: int) -> bytes:
            return text[offsets[i] : offsets[i + 1] - 1]

        k = bisect.bisect_left(range(n), head, key=line)
        out = []
        while k < n and (x := line(k)).startswith(head):
            out.append(x[len(head) :].decode("ascii"))
            k += 1
        return frozenset(out)

    def seconds(self) -> set[str]:
        """Every second id (e.g. the inspectors of a roster's previous pairs)."""
        return {x.decode("ascii") for x in set(_SECOND.findall(self.text))}

    def with_seconds(self, allowed: Set[str]) -> PairSet:
        """The pairs whose second id is in ``allowed`` (a sorted, distinct subset: no check
        again)."""
        if not self._n:
            return self
        wanted = {x.encode("ascii") for x in allowed if x.isascii()}
        mask = map(wanted.__contains__, _SECOND.findall(self.text))
        kept = list(compress(self.text.split(b"\n"), mask))
        return PairSet(b"\n".join(kept), len(kept))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PairSet):
            return self.text == other.text
        return super().__eq__(other)

    def __hash__(self) -> int:
        return self._hash()

    def __repr__(self) -> str:
        return f"PairSet({self._n} pairs)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PairSet, (self.text, self._n))
