"""The draw protocol in the browser (js/json.js … js/documents.js) against the Python code it
ports: strict JSON and RFC 8785, SPEC §13's vectors, population files, envelopes, the replay of
good and tampered documents (the same check names, statuses and codes as
``randcheck.core.draw.replay.replay``), the per-entity answer, and 1,000,000 codes timed."""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from randcheck.core import canonical, uscc
from randcheck.core.checks import Check
from randcheck.core.draw import commit, envelope, spec
from randcheck.core.draw.announce import check_disjoint
from randcheck.core.draw.replay import replay
from randcheck.core.signing import private_from_seed
from randcheck.errors import RandcheckError
from randcheck.services.verify import documents as pydocs
from tests.browser.verifier.conftest import js_bytes

pytestmark = pytest.mark.browser

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
Js = Callable[[str], Any]


def vector(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    return data


# -- canonical JSON ------------------------------------------------------------------------


#: what Python's canonical.parse says of JSON bytes: ["ok", canonical hex | error code, is
#: canonical] or ["err", code]
def py_json(data: bytes) -> list[Any]:
    try:
        value = canonical.parse(data)
    except RandcheckError as exc:
        return ["err", exc.code]
    except ValueError:  # more than 4300 digits: Python's int() refuses
        return ["err", "canonical.bad_json"]
    try:
        out: Any = canonical.canonical(value).hex()
    except RandcheckError as exc:
        out = exc.code
    except ValueError:
        out = "ValueError"  # a lone surrogate: rfc8785/UTF-8 refuse it
    try:
        is_canon: Any = canonical.is_canonical(data)
    except ValueError:
        is_canon = "ValueError"
    return ["ok", out, is_canon]


JS_JSON = """
((inputs) => inputs.map((h) => {
  const data = V.Bytes.fromHex(h);
  let value;
  try { value = V.Json.parse(data); } catch (e) {
    if (e instanceof V.Checks.RcError) return ["err", e.code];
    throw e;
  }
  const py = (f) => { try { return f(); } catch (e) {
    if (e instanceof V.Checks.RcError) return e.code;
    if (e.name === "CanonicalizationError" || e.name === "UnicodeEncodeError") return "ValueError";
    throw e; } };
  return ["ok", py(() => V.Bytes.hex(V.Json.canonical(value))), py(() => V.Json.is_canonical(data))];
}))
"""


def js_json(js: Js, inputs: list[bytes]) -> list[Any]:
    return js(f"{JS_JSON}({json.dumps([d.hex() for d in inputs])})")  # type: ignore[no-any-return]


JSON_CASES = [
    b"", b" ", b"null", b"true", b"false", b"0", b"-0", b"1", b"-1", b"01", b"1.0", b"1e5",
    b"1E+2", b"-", b"1.", b".5", b"1e", b"1e+", b"NaN", b"Infinity", b"-Infinity", b"nan",
    b"9007199254740991", b"9007199254740992", b"-9007199254740992", b"1" * 30, b"1" * 4301,
    b'"a"', b'"\\u00e9"', b'"\\ud800"', b'"\\ud83d\\ude00"', b'"\\udc00\\ud800"', b'"\x01"',
    b'"\x7f"', b'"\\/"', b'"\\x"', b'"\\u12"', b'"abc', b'"\\"', "\"\u2028\"".encode(),
    b'{"a":1,"a":2}', b'{"a":{"b":1,"b":2},"c":1.5}', b'{"a":1.5,"a":2}', b'{"a":1,"a":2',
    b'{"a":1,"a":2} x', b'{"b":1,"a":2}', b'{"a":2,"b":1}', b'{"a":1,}', b"[1,]", b"[1 2]",
    b'{"__proto__":1}', b'{"__proto__":{"x":1},"constructor":2}', b'{"1":1,"0":2,"a":3}',
    b'{"2":1,"10":2}', b" [1, 2] ", b"[1,2]\n", b"\t{}\r\n", b"\xef\xbb\xbf{}", b"\xff",
    b'"\xed\xa0\x80"', b"{'a':1}", b"[" * 64 + b"]" * 64, b"[" * 65 + b"]" * 65,
    b"[" * 70, b'{"a":' * 65 + b"1" + b"}" * 65, b"[1,[2,[3]]]",
    "{\"é\":1,\"e\":2,\"\U0001f600\":3,\"\ufb01\":4}".encode(), b'{"\\ud800":1}',
    b'["\\u0000\\u001f\\b\\f\\n\\r\\t"]', b"[true,false,null]", b"[TRUE]", b"{\"a\" : 1}",
    b'{"a":-0}', b"[1e400]", b"-01", b"--1", b"[-]", b"{,}", b"[,]",
]  # fmt: skip


def test_json_parse_and_canonical_match_python(js: Js) -> None:
    # not a case: an unclosed "[" * 2000, whose code in Python (canonical.too_deep from a
    # RecursionError, or canonical.bad_json) depends on how deep Python's own stack already is
    got = js_json(js, JSON_CASES)
    for data, mine in zip(JSON_CASES, got, strict=True):
        assert mine == py_json(data), data[:80]


def json_values() -> st.SearchStrategy[Any]:
    keys = st.text(alphabet=st.characters(codec="utf-8"), max_size=4) | st.sampled_from(
        ["0", "1", "10", "__proto__", "a", "é", "\U0001f600", "\ufb01"]
    )
    scalars = (
        st.none() | st.booleans() | st.integers(-(2**60), 2**60)
        | st.text(alphabet=st.characters(codec="utf-8"), max_size=6)
    )  # fmt: skip
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=12,
    )


@st.composite
def json_texts(draw: st.DrawFn) -> bytes:
    """JSON texts, most valid, some with floats, duplicates, spacing or a flipped byte."""
    value = draw(json_values())
    text = json.dumps(value, ensure_ascii=draw(st.booleans()), sort_keys=draw(st.booleans()),
                      separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])))  # fmt: skip
    data = text.encode("utf-8", "surrogatepass")
    how = draw(st.integers(0, 5))
    if how == 1 and data:
        i = draw(st.integers(0, len(data) - 1))
        data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1 :]
    elif how == 2:
        data = data.replace(b"1", b"1.5", 1)
    elif how == 3 and data.startswith(b"{") and len(data) > 2:
        data = b'{"k":1,"k":2,' + data[1:]
    return data


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(json_texts(), min_size=40, max_size=40))
def test_json_matches_python_on_generated_texts(js: Js, texts: list[bytes]) -> None:
    got = js_json(js, texts)
    for data, mine in zip(texts, got, strict=True):
        assert mine == py_json(data), data[:120]


def test_json_parsed_objects_are_safe_and_keep_document_order(js: Js) -> None:
    out = js(
        '(() => { const o = V.Json.parse(V.Bytes.utf8(\'{"b":1,"__proto__":{"x":1},"2":3,"1":4}\'));'
        " return [V.Json.keys(o), Object.getPrototypeOf(o) === null, o.x === undefined,"
        " V.Bytes.text(V.Json.canonical(o))]; })()"
    )
    assert out == [
        ["b", "__proto__", "2", "1"],
        True,
        True,
        '{"1":4,"2":3,"__proto__":{"x":1},"b":1}',
    ]


def test_json_equal_is_python_equality(js: Js) -> None:
    pairs = [
        ("1", "true", True), ("0", "false", True), ("[1]", "[true]", True), ("1", "2", False),
        ('{"a":1,"b":2}', '{"b":2,"a":1}', True), ('{"a":1}', '{"a":1,"b":2}', False),
        ("[1,2]", "[2,1]", False), ("null", "false", False), ('"1"', "1", False),
        ("9007199254740993", "9007199254740993", True), ("9007199254740993", "9007199254740992", False),
        ("[]", "{}", False),
    ]  # fmt: skip
    got = js(
        "[" + ",".join(
            f"V.Json.equal(V.Json.parse(V.Bytes.utf8({json.dumps(a)})), V.Json.parse(V.Bytes.utf8({json.dumps(b)})))"
            for a, b, _ in pairs
        ) + "]"
    )  # fmt: skip
    assert got == [json.loads(a) == json.loads(b) for a, b, _ in pairs]
    assert got == [want for _, _, want in pairs]


# -- SPEC §13 vectors ---------------------------------------------------------------------


def test_encodings_of_spec_13_1(js: Js) -> None:
    got = js(
        "[V.Bytes.hex(V.Spec.lp('张三'))].concat(['seed', 'ticket', 'pairing', 'population-chunk']"
        ".map((t) => V.Bytes.hex(V.Spec.tag(t))))"
    )
    assert got == [spec.lp("张三").hex()] + [
        spec.tag(t).hex() for t in ("seed", "ticket", "pairing", "population-chunk")
    ]
    assert got[0] == "00000006e5bca0e4b889"
    assert got[1] == "0000001672616e64636865636b2f647261772f76312f73656564"


def test_population_commitment_of_spec_13_4(js: Js) -> None:
    m = vector("merkle")
    file = commit.population_file([c.encode() for c in m["codes"]])
    assert hashlib.sha256(file).hexdigest() == m["population_file_sha256"]
    out = js(
        f"""(async () => {{
          const list = await V.Commit.parse_population_file({js_bytes(file)}, "M");
          const hashes = (await V.Commit.chunk_hashes(list)).map(V.Bytes.hex);
          return [list.n, V.Bytes.hex(await V.Hash.sha256Async(V.Commit.population_file(list))), hashes,
            await V.Commit.population_root(list), await V.Commit.population_root(V.Commit.EMPTY()),
            await V.Commit.population_root(V.Commit.from_codes(["A"])),
            await V.Commit.inclusion_proof(list, "M", {json.dumps(m["proof"]["code"])}),
            await V.Commit.inclusion_proof(list, "M", {json.dumps(m["proof_long"]["code"])})];
        }})()"""
    )
    n, sha, hashes, root, empty, single, proof, proof_long = out
    assert n == m["count"] and sha == m["population_file_sha256"]
    assert hashes == m["chunk_leaf_hashes"]
    assert root == m["root"] and empty == m["empty_root"] and single == m["single"]["root"]
    assert {**proof, "code": m["proof"]["code"]} == m["proof"]
    assert {**proof_long, "code": m["proof_long"]["code"]} == m["proof_long"]
    # the proofs verify, and a changed path or chunk does not
    for p in (m["proof"], m["proof_long"]):
        assert (
            js(
                f"V.Commit.verify_inclusion({json.dumps(p)}, {json.dumps(p['code'])}, 2500, {json.dumps(m['root'])}) ?? 'ok'"
            )
            == "ok"
        )
    bad = copy.deepcopy(m["proof"])
    bad["path"][0] = "00" * 32
    assert (
        js(
            f"(() => {{ try {{ V.Commit.verify_inclusion({json.dumps(bad)}, {json.dumps(bad['code'])}, 2500, "
            f"{json.dumps(m['root'])}); return 'ok'; }} catch (e) {{ return e.code; }} }})()"
        )
        == "merkle.root_mismatch"
    )


def test_draw_vector_of_spec_13_5_digests(js: Js) -> None:
    d = vector("draw")
    got = js(
        "(() => { const d = " + json.dumps({k: d[k] for k in ("announcement", "record", "addenda")}) + ";"
        " const u = V.Bytes.utf8; return [V.Envelope.open_envelope(u(d.announcement), 'announcement').digest,"
        " V.Envelope.open_envelope(u(d.record), 'record').digest,"
        " d.addenda.map((a) => V.Envelope.open_envelope(u(a), 'addendum').digest)]; })()"
    )  # fmt: skip
    assert got == [d["announcement_digest"], d["record_digest"], d["addenda_digests"]]


# -- replay: good and tampered documents ------------------------------------------------------

KEY = private_from_seed(bytes(32))
WITNESS = private_from_seed(bytes([1]) * 32)


def resign(data: bytes, body: dict[str, Any] | None = None, raw: bytes | None = None) -> bytes:
    """The envelope with ``body`` (or raw body bytes) signed by the test key (SPEC §13)."""
    env = envelope.open_envelope(data)
    kind = env.kind
    if raw is None:
        raw = canonical.canonical(body)
    return envelope.wrap(raw, [envelope.sign(kind, raw, KEY)])


def body(data: bytes) -> dict[str, Any]:
    doc: dict[str, Any] = copy.deepcopy(envelope.open_envelope(data).doc)
    return doc


def make_case(
    ann: bytes, rec: bytes, pop: dict[str, bytes], roster: bytes, addenda: list[bytes],
    keys: dict[str, bytes], bls: bool = True,
) -> dict[str, Any]:  # fmt: skip
    return {"ann": ann, "rec": rec, "pop": pop, "roster": roster, "addenda": addenda,
            "keys": keys, "bls": bls}  # fmt: skip


def py_replay(case: dict[str, Any]) -> list[list[str]]:
    """What ``randcheck verify`` does with these files: population files that do not parse
    become an empty stratum and a failed population.<s> check; then the core replay."""
    pop: dict[str, Any] = {}
    over: dict[str, Check] = {}
    for sid, data in case["pop"].items():
        try:
            pop[sid] = commit.parse_population_file(data, sid)
        except RandcheckError as exc:
            pop[sid] = []
            over[f"population.{sid}"] = Check.from_error(f"population.{sid}", exc)
    try:
        roster = canonical.parse(case["roster"], max_depth=32)
        roster = roster if isinstance(roster, dict) else {}
    except RandcheckError:
        roster = {}
    rep = replay(case["ann"], case["rec"], pop, roster, case["keys"], case["addenda"],
                 verify_bls=case["bls"])  # fmt: skip
    return [[c.name, c.status, c.code] for c in (over.get(c.name, c) for c in rep.checks)]


JS_REPLAY = """
(async (cases) => {
  const hx = V.Bytes.fromHex; const out = [];
  for (const c of cases) {
    const pop = {}; const over = {};
    for (const [k, h] of Object.entries(c.pop)) {
      try { pop[k] = await V.Commit.parse_population_file(hx(h), k); } catch (e) {
        if (!(e instanceof V.Checks.RcError)) throw e;
        pop[k] = V.Commit.EMPTY(); over["population." + k] = V.Checks.fromError("population." + k, e);
      }
    }
    let roster = V.Json.object([]);
    try { const r = V.Json.parse(hx(c.roster), 32); if (V.Json.isObject(r)) roster = r; } catch (e) {
      if (!(e instanceof V.Checks.RcError)) throw e;
    }
    const keys = {}; for (const [k, h] of Object.entries(c.keys)) keys[k] = hx(h);
    const checks = await V.Replay.replay(hx(c.ann), hx(c.rec), pop, roster, keys, c.addenda.map(hx),
      { verify_bls: c.bls });
    out.push(checks.map((x) => over[x.name] || x).map((x) => [x.name, x.status, x.code]));
  }
  return out;
})
"""


def js_replay(js: Js, cases: list[dict[str, Any]]) -> list[list[list[str]]]:
    def enc(case: dict[str, Any]) -> dict[str, Any]:
        return {
            "ann": case["ann"].hex(), "rec": case["rec"].hex(), "roster": case["roster"].hex(),
            "pop": {k: v.hex() for k, v in case["pop"].items()},
            "addenda": [a.hex() for a in case["addenda"]],
            "keys": {k: v.hex() for k, v in case["keys"].items()}, "bls": case["bls"],
        }  # fmt: skip

    return js(f"{JS_REPLAY}({json.dumps([enc(c) for c in cases])})")  # type: ignore[no-any-return]


def draw_case() -> dict[str, Any]:
    d = vector("draw")
    u = str.encode
    return make_case(
        u(d["announcement"]), u(d["record"]), {k: u(v) for k, v in d["population"].items()},
        canonical.canonical(d["roster"]), [u(a) for a in d["addenda"]],
        {d["key_id"]: bytes.fromhex(d["public_key"])},
    )  # fmt: skip


def tampered(base: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Named variants of the §13.5 draw, each changing one thing (re-signed where it is a body)."""

    def with_(**kw: Any) -> dict[str, Any]:
        c = dict(base)
        c.update(kw)
        return c

    ann, rec = base["ann"], base["rec"]

    def ann_with(f: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        b = body(ann)
        f(b)
        return with_(ann=resign(ann, b))

    def rec_with(f: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        b = body(rec)
        f(b)
        return with_(rec=resign(rec, b))

    def setp(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
        def f(b: dict[str, Any]) -> None:
            *head, last = path.split(".")
            node: Any = b
            for p in head:
                node = node[int(p)] if isinstance(node, list) else node[p]
            if value is DELETE:
                del node[int(last) if isinstance(node, list) else last]
            elif isinstance(node, list):
                node[int(last)] = value
            else:
                node[last] = value

        return f

    yield "good", base
    yield "good, no BLS", with_(bls=False)
    yield "no trusted key", with_(keys={})
    yield "unknown key only", with_(keys={"ab" * 32: bytes(base["keys"][next(iter(base["keys"]))])})
    for i in (0, 5, len(ann) // 2, len(ann) - 70, len(ann) - 3):
        flipped = bytearray(ann)
        flipped[i] ^= 0x01
        yield f"announcement byte {i} flipped", with_(ann=bytes(flipped))
    for i in (12, len(rec) // 3, len(rec) - 50):
        flipped = bytearray(rec)
        flipped[i] ^= 0x04
        yield f"record byte {i} flipped", with_(rec=bytes(flipped))
    yield "announcement with a space", with_(ann=ann.replace(b'{"signed":{', b'{"signed": {', 1))
    yield "record not canonical", with_(rec=resign(rec, raw=json.dumps(body(rec), ensure_ascii=True,
                                                                       sort_keys=True).encode()))  # fmt: skip
    yield "record is an announcement", with_(rec=ann)
    yield "signature twice", with_(ann=envelope.wrap(envelope.open_envelope(ann).body,
                                                     [*envelope.open_envelope(ann).signatures] * 2))  # fmt: skip
    yield "witness co-signature only", with_(ann=envelope.wrap(envelope.open_envelope(ann).body, [
        envelope.sign("announcement", envelope.open_envelope(ann).body, WITNESS)]))  # fmt: skip
    # the announcement's rules
    for path, value in [
        ("spec", "randcheck/draw/v2"), ("kind", "record"), ("tool", ""), ("practice", 0),
        ("announced_at", "2023-02-29T10:00:00Z"), ("announced_at", "2023-09-15 10:00:00"),
        ("task.departments", []), ("task.departments", ["农业农村局", "农业农村局"]),
        ("task.items", []), ("task.batches", 0), ("task.batches", True), ("task.ratio_cap", None),
        ("task.title", "e\u0301"), ("task.extra", 1), ("strata.0.count", 31),
        ("strata.0.sample_size", 7), ("strata.0.reserve_size", 9), ("strata.0.root", "AB" * 32),
        ("strata.0.rule", {"kind": "ratio", "num": 3, "den": 2}), ("strata.0.rule", {"kind": "x"}),
        ("strata.0.reserve", -1), ("strata.0.id", "B"), ("strata.0.id", "A B"), ("strata", []),
        ("exclusions", []), ("exclusions", {"recent": -1}), ("exclusions", {"": 1}),
        ("exclusions", {"2": 1, "1": "x"}), ("roster.digest", "00" * 32), ("roster.inspectors", 6),
        ("teams.inspect_to", "2023-01-01"), ("teams.qualifications", ["b", "a"]),
        ("teams.min_inspectors", 1), ("teams.max_load", 0), ("teams.rotation", "yes"),
        ("entropy", []), ("entropy.0.commitment", "00"), ("entropy.1.count", 0),
        ("strata.3", DELETE), ("task", DELETE),
    ]:  # fmt: skip
        yield f"announcement {path} = {value!r}", ann_with(setp(path, value))
    # the record
    for path, value in [
        ("seed", "00" * 32), ("practice", 0), ("practice", 1), ("task_id", "x"), ("extra", 1),
        ("drawn_at", "2023-09-15T09:00:00Z"), ("entropy.1.values.0", 5), ("entropy.0.value", "00" * 32),
        ("strata.0.drawn.0.ticket", "00" * 32), ("strata.0.drawn.1.batch", 2),
        ("strata.0.cutoff", None), ("strata.1.reserve", []), ("strata.2.count", 6),
        ("strata.3.drawn", [{"code": "X", "ticket": "00", "batch": 1}]),
        ("teams.0.members.0.id", "ZF001"), ("teams.1", DELETE), ("strata", {}),
        ("strata.0", 5), ("redraw", {"reason": "x"}), ("previous_record", "00" * 32),
    ]:  # fmt: skip
        yield f"record {path} = {value!r}", rec_with(setp(path, value))
    # population files
    pa = base["pop"]["A"]
    lines = pa.split(b"\n")[:-1]
    bad_files = {
        "a code changed": b"\n".join([b"91330100MA0000000X", *lines[1:]]) + b"\n",
        "a code dropped": b"\n".join(lines[1:]) + b"\n",
        "a duplicate": b"\n".join([lines[0], *lines]) + b"\n",
        "unsorted": b"\n".join([lines[1], lines[0], *lines[2:]]) + b"\n",
        "a bad character": b"\n".join([lines[0], lines[1] + b" x", *lines[2:]]) + b"\n",
        "an empty line": b"\n".join([lines[0], b"", *lines[1:]]) + b"\n",
        "a code too long": b"\n".join([*lines, b"Z" * 65]) + b"\n",
        "bad code and unsorted": b"\n".join([lines[0] + b"\x00", lines[2], lines[1]]) + b"\n",
        "no final newline": pa[:-1],
        "empty": b"",
        "CRLF": pa.replace(b"\n", b"\r\n"),
    }
    for name, data in bad_files.items():
        yield f"population A: {name}", with_(pop={**base["pop"], "A": data})
    moved = base["pop"]["B"].split(b"\n")[0]
    yield "a code in two strata", with_(pop={**base["pop"], "A": b"".join(
        sorted([*(x + b"\n" for x in lines), moved + b"\n"]))})  # fmt: skip
    yield "population D missing", with_(pop={k: v for k, v in base["pop"].items() if k != "D"})
    yield "population A and B swapped", with_(pop={**base["pop"], "A": base["pop"]["B"],
                                                  "B": base["pop"]["A"]})  # fmt: skip
    # the roster
    roster = json.loads(base["roster"])
    changes: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
        ("department", lambda r: r["inspectors"][0].update(department="X")),
        ("unsorted conflicts", lambda r: r["conflicts"].reverse()),
        ("no previous", lambda r: r.pop("previous")),
        ("a bad pair", lambda r: r["conflicts"].append(["ZF001"])),
        ("an inspector less", lambda r: r["inspectors"].pop()),
        ("a bad date", lambda r: r["inspectors"][0].update(cert_to="2027-13-01")),
        ("expert as 1", lambda r: r["inspectors"][0].update(expert=1)),
        ("unsorted qualifications", lambda r: r["inspectors"][0].update(qualifications=["b", "a"])),
    ]
    for name, change in changes:
        r = copy.deepcopy(roster)
        change(r)
        yield f"roster: {name}", with_(roster=json.dumps(r, ensure_ascii=False).encode())
    yield "roster: not JSON", with_(roster=b"{")
    yield "roster: a list", with_(roster=b"[]")
    # addenda
    adds = base["addenda"]
    yield "addenda swapped", with_(addenda=[adds[1], adds[0]])
    yield "addendum 1 dropped", with_(addenda=[adds[1]])
    yield "addendum 2 twice", with_(addenda=[adds[0], adds[1], adds[1]])
    flipped = bytearray(adds[1])
    flipped[len(flipped) // 2] ^= 0x02
    yield "addendum 2 byte flipped", with_(addenda=[adds[0], bytes(flipped)])
    for path, value in [("seq", True), ("reason", ""), ("issued_at", "2023-09-01T00:00:00Z"),
                        ("team.0.id", "ZF009"), ("action", "other"), ("target", "X"),
                        ("inspector", "ZF001"), ("replacement", None), ("extra", 1)]:  # fmt: skip
        b = body(adds[0])
        setp(path, value)(b)
        yield f"addendum 1 {path} = {value!r}", with_(addenda=[resign(adds[0], b), adds[1]])
    b = body(adds[1])
    b["action"], b["inspector"] = "replace_inspector", "ZF999"
    yield (
        "addendum 2 replaces an inspector not on the team",
        with_(addenda=[adds[0], resign(adds[1], b)]),
    )
    yield (
        "a teams change skips the addenda",
        with_(rec=resign(rec, {**body(rec), "teams": body(rec)["teams"][::-1]})),
    )


DELETE = object()


def test_replay_of_good_and_tampered_draws_matches_python(js: Js) -> None:
    named = list(tampered(draw_case()))
    assert len(named) > 100
    started = time.perf_counter()
    got = js_replay(js, [c for _, c in named])
    elapsed = time.perf_counter() - started
    statuses = set()
    for (name, case), mine in zip(named, got, strict=True):
        want = py_replay(case)
        assert mine == want, name
        statuses.add(all(s == "ok" for _, s, _ in want))
    assert got[0] == [[n, "ok", "proto.check_ok"] for n, _, _ in got[0]] and len(got[0]) == 21
    assert statuses == {True, False}
    print(f"{len(named)} replays in the browser: {elapsed:.2f} s")


def test_replay_of_the_cases_vectors_matches_python(js: Js) -> None:
    c = vector("cases")
    d = vector("draw")
    keys = {d["key_id"]: bytes.fromhex(d["public_key"])}
    m = c["mainnet"]
    u = str.encode
    pop = {k: u(v) for k, v in m["population"].items()}
    roster = canonical.canonical(m["roster"])
    cases = [
        make_case(u(m["announcement"]), u(m["record"]), pop, roster, [], keys),
        make_case(u(m["announcement"]), u(c["redraw"]["record"]), pop, roster, [], keys),
        make_case(u(m["announcement"]), u(m["record"]), pop, roster, [], keys, bls=False),
        make_case(
            u(c["cap"]["announcement"]),
            u(m["record"]),
            {"S": u(c["cap"]["population"])},
            roster,
            [],
            keys,
        ),
    ]
    got = js_replay(js, cases)
    for case, mine in zip(cases, got, strict=True):
        assert mine == py_replay(case)
    assert all(s == "ok" for _, s, _ in got[0]) and all(s == "ok" for _, s, _ in got[1])
    assert got[2][[n for n, _, _ in got[2]].index("entropy")][1:] == [
        "unverified",
        "proto.drand_bls_not_checked",
    ]
    assert got[3][2] == ["announcement.rules", "fail", c["cap"]["refused_with"]]


# -- the bundle's documents and --entity ----------------------------------------------------------


class FakeFiles(dict):  # type: ignore[type-arg]
    """BundleFiles' mapping for documents.py: the loaded files, none oversize."""

    oversize: ClassVar[dict[str, tuple[int, int]]] = {}

    def absent(self, name: str, path: str) -> Check:
        return Check.failed(name, "verify.missing_file", file=path)


FAKE_FOUND = """((files) => {
  const data = new Map(Object.entries(files).map(([k, v]) => [k, V.Bytes.fromHex(v)]));
  return { get: (p) => data.get(p), has: (p) => data.has(p), keys: () => data.keys(),
    present: new Map([...data].map(([k, v]) => [k, v.length])), oversize: new Map(),
    absent: (name, path) => V.Checks.failed(name, "verify.missing_file", { file: path }) };
})"""


def bundle_files(gz: bool = False) -> dict[str, bytes]:
    d = vector("draw")
    files = {"announcement.json": d["announcement"].encode(), "record.json": d["record"].encode(),
             "roster.json": canonical.canonical(d["roster"])}  # fmt: skip
    for sid, text in d["population"].items():
        files[f"population/{sid}.txt" + (".gz" if gz else "")] = (
            gzip.compress(text.encode(), mtime=0) if gz else text.encode()
        )
    for i, a in enumerate(d["addenda"], start=1):
        files[f"addenda/{i:04d}.json"] = a.encode()
    return files


def test_documents_and_entity_match_python(js: Js) -> None:
    d = vector("draw")
    rec = json.loads(d["record"])["signed"]
    drawn = rec["strata"][0]["drawn"][0]["code"]
    reserve = rec["strata"][0]["reserve"][0]["code"]
    replaced = json.loads(d["addenda"][0])["signed"]["target"]
    undrawn = next(
        c
        for c in d["population"]["A"].split()
        if c not in {x["code"] for s in rec["strata"] for x in s["drawn"] + s["reserve"]}
    )
    queries = [drawn, reserve, replaced, undrawn, drawn.lower(), " " + drawn + "\u3000",
               "91330100MA0000000Y", "91330100MA000000", "", "123456789012345", "ABC"]  # fmt: skip
    for gz, files in ((False, bundle_files()), (True, bundle_files(gz=True))):
        found = FakeFiles(files)
        docs = pydocs.documents(found)  # type: ignore[arg-type]
        pop, over = pydocs.population(found, docs.ann)  # type: ignore[arg-type]
        want = [pydocs.entity(q, docs, pop) for q in queries]
        got = js(
            f"""(async () => {{
              const found = {FAKE_FOUND}({json.dumps({k: v.hex() for k, v in files.items()})});
              const docs = await V.Documents.documents(found);
              const [pop, over] = await V.Documents.population(found, docs.ann);
              const out = [];
              for (const q of {json.dumps(queries)}) out.push(await V.Documents.entity(q, docs, pop));
              return [docs.add_raw.length, docs.ann_env.digest, docs.rec_env.digest, Object.keys(over),
                Object.fromEntries(Object.entries(pop).map(([k, l]) => [k, l.n])), out];
            }})()"""
        )
        assert got[:5] == [2, d["announcement_digest"], d["record_digest"], list(over),
                           {k: len(v) for k, v in pop.items()}]  # fmt: skip
        assert got[5] == json.loads(json.dumps(want)), gz
    # a broken gzip file and a missing one give Python's overrides
    files = bundle_files(gz=True)
    files["population/A.txt.gz"] = files["population/A.txt.gz"][:-9]
    del files["population/B.txt.gz"]
    found = FakeFiles(files)
    docs = pydocs.documents(found)  # type: ignore[arg-type]
    _, over = pydocs.population(found, docs.ann)  # type: ignore[arg-type]
    got = js(
        f"""(async () => {{
          const found = {FAKE_FOUND}({json.dumps({k: v.hex() for k, v in files.items()})});
          const docs = await V.Documents.documents(found);
          return (await V.Documents.population(found, docs.ann))[1];
        }})()"""
    )
    assert got == {k: c.to_json() for k, c in over.items()}


def test_soft_body_matches_python(js: Js) -> None:
    d = vector("draw")
    inputs = [d["announcement"].encode(), b"{", b'{"signed":[]}', b'{"signed":{"a":1}}', b"[]"]
    got = js(
        f"{json.dumps([i.hex() for i in inputs])}.map((h) => V.Documents.soft_body(V.Bytes.fromHex(h)))"
    )
    assert got == [pydocs.soft_body(i) for i in inputs]


def test_uscc_check_matches_python(js: Js) -> None:
    codes = ["91330100MA0042542G", "91330100ma0042542g", "９１３３０１００ＭＡ００４２５４２Ｇ",
             "91330100MA0042542H", "91330100MA004254XG", "9133A100MA0042542G", "91330100MA00425I2G",
             "110108000000016", "110108000000017", "11010800000001X", "", "  ", "ABC",
             "91 33 01 00 MA00 4254 2G", "91330100MA0042542G\u00a0"]  # fmt: skip
    got = js(f"{json.dumps(codes)}.map((c) => V.Uscc.check(c))")
    for c, mine in zip(codes, got, strict=True):
        r = uscc.check(c)
        assert mine == {"code": r.code, "kind": r.kind, "error": r.error,
                        "warnings": list(r.warnings), "params": dict(r.params), "ok": r.ok}, c  # fmt: skip


# -- speed ------------------------------------------------------------------------------------


def test_population_root_of_a_million_codes(js: Js) -> None:
    """1,000,000 codes: parsing the file, its root (WebCrypto and noble) and the disjointness
    check, timed in the browser; the root equals Python's."""
    n = 1_000_000
    out = js(
        f"""(async () => {{
          const n = {n}; const w = 18; const file = new Uint8Array(n * (w + 1));
          const head = V.Bytes.utf8("91110000MA");
          for (let i = 0; i < n; i++) {{
            const o = i * (w + 1); file.set(head, o);
            const s = String(i).padStart(7, "0");
            for (let k = 0; k < 7; k++) file[o + 10 + k] = s.charCodeAt(k);
            file[o + 17] = 88; file[o + 18] = 10;
          }}
          const t0 = performance.now();
          const list = await V.Commit.parse_population_file(file, "S");
          const t1 = performance.now();
          V.Commit.set_hash_mode("webcrypto");
          const root = await V.Commit.population_root(list);
          const t2 = performance.now();
          V.Commit.set_hash_mode("noble");
          const root2 = await V.Commit.population_root(list);
          const t3 = performance.now();
          V.Commit.set_hash_mode("webcrypto");
          await V.Announce.check_disjoint({{ S: list, T: V.Commit.from_codes(["91110000MA0999999Y", "Z"]) }});
          const t4 = performance.now();
          return [list.n, root, root2, t1 - t0, t2 - t1, t3 - t2, t4 - t3];
        }})()"""
    )
    data = b"".join(b"91110000MA%07dX\n" % i for i in range(n))
    want = commit.population_root(commit.parse_population_file(data))
    count, root, root2, parse_ms, web_ms, noble_ms, disjoint_ms = out
    assert count == n and root == want and root2 == want
    print(f"1,000,000 codes in Chromium: parse {parse_ms:.0f} ms, root {web_ms:.0f} ms (WebCrypto) / "
          f"{noble_ms:.0f} ms (noble), disjoint {disjoint_ms:.0f} ms")  # fmt: skip
    assert parse_ms + web_ms < 3000


def test_replay_of_a_v2_draw_matches_python(js: Js) -> None:
    """randcheck/draw/v2 (tests/vectors/v2.json, the §13.5 population and roster): the record's
    extra ``commitment`` key, the announcement's ``ordering``, and tampered variants of both."""
    v, d = vector("v2"), vector("draw")
    base = make_case(
        v["announcement"].encode(),
        v["record"].encode(),
        {k: x.encode() for k, x in d["population"].items()},
        canonical.canonical(d["roster"]),
        [],
        {d["key_id"]: bytes.fromhex(d["public_key"])},
    )
    ann, rec = body(base["ann"]), body(base["rec"])
    variants = [base]
    changes: list[Callable[[dict[str, Any], dict[str, Any]], object]] = [
        lambda a, r: r.pop("commitment"),
        lambda a, r: r.update(spec="randcheck/draw/v1"),
        lambda a, r: a["ordering"]["witnesses"].reverse(),
        lambda a, r: a["ordering"].update(tsa=["AB" * 32]),
        lambda a, r: a["ordering"].update(extra=[]),
        lambda a, r: a.update(ordering=[]),
        lambda a, r: a["entropy"][3].update(round=657413),
        lambda a, r: a["entropy"][3].update(margin=3601),
    ]
    for change in changes:
        a2, r2 = copy.deepcopy(ann), copy.deepcopy(rec)
        change(a2, r2)
        new_ann = resign(base["ann"], a2)
        r2["announcement"] = envelope.open_envelope(new_ann).digest
        variants.append({**base, "ann": new_ann, "rec": resign(base["rec"], r2)})
    got = js_replay(js, variants)
    for case, mine in zip(variants, got, strict=True):
        assert mine == py_replay(case)
    assert all(s == "ok" for _, s, _ in got[0]) and len(got[0]) == 19
    assert sum(all(s == "ok" for _, s, _ in g) for g in got) == 1


def test_population_file_errors_and_params_match_python(js: Js) -> None:
    files = [
        b"", b"A\n", b"A\nB\n", b"B\nA\n", b"A\nA\n", b"A\nAB\nA\n", b"AB\nA\n", b"A\n\nB\n",
        b"\n", b"A", b"A\nB", b"A \nB\n", b"A\nB\x00\nA\n", b"~\n\xc3\xa9\n", b"Z" * 64 + b"\n",
        b"Z" * 65 + b"\n", b"a\nb\r\n", b"0\n00\n000\n",
    ]  # fmt: skip
    want = []
    for f in files:
        try:
            want.append(["ok", len(commit.parse_population_file(f, "S"))])
        except RandcheckError as exc:
            want.append([exc.code, dict(exc.params)])
    got = js(
        f"""(async () => {{ const out = [];
          for (const h of {json.dumps([f.hex() for f in files])}) {{
            try {{ out.push(["ok", (await V.Commit.parse_population_file(V.Bytes.fromHex(h), "S")).n]); }}
            catch (e) {{ out.push([e.code, e.params]); }}
          }}
          return out; }})()"""
    )
    assert got == want
    # the code shared by two strata, named as Python names it
    a, b, c = (commit.parse_population_file(x) for x in (b"A\nC\nE\n", b"B\nC\nE\n", b"0\nE\n"))
    with pytest.raises(RandcheckError) as raised:
        check_disjoint({"a": a, "b": b, "c": c})
    got = js(
        "(async () => { const f = (s) => V.Commit.parse_population_file(V.Bytes.utf8(s));"
        " try { await V.Announce.check_disjoint({a: await f('A\\nC\\nE\\n'), b: await f('B\\nC\\nE\\n'),"
        " c: await f('0\\nE\\n')}); return null; } catch (e) { return [e.code, e.params]; } })()"
    )
    assert got == [raised.value.code, dict(raised.value.params)]
