"""The hot loops over a whole population, in C when ``randcheck._native`` is built.

Each function here has two implementations with identical results: the C one in
``randcheck/_native.c`` and a pure-Python twin below (``pure_*``). The twins are the
reference; the tests run both on the same inputs. ``RANDCHECK_NO_NATIVE=1`` in the
environment (read at import) makes randcheck use the twins, e.g. to cross-check a result.

A *population file* (SPEC §3) is ``code\\n`` per code; the functions take it as one bytes
object, so that a million codes are one allocation rather than a million.
"""

from __future__ import annotations

import hashlib
import heapq
import os
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any, cast

#: ``u32(len)`` for every possible code length.
_LEN_PREFIX = [n.to_bytes(4, "big") for n in range(65)]
_VISIBLE = bytes(range(0x21, 0x7F))


#: False when ``RANDCHECK_NO_NATIVE`` is set: then randcheck runs only Python code of its own
#: and py_ecc (no C extension, no blst), e.g. to cross-check a result.
NATIVE_ALLOWED = os.environ.get("RANDCHECK_NO_NATIVE", "") in ("", "0")


def _load_native() -> ModuleType | None:
    if not NATIVE_ALLOWED:
        return None
    try:
        from randcheck import _native  # type: ignore[attr-defined]
    except ImportError:
        return None
    return cast(ModuleType, _native)


native: ModuleType | None = _load_native()


def parallel_map(fn: Callable[..., Any], *args: Sequence[Any]) -> list[Any]:
    """``list(map(fn, *args))``, on up to ``os.cpu_count()`` threads when the C extension is
    used (its loops release the GIL); in order either way, so results never depend on it."""
    n = min(map(len, args)) if args else 0
    workers = min(n, os.cpu_count() or 1)
    if native is None or workers < 2:
        return list(map(fn, *args))
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, *args))


def backend() -> str:
    """``"sha-ni"`` or ``"portable"`` (C), or ``"python"`` when the extension is not used."""
    return str(native.backend()) if native is not None else "python"


def _lines(blob: bytes) -> list[bytes]:
    return blob[:-1].split(b"\n") if blob.endswith(b"\n") else blob.split(b"\n")


def pure_scan(blob: bytes) -> tuple[int, int, int, int]:
    """``(count, width, error, index)`` of a population file; see ``_native.c``'s ``scan``."""
    if not blob:
        return 0, 0, 0, -1
    missing = not blob.endswith(b"\n")
    lines = _lines(blob)
    count = len(lines) - 1 if missing else len(lines)
    body = lines[:count]
    widths = {len(c) for c in body}
    width = widths.pop() if len(widths) == 1 else 0
    for i in range(1, count):
        if not body[i - 1] < body[i]:
            return count, width, 1, i
    for i, c in enumerate(body):
        if not 1 <= len(c) <= 64 or c.translate(None, _VISIBLE):
            return count, width, 2, i
    if missing:
        return count, width, 3, count
    return count, width, 0, -1


def pure_sort_lines(blob: bytes) -> bytes:
    """The lines of ``blob`` (final newline optional) sorted, each followed by a newline."""
    if not blob:
        return b""
    lines = sorted(_lines(blob))
    return b"\n".join(lines) + b"\n"


def pure_offsets(blob: bytes) -> bytes:
    """``uint64`` start offsets of the lines of a population file, then ``len(blob)``."""
    import array

    out = array.array("Q", [0])
    pos = 0
    for line in _lines(blob) if blob else []:
        pos += len(line) + 1
        out.append(pos)
    if blob:
        out[-1] = len(blob)
    return out.tobytes()


def _pure_common(a: bytes, b: bytes) -> bytes | None:
    """The first code in both sorted population files, or ``None`` (a merge walk)."""
    xs, ys = (_lines(a) if a else []), (_lines(b) if b else [])
    i = j = 0
    while i < len(xs) and j < len(ys):
        if xs[i] == ys[j]:
            return xs[i]
        if xs[i] < ys[j]:
            i += 1
        else:
            j += 1
    return None


def pure_lowest(key: bytes, blob: bytes, k: int) -> list[tuple[bytes, bytes]]:
    """The ``k`` smallest ``(ticket, code)`` of a population file, ascending (SPEC §6.3):
    ``ticket = SHA-256(key || u32(len(code)) || code)``."""
    if len(key) != 64 or k < 0:
        raise ValueError("lowest needs a 64-byte key and k >= 0")
    copy = hashlib.sha256(key).copy
    prefix = _LEN_PREFIX

    def tickets(codes: list[bytes]) -> list[tuple[bytes, bytes]]:
        out = []
        for code in codes:
            h = copy()
            h.update(prefix[len(code)] + code)
            out.append((h.digest(), code))
        return out

    codes = _lines(blob) if blob else []
    if any(len(c) > 64 for c in codes):
        raise ValueError("a code is longer than 64 bytes")
    return heapq.nsmallest(k, tickets(codes))


def pure_partition(codes: bytes, keys: bytes, names: list[bytes]) -> tuple[list[bytes], int]:
    """Line ``i`` of ``codes`` to the output of the name equal to line ``i`` of ``keys``
    (outputs in the order of ``names``, each line followed by a newline), and the number of
    lines whose key is none of them."""
    cs = _lines(codes) if codes else []
    ks = _lines(keys) if keys else []
    if len(cs) != len(ks):
        raise ValueError("partition: codes and keys differ in lines")
    index: dict[bytes, int] = {}
    for j, name in enumerate(names):
        index.setdefault(name, j)
    outs: list[list[bytes]] = [[] for _ in names]
    other = 0
    for c, k in zip(cs, ks, strict=True):
        at = index.get(k)
        if at is None:
            other += 1
        else:
            outs[at].append(c + b"\n")
    return [b"".join(o) for o in outs], other


def pure_merge(runs: list[bytes]) -> bytes:
    """Sorted population files merged into one sorted file (duplicates kept); like the C
    version, a merge (each run read in order), so unsorted runs give the same bytes too."""
    if any(r and not r.endswith(b"\n") for r in runs):
        raise ValueError("merge runs must end with a newline")
    return b"".join(c + b"\n" for c in heapq.merge(*(_lines(r) if r else [] for r in runs)))


def pure_shared(runs: list[bytes]) -> bytes | None:
    """The smallest code found in two or more of the sorted population files ``runs``."""
    found = [_pure_common(a, b) for i, a in enumerate(runs) for b in runs[i + 1 :]]
    dups = [d for d in found if d is not None]
    return min(dups) if dups else None


def pure_sift(a: bytes, b: bytes) -> tuple[bytes, bytes]:
    """The lines of the sorted population file ``a`` not in the sorted file ``b``, and those
    in it, each in ``a``'s order; like the C version, a merge walk (so the two agree on
    unsorted input too)."""
    if (a and not a.endswith(b"\n")) or (b and not b.endswith(b"\n")):
        raise ValueError("sift inputs must end with a newline")
    ys = _lines(b) if b else []
    kept: list[bytes] = []
    found: list[bytes] = []
    j = 0
    for x in _lines(a) if a else []:
        while j < len(ys) and ys[j] < x:
            j += 1
        (found if j < len(ys) and ys[j] == x else kept).append(x + b"\n")
    return b"".join(kept), b"".join(found)


def pure_pick(pairs: bytes, codes: bytes) -> bytes:
    """The distinct lines of the sorted file ``pairs`` (``key NUL rest``, or a whole line as
    its key) whose key is a line of the sorted population file ``codes``, in ``pairs``'
    order; like the C version, a merge walk (the keys of byte-sorted lines are in byte
    order: NUL is the smallest byte)."""
    if (pairs and not pairs.endswith(b"\n")) or (codes and not codes.endswith(b"\n")):
        raise ValueError("pick inputs must end with a newline")
    ys = _lines(codes) if codes else []
    out: list[bytes] = []
    last: bytes | None = None
    j = 0
    for x in _lines(pairs) if pairs else []:
        key = x.split(b"\0", 1)[0]
        while j < len(ys) and ys[j] < key:
            j += 1
        if j < len(ys) and ys[j] == key and x != last:
            out.append(x + b"\n")
            last = x
    return b"".join(out)


def pure_repeated(blob: bytes, k: int) -> bytes:
    """Each distinct line of the sorted file ``blob`` that it holds at least ``k`` times,
    once, in ``blob``'s order (``k`` <= 1: every distinct line); like the C version, runs of
    equal neighbours (so the two agree on unsorted input too)."""
    if blob and not blob.endswith(b"\n"):
        raise ValueError("repeated input must end with a newline")
    out: list[bytes] = []
    lines = _lines(blob) if blob else []
    i = 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and lines[j] == lines[i]:
            j += 1
        if j - i >= k:
            out.append(lines[i] + b"\n")
        i = j
    return b"".join(out)


def pure_pair_tickets(key: bytes, code: bytes, ids: list[bytes]) -> list[bytes]:
    """``H(key || lp(code) || lp(id))`` for each id, in order (SPEC §7.3); ``key`` is 64 bytes."""
    if len(key) != 64:
        raise ValueError("pair_tickets needs a 64-byte key")
    base = hashlib.sha256(key)
    base.update(len(code).to_bytes(4, "big") + code)
    copy = base.copy
    out = []
    for i in ids:
        h = copy()
        h.update(len(i).to_bytes(4, "big") + i)
        out.append(h.digest())
    return out


def pure_best_pair(key: bytes, code: bytes, ids: list[bytes]) -> tuple[int, bytes]:
    """The index in ``ids`` of the smallest ``(pair ticket, id)``, and its ticket (SPEC §7.3)."""
    tickets = pure_pair_tickets(key, code, ids)
    if not tickets:
        raise ValueError("best_pair needs at least one id")
    best = min(range(len(ids)), key=lambda k: (tickets[k], ids[k]))
    return best, tickets[best]


scan: Callable[[bytes], tuple[int, int, int, int]] = pure_scan
sort_lines: Callable[[bytes], bytes] = pure_sort_lines
offsets: Callable[[bytes], bytes] = pure_offsets
lowest: Callable[[bytes, bytes, int], list[tuple[bytes, bytes]]] = pure_lowest
pair_tickets: Callable[[bytes, bytes, list[bytes]], list[bytes]] = pure_pair_tickets
partition: Callable[[bytes, bytes, list[bytes]], tuple[list[bytes], int]] = pure_partition
best_pair: Callable[[bytes, bytes, list[bytes]], tuple[int, bytes]] = pure_best_pair
merge: Callable[[list[bytes]], bytes] = pure_merge
shared: Callable[[list[bytes]], bytes | None] = pure_shared
sift: Callable[[bytes, bytes], tuple[bytes, bytes]] = pure_sift
pick: Callable[[bytes, bytes], bytes] = pure_pick
repeated: Callable[[bytes, int], bytes] = pure_repeated
if native is not None:
    scan = native.scan
    _c_sort_lines = native.sort_lines

    def sort_lines(blob: bytes) -> bytes:
        try:
            return cast(bytes, _c_sort_lines(blob))
        except OverflowError:  # 4 GiB or more: beyond the C sort's 32-bit offsets
            return pure_sort_lines(blob)

    offsets = native.offsets
    lowest = native.lowest
    pair_tickets = native.pair_tickets
    partition = native.partition
    best_pair = native.best_pair
    merge = native.merge
    shared = native.shared
    sift = native.sift
    pick = native.pick
    repeated = native.repeated
