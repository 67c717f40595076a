"""The browser verifier's memory savings keep Python's outcomes (issue #11, "memory ≤ 4× the
bundle"): js/reading.js's gunzip (DecompressionStream's chunks copied into one buffer) accepts
and refuses exactly what Python's ``reading.gunzip`` (zlib) does, on many members and on
thousands of damaged ones; a population file is parsed into its own buffer without changing
the codes; and a bundle read by ``BundleFiles`` keeps the released files' SHA-256 for ``files``.
"""

from __future__ import annotations

import gzip
import json
import random
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from randcheck.core.draw import commit
from randcheck.services.verify import reading
from tests.browser.verifier.conftest import js_bytes

pytestmark = pytest.mark.browser

Js = Callable[[str], Any]


def python_gunzip(data: bytes, limit: int) -> str:
    """Python's answer: the unpacked bytes in hex, or "refused"."""
    try:
        return reading.gunzip(data, limit).hex()
    except (ValueError, EOFError, OSError, zlib.error):
        return "refused"


def js_gunzip_all(js: Js, cases: list[tuple[bytes, int]]) -> list[str]:
    """The page's answers for many (data, limit) at once (hex in, hex out)."""
    rows = json.dumps([[d.hex(), limit] for d, limit in cases])
    return list(
        js(
            f"""(async () => {{
          const out = [];
          for (const [h, limit] of {rows}) {{
            try {{ out.push(V.Bytes.hex(await V.Reading.gunzip(V.Bytes.fromHex(h), limit))); }}
            catch (e) {{ out.push("refused"); }}
          }}
          return out;
        }})()"""
        )
    )


def deflate(data: bytes, level: int = 6, strategy: int = zlib.Z_DEFAULT_STRATEGY) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    return c.compress(data) + c.flush()


def member(body: bytes, data: bytes, flags: int = 0, extra: bytes = b"", name: bytes = b"",
           comment: bytes = b"", hcrc: int | None = None) -> bytes:  # fmt: skip
    """A gzip member around raw deflate `body` of `data`, with the optional header fields."""
    head = b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0\0\xff"
    if flags & 4:
        head += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        head += name + b"\0"
    if flags & 16:
        head += comment + b"\0"
    if flags & 2:
        head += struct.pack("<H", (zlib.crc32(head) & 0xFFFF) if hcrc is None else hcrc)
    return head + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


class Bits:
    """A deflate bit writer (LSB first; Huffman codes written MSB first)."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value: int, n: int) -> None:
        self.acc |= value << self.n
        self.n += n
        while self.n >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.n -= 8

    def code(self, code: int, n: int) -> None:
        self.put(int(f"{code:0{n}b}"[::-1], 2), n)

    def fixed_lit(self, sym: int) -> None:
        if sym < 144:
            self.code(0x30 + sym, 8)
        elif sym < 256:
            self.code(0x190 + sym - 144, 9)
        elif sym < 280:
            self.code(sym - 256, 7)
        else:
            self.code(0xC0 + sym - 280, 8)

    def done(self) -> bytes:
        if self.n:
            self.out.append(self.acc & 0xFF)
        return bytes(self.out)


def fixed_block(ops: list[tuple[str, int, int]]) -> bytes:
    """One final fixed-Huffman block of ("lit", byte, 0) / ("copy", length sym, dist code)
    (no extra bits used) / ("sym", literal/length symbol, 0) ops, then end-of-block."""
    b = Bits()
    b.put(1, 1)
    b.put(1, 2)
    for kind, x, d in ops:
        if kind == "lit" or kind == "sym":
            b.fixed_lit(x)
        else:
            b.fixed_lit(x)
            b.code(d, 5)
    b.fixed_lit(256)
    return b.done()


def canonical(lengths: list[int]) -> dict[int, tuple[int, int]]:
    """symbol -> (code, length) of the canonical Huffman code with these lengths."""
    codes, code = {}, 0
    for n in range(1, 16):
        for sym, ln in enumerate(lengths):
            if ln == n:
                codes[sym] = (code, n)
                code += 1
        code <<= 1
    return codes


def dynamic_block(lit: list[int], dist: list[int], symbols: list[tuple[int, int]]) -> bytes:
    """One final dynamic block with these code lengths (HLIT/HDIST from their counts, written
    one by one with a code-length code of sixteen 4-bit codes) and (lit/len symbol, distance
    symbol or -1) pairs, no extra bits; the end-of-block code is not added."""
    b = Bits()
    b.put(1, 1)
    b.put(2, 2)
    b.put(len(lit) - 257, 5)
    b.put(len(dist) - 1, 5)
    b.put(19 - 4, 4)
    order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    for sym in order:
        b.put(4 if sym < 16 else 0, 3)
    cl = canonical([4] * 16)
    for ln in lit + dist:
        b.code(*cl[ln])
    lc, dc = canonical(lit), canonical(dist)
    for s, d in symbols:
        b.code(*lc[s])
        if d >= 0:
            b.code(*dc[d])
    return b.done()


def dynamic_cases() -> list[tuple[str, bytes]]:
    """zlib's rules on the codes of a dynamic block, each where a reader without the rule
    would unpack the member (its CRC and ISIZE fit the bytes such a reader would give)."""
    lit = [0] * 258
    lit[97], lit[98], lit[256], lit[257] = 2, 2, 2, 2  # a, b, end, length 3: complete
    one_dist = [1]  # a single one-bit distance code: incomplete, allowed
    out: list[tuple[str, bytes]] = []
    aba = [(97, -1), (98, -1), (257, 0), (256, -1)]  # "ab" + copy 3 at distance 1: "abbbb"
    out.append(("dynamic", member(dynamic_block(lit, one_dist, aba), b"abbbb")))
    out.append(("dynamic, two distance codes", member(dynamic_block(lit, [1, 1], aba), b"abbbb")))
    out.append(
        ("dynamic, no distance code", member(dynamic_block(lit, [0], aba[:2] + aba[3:]), b"ab"))
    )
    inc = lit[:]
    inc[98] = 3  # a: 2, b: 3, end: 2, length: 2 -> incomplete
    out.append(
        ("dynamic, incomplete literal code", member(dynamic_block(inc, one_dist, aba), b"abbbb"))
    )
    out.append(
        ("dynamic, incomplete distance code", member(dynamic_block(lit, [2, 2, 2], aba), b"abbbb"))
    )
    over = lit[:]
    over[99] = 2  # five 2-bit codes
    out.append(("dynamic, over-subscribed", member(dynamic_block(over, one_dist, aba), b"abbbb")))
    noend = lit[:]
    noend[256], noend[99] = 0, 2  # c takes the end's place: no end-of-block code
    out.append(
        ("dynamic, no end-of-block code", member(dynamic_block(noend, one_dist, aba[:3]), b"abbbb"))
    )
    out.append(
        ("dynamic, 287 lengths", member(dynamic_block(lit + [0] * 29, one_dist, aba), b"abbbb"))
    )
    out.append(("dynamic, 31 distances", member(dynamic_block(lit, [1] + [0] * 30, aba), b"abbbb")))
    far = [(97, -1), (257, 0), (256, -1)]  # copy at distance 1 after one byte: fine
    out.append(("dynamic, distance 1", member(dynamic_block(lit, one_dist, far), b"aaaa")))
    return out


def crafted() -> list[tuple[str, bytes]]:
    """Members that test the rules zlib adds to the formats' (each with Python's answer)."""
    out: list[tuple[str, bytes]] = []
    ab = b"ab"
    out.append(("fixed literals", member(fixed_block([("lit", 97, 0), ("lit", 98, 0)]), ab)))
    # length 3 (symbol 257) at distance 2 (code 1): "ababa"
    out.append(
        (
            "fixed copy",
            member(fixed_block([("lit", 97, 0), ("lit", 98, 0), ("copy", 257, 1)]), b"ababa"),
        )
    )
    # what a reader without the check would give (bytes before the start read as zeros)
    out.append(
        (
            "distance too far back",
            member(fixed_block([("lit", 97, 0), ("copy", 257, 1)]), b"a\0\0\0"),
        )
    )
    out.append(("distance at the start", member(fixed_block([("copy", 257, 0)]), b"\0\0\0")))
    out.append(("length symbol 286", member(fixed_block([("lit", 97, 0), ("sym", 286, 0)]), b"a")))
    out.append(("length symbol 287", member(fixed_block([("lit", 97, 0), ("sym", 287, 0)]), b"a")))
    out.append(
        ("distance code 30", member(fixed_block([("lit", 97, 0), ("copy", 257, 30)]), b"aaaa"))
    )
    out.append(
        ("distance code 31", member(fixed_block([("lit", 97, 0), ("copy", 257, 31)]), b"aaaa"))
    )
    b = Bits()
    b.put(1, 1)
    b.put(3, 2)
    out.append(("block type 3", member(b.done(), b"")))
    stored = b"\x01" + struct.pack("<HH", 2, 0xFFFF ^ 2) + ab
    out.append(("stored", member(stored, ab)))
    out.append(("stored, bad NLEN", member(b"\x01" + struct.pack("<HH", 2, 2) + ab, ab)))
    out.append(("stored, short", member(b"\x01" + struct.pack("<HH", 3, 0xFFFF ^ 3) + ab, ab)))
    out.append(
        (
            "stored then fixed",
            member(
                b"\x00" + struct.pack("<HH", 2, 0xFFFF ^ 2) + ab + fixed_block([("lit", 99, 0)]),
                b"abc",
            ),
        )
    )
    body = deflate(b"hello hello hello\n" * 40)
    data = b"hello hello hello\n" * 40
    out.append(("FNAME", member(body, data, 8, name=b"population.txt")))
    out.append(("FCOMMENT", member(body, data, 16, comment=b"a comment")))
    out.append(("FEXTRA", member(body, data, 4, extra=b"AB\x02\x00xy")))
    out.append(("FHCRC", member(body, data, 2)))
    out.append(("FHCRC wrong", member(body, data, 2, hcrc=0x1234)))
    out.append(("all fields", member(body, data, 2 | 4 | 8 | 16, b"e", b"n", b"c")))
    out.append(("FTEXT", member(body, data, 1)))
    out.extend((f"reserved flag {bit:#x}", member(body, data, bit)) for bit in (0x20, 0x40, 0x80))
    out.append(("method 7", member(body, data)[:2] + b"\x07" + member(body, data)[3:]))
    out.append(("bad CRC", member(body, data)[:-8] + b"\0\0\0\0" + member(body, data)[-4:]))
    out.append(("bad ISIZE", member(body, data)[:-4] + struct.pack("<I", len(data) + 1)))
    out.append(("huge ISIZE", member(body, data)[:-4] + b"\xff\xff\xff\xff"))
    out.append(("empty", gzip.compress(b"", mtime=0)))
    out.append(("two members", gzip.compress(b"a\n", mtime=0) * 2))
    out.append(("trailing zero", gzip.compress(b"a\n", mtime=0) + b"\0"))
    one = gzip.compress(b"a\n", mtime=0)
    out.append(("trailing ISIZE copy", one + one[-4:]))  # still ends with the right ISIZE
    return out + dynamic_cases()


def test_gunzip_on_crafted_members_equals_python(js: Js) -> None:
    cases = crafted()
    got = js_gunzip_all(js, [(d, 10_000) for _, d in cases])
    want = [python_gunzip(d, 10_000) for _, d in cases]
    assert dict(zip([n for n, _ in cases], got, strict=True)) == dict(
        zip([n for n, _ in cases], want, strict=True)
    )
    # the crafted members do test both answers
    assert "refused" in want and sum(w != "refused" for w in want) >= 10


def sample_members() -> list[bytes]:
    rnd = random.Random(11)
    text = b"".join(b"9111%014d\n" % rnd.randrange(10**14) for _ in range(400))
    binary = bytes(rnd.randrange(256) for _ in range(3000))
    runs = b"a" * 5000 + b"ab" * 3000 + bytes(range(256)) * 4
    out: list[bytes] = []
    for data in (text, binary, runs, b"", b"x"):
        for level in (0, 1, 6, 9):
            strategies = (zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY,
                          zlib.Z_RLE, zlib.Z_FIXED)  # fmt: skip
            out.extend(member(deflate(data, level, s), data) for s in strategies)
    out.append(gzip.compress(text * 50, mtime=0))  # several blocks
    return out


def test_gunzip_of_many_members_equals_python(js: Js) -> None:
    cases = [(m, 10**7) for m in sample_members()]
    assert js_gunzip_all(js, cases) == [python_gunzip(d, lim) for d, lim in cases]


def test_gunzip_limits_equal_python(js: Js) -> None:
    data = b"91110000MA00000001\n" * 1000
    m = gzip.compress(data, mtime=0)
    cases = [(m, n) for n in (0, 1, 19, len(data) - 1, len(data), len(data) + 1, 10**9)]
    assert js_gunzip_all(js, cases) == [python_gunzip(d, lim) for d, lim in cases]


def damaged(seed: int, count: int) -> list[bytes]:
    """Members of small dynamic and fixed blocks with every bit of their first bytes flipped,
    every truncation, and random byte changes: most are refused, for many reasons."""
    rnd = random.Random(seed)
    text = b"".join(b"9133%014d\n" % rnd.randrange(10**6) for _ in range(60))
    bases = [member(deflate(text, 9), text), member(deflate(text, 6, zlib.Z_FIXED), text),
             member(deflate(text[:200], 9, zlib.Z_HUFFMAN_ONLY), text[:200]),
             member(deflate(b"ab" * 50, 9), b"ab" * 50)]  # fmt: skip
    out: list[bytes] = []
    for base in bases:
        for i in range(10, min(len(base), 60)):
            out.extend(base[:i] + bytes([base[i] ^ (1 << bit)]) + base[i + 1 :] for bit in range(8))
        out.extend(base[:n] for n in range(len(base)))
        out.append(base + b"\x00")
    for _ in range(count):
        changed = bytearray(rnd.choice(bases))
        for _ in range(rnd.randint(1, 4)):
            changed[rnd.randrange(10, len(changed) - 8)] = rnd.randrange(256)
        out.append(bytes(changed))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_gunzip_of_damaged_members_equals_python(js: Js, seed: int) -> None:
    cases = [(d, 10**6) for d in damaged(seed, 1500)]
    want = [python_gunzip(d, lim) for d, lim in cases]
    got = js_gunzip_all(js, cases)
    diff = [
        (i, cases[i][0].hex(), want[i][:40], got[i][:40])
        for i in range(len(cases))
        if got[i] != want[i]
    ]
    assert not diff, diff[:5]
    assert 0 < sum(w == "refused" for w in want) < len(want)  # both answers are tested


def test_parse_in_place_gives_the_same_codes(js: Js) -> None:
    rnd = random.Random(5)
    codes = sorted({b"%d" % rnd.randrange(10 ** rnd.randint(1, 18)) for _ in range(3000)})
    file = commit.population_file(codes)
    got = js(
        f"""(async () => {{
          const file = {js_bytes(file)};
          const copy = await V.Commit.parse_population_file(file.slice(), "S");
          const buf = file.slice();
          const own = await V.Commit.parse_population_file(buf, "S", true);
          return [own.n, own.bytes.buffer === buf.buffer, V.Bytes.equal(own.bytes, copy.bytes),
            Array.from(own.start).join() === Array.from(copy.start).join(),
            await V.Commit.population_root(own)];
        }})()"""
    )
    assert got == [len(codes), True, True, True, commit.population_root(codes)]
    # a bad file is refused the same way in place (the first error wins, as in Python)
    for bad in (b"B\nA\n", b"A\nA\n", b"A\nb c\n", b"A", b"A\n" + b"x" * 65 + b"\n"):
        try:
            commit.parse_population_file(bad, "S")
            want: Any = "ok"
        except Exception as exc:  # the error's code is compared
            want = getattr(exc, "code", type(exc).__name__)
        got = js(
            f"""V.Commit.parse_population_file({js_bytes(bad)}.slice(), "S", true)
              .then(() => "ok", (e) => e.code || e.name)"""
        )
        assert got == want, bad


def test_released_population_files_keep_their_sha256(js: Js) -> None:
    data = b"91110000MA00000001\n91110000MA00000002\n"
    packed = gzip.compress(data, mtime=0)
    files = {"population/A.txt": data, "population/B.txt.gz": packed, "record.json": b"{}"}
    got = js(
        f"""(async () => {{
          const files = new Map(Object.entries({json.dumps({k: v.hex() for k, v in files.items()})})
            .map(([k, v]) => [k, V.Bytes.fromHex(v)]));
          const src = {{ name: "t", list: async () => new Map([...files].map(([k, v]) => [k, v.length])),
            read: async (p, limit) => files.get(p).slice(0, limit + 1) }};
          const found = new V.Reading.BundleFiles(src);
          await found.list();
          for (const p of files.keys()) await found.load(p, 1000);
          const ann = {{ strata: [{{ id: "A", count: 2 }}, {{ id: "B", count: 2 }}] }};
          const [pop, over] = await V.Documents.population(found, ann);
          const out = {{}};
          for (const p of files.keys()) out[p] = [found.has(p), found.get(p) === undefined, await found.sha256(p)];
          return [out, Object.keys(over), pop.A.n, pop.B.n, [...found.keys()].sort(),
                  V.Commit.code_text(pop.B, 1), found.budget];
        }})()"""
    )
    import hashlib

    out, over, na, nb, keys, code, _budget = got
    assert over == [] and na == nb == 2 and code == "91110000MA00000002"
    assert keys == sorted(files)
    for path in ("population/A.txt", "population/B.txt.gz"):
        assert out[path] == [True, True, hashlib.sha256(files[path]).hexdigest()]
    assert out["record.json"] == [True, False, hashlib.sha256(b"{}").hexdigest()]
