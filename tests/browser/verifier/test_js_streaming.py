"""A gzipped population file streamed from its source (issue #11, "memory ≤ 4× the bundle"):
``BundleFiles`` leaves a ``.txt.gz`` in the picked folder until it is unpacked, then streams it
through the SHA-256 into the browser's DecompressionStream, one reused buffer at a time, into
one buffer sized by the member's ISIZE field.  That field is only a hint (whoever made the file
chose it): these tests hand ``Reading.unpack`` every crafted and damaged member of
test_js_memory in small chunks that the source then overwrites (as a BYOB reader does), with
true and lying hints, and demand Python's ``reading.gunzip`` answer each time; and the streamed
path of ``BundleFiles`` gives the same population, SHA-256 and budget as the path that reads
the file whole.  (The parity corpus verifies whole bundles whose ISIZE lies, through the picked
folder: tests/browser/verifier/corpus.py, ``isize-*.population.gz``.)
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.verifier.test_js_memory import crafted, damaged, python_gunzip, sample_members

pytestmark = pytest.mark.browser

Js = Callable[[str], Any]

#: the chunks are copied into one buffer that the next chunk overwrites (a BYOB reader's
#: reuse): a chunk kept past its turn would unpack as garbage and fail zlib's CRC
REUSED = """
  async function* reused(data, n) {
    const buf = new Uint8Array(n);
    for (let i = 0; i < data.length; i += n) {
      const k = Math.min(n, data.length - i);
      buf.set(data.subarray(i, i + k));
      yield buf.subarray(0, k);
      buf.fill(0xa5); // the chunk is gone once the next is asked for
    }
  }
"""


def js_unpack_all(js: Js, cases: list[tuple[bytes, int]], chunk: int, hint: str) -> list[str]:
    """The page's answers: each member fed in ``chunk``-byte pieces of one reused buffer, the
    ISIZE hint ``hint`` (a JS expression of ``data``: the true field, or a lie)."""
    rows = json.dumps([[d.hex(), limit] for d, limit in cases])
    return list(
        js(
            f"""(async () => {{
          {REUSED}
          const out = [];
          for (const [h, limit] of {rows}) {{
            const data = V.Bytes.fromHex(h);
            try {{
              const got = await V.Reading.unpack(reused(data, {chunk}), limit, data.length, {hint});
              out.push(data.length ? V.Bytes.hex(got) : "refused");
            }} catch (e) {{ out.push("refused"); }}
          }}
          return out;
        }})()"""
        )
    )


HINTS = {
    "true": "V.Reading.isizeOf(data)",
    "zero": "0",
    "one": "1",
    "huge": "0xffffffff",
    "half": "V.Reading.isizeOf(data) >>> 1",
}


@pytest.mark.parametrize("hint", sorted(HINTS))
@pytest.mark.parametrize("chunk", [1, 13, 65536])
def test_streamed_crafted_members_equal_python_whatever_the_hint(
    js: Js, chunk: int, hint: str
) -> None:
    cases = [(d, 10_000) for _, d in crafted()] + [(m, 10**7) for m in sample_members()]
    want = [python_gunzip(d, lim) for d, lim in cases]
    got = js_unpack_all(js, cases, chunk, HINTS[hint])
    names = [n for n, _ in crafted()] + [f"sample {i}" for i in range(len(sample_members()))]
    assert dict(zip(names, got, strict=True)) == dict(zip(names, want, strict=True))


@pytest.mark.parametrize("limit", [0, 19, 18_999, 19_000, 19_001])
def test_streamed_limits_equal_python(js: Js, limit: int) -> None:
    data = b"91110000MA00000001\n" * 1000
    m = gzip.compress(data, mtime=0)
    for hint in HINTS.values():
        assert js_unpack_all(js, [(m, limit)], 100, hint) == [python_gunzip(m, limit)]


def test_streamed_damaged_members_equal_python(js: Js) -> None:
    cases = [(d, 10**6) for d in damaged(3, 400)]
    want = [python_gunzip(d, lim) for d, lim in cases]
    for chunk, hint in ((7, HINTS["true"]), (4096, HINTS["zero"])):
        got = js_unpack_all(js, cases, chunk, hint)
        bad = [i for i in range(len(cases)) if got[i] != want[i]]
        assert not bad, [(i, cases[i][0].hex(), want[i][:40], got[i][:40]) for i in bad[:5]]
    assert 0 < sum(w == "refused" for w in want) < len(want)


def gz_variants() -> dict[str, bytes]:
    data = b"".join(b"91110000MA%08d\n" % i for i in range(3000))
    good = gzip.compress(data, mtime=0)
    true = int.from_bytes(good[-4:], "little")

    def isize(n: int) -> bytes:
        return good[:-4] + (n % 2**32).to_bytes(4, "little")

    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 1
    return {
        "good": good,
        "isize zero": isize(0),
        "isize small": isize(true // 2),
        "isize huge": isize(2**32 - 1),
        "trailing isize": good + good[-4:],
        "trailing zeros": good + b"\0" * 8,
        "flipped": bytes(flipped),
        "truncated": good[:-5],
        "empty file": b"",
    }


def test_a_streamed_population_file_equals_one_read_whole(js: Js) -> None:
    """BundleFiles over a source that streams (one reused buffer) and reads a file's tail
    leaves the .gz in the source and unpacks it from there; the same source without
    ``tail`` reads it whole: the same population, check, SHA-256 and budget, and the
    SHA-256 of a member that is refused, or never unpacked, is still the file's."""
    variants = gz_variants()
    got = js(
        f"""(async () => {{
          {REUSED}
          const out = {{}};
          for (const [name, hex] of Object.entries({json.dumps({k: v.hex() for k, v in variants.items()})})) {{
            const files = new Map([["population/A.txt.gz", V.Bytes.fromHex(hex)], ["record.json", V.Bytes.utf8("{{}}")]]);
            const row = [];
            for (const streams of [true, false]) {{
              let streamed = 0;
              const src = {{ name: "t", list: async () => new Map([...files].map(([k, v]) => [k, v.length])),
                read: async (p, limit) => files.get(p).slice(0, limit + 1),
                stream: (p, reuse) => {{ streamed += 1; return reused(files.get(p), reuse ? 100 : 1 << 20); }} }};
              if (streams) src.tail = async (p, n) => files.get(p).slice(Math.max(0, files.get(p).length - n));
              const ann = {{ strata: [{{ id: "A", count: 3000 }}] }};
              const found = new V.Reading.BundleFiles(src);
              await found.list();
              await V.Reading.read(found, ann);
              const budget = found.budget;
              const [pop, over] = await V.Documents.population(found, ann);
              const check = over["population.A"] ? over["population.A"].code : "ok";
              const sha = await found.sha256("population/A.txt.gz");
              // a reader that never unpacks it still hashes it
              const other = new V.Reading.BundleFiles(src);
              await other.list();
              await V.Reading.read(other, ann);
              row.push([check, pop.A.n, pop.A.n ? V.Commit.code_text(pop.A, pop.A.n - 1) : null, sha,
                        await other.sha256("population/A.txt.gz"), budget, found.has("population/A.txt.gz"),
                        streamed > 0]);
            }}
            out[name] = row;
          }}
          return out;
        }})()"""
    )
    for name, data in variants.items():
        (lazy, whole) = got[name]
        want = python_gunzip(data, 3000 * 65)
        check = "ok" if want != "refused" else "verify.population_gzip"
        sha = hashlib.sha256(data).hexdigest()
        if name == "empty file":  # an empty file is refused either way
            assert lazy[0] == whole[0] == "verify.population_gzip", name
        else:
            assert lazy[0] == whole[0] == check, name
        assert lazy[1] == whole[1] == (3000 if check == "ok" else 0), name
        assert lazy[2] == whole[2] == (None if check != "ok" else "91110000MA00002999"), name
        assert lazy[3] == whole[3] == lazy[4] == whole[4] == sha, name
        assert lazy[5] == whole[5] and lazy[6] and whole[6], name
        assert lazy[7] and not whole[7], name  # the first streamed it, the second did not
