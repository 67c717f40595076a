"""The randomness in the browser (js/drand.js, entropy.js, seed.js, select.js, pairing.js)
against the Python it ports: the vectors of SPEC §13 (seed, tickets, the §13.5 draw, the
mainnet case of §13.7 with 回避 and rotation, its redraw, the 一般 cap), every drand case of
tests/core/draw/test_drand.py and more point encodings, evidence tampered in many ways, and
selection and pairing on generated pools and rosters (many cases per ``js()`` call).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from randcheck.core.draw import drand, record, select
from randcheck.core.draw.announce import parse_announcement
from randcheck.core.draw.drand import CHAINS, round_at, round_time, verify_round
from randcheck.core.draw.envelope import open_envelope
from randcheck.core.draw.model import Inspector, Roster, Rule, Task, TeamRules
from randcheck.core.draw.pairing import Member, Pairing
from randcheck.errors import RandcheckError

pytestmark = pytest.mark.browser

JS = Callable[[str], Any]
VECTORS = Path(__file__).resolve().parents[2] / "vectors"
MAINNET, QUICKNET = CHAINS["mainnet"], CHAINS["quicknet"]

#: helpers every expression below may use (inside one async function)
PRELUDE = """
const H = V.Bytes.hex, X = V.Bytes.fromHex, U = V.Bytes.utf8;
const cl = (text) => V.Select.codeList(text.split("\\n").filter((x) => x).map(U));
const ascii = (c) => String.fromCharCode(...c);
const strataJson = (ann, draws) => ann.strata.map((p, k) => ({
  id: p.id, count: p.count, root: p.root, sample_size: p.sample_size,
  cutoff: draws[k].drawn.length ? H(draws[k].drawn[draws[k].drawn.length - 1][0]) : null,
  drawn: draws[k].drawn.map(([t, c], r) => ({ code: ascii(c), ticket: H(t),
    batch: V.Select.batch(r, ann.task.batches, p.sample_size) })),
  reserve: draws[k].reserve.map(([t, c]) => ({ code: ascii(c), ticket: H(t) })),
}));
const teamsJson = (ts) => ts.map(([c, s, ms]) => ({ target: c, stratum: s, members: ms.map((m) => m.to_json()) }));
const outcome = async (f) => {
  try { const v = await f(); return { ok: v === undefined ? null : v }; }
  catch (e) {
    const params = e.params ? JSON.parse(JSON.stringify(e.params, (k, v) => (typeof v === "bigint" ? String(v) : v))) : null;
    return { code: e.code || e.name, params };
  }
};
"""


def run(js: JS, body: str) -> Any:
    """Run ``body`` (statements ending in ``return …``) with the prelude, in one round trip."""
    return js(f"(async () => {{ {PRELUDE}\n{body}\n}})()")


def vector(name: str) -> Any:
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


def ann_json(ann: Any) -> str:
    """An Announcement (or any dataclass) as the JS object Announce.parse_announcement builds."""
    return json.dumps(dataclasses.asdict(ann), ensure_ascii=False)


def outcome(fn: Callable[..., Any], *args: Any) -> dict[str, Any]:
    """Python's outcome of ``fn(*args)`` in the shape of the prelude's ``outcome``."""
    try:
        value = fn(*args)
    except RandcheckError as exc:
        big = {
            k: str(v) if type(v) is int and abs(v) > 2**53 - 1 else v for k, v in exc.params.items()
        }
        return {"code": exc.code, "params": big}
    except (TypeError, ValueError, KeyError) as exc:
        return {"code": type(exc).__name__, "params": None}
    return {"ok": None if value is None else value}


def codes_only(o: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in o.items() if k != "params"}


# --- SPEC §13.2, §13.3: seed and tickets ------------------------------------------------------


def test_seed_vector(js: JS) -> None:
    v = vector("seed")
    got = run(
        js,
        f"""
        const v = {json.dumps(v, ensure_ascii=False)};
        const ikm = V.Seed.ikm(v.sources, v.evidence);
        const seed = V.Seed.derive_seed(v.announcement_digest, ikm);
        const keys = {{}};
        for (const s of Object.keys(v.ticket_keys)) keys[s] = H(V.Seed.ticket_key(seed, s));
        return {{
          encodings: v.sources.map((s, i) => H(V.Entropy.encode(v.evidence[i], s))),
          ikm: H(ikm), seed: H(seed), pairing_key: H(V.Seed.pairing_key(seed)), ticket_keys: keys,
          nonce: V.Entropy.nonce_commitment(X(v.evidence[0].value)),
        }};
        """,
    )
    assert got == {
        "encodings": v["encodings"],
        "ikm": v["ikm"],
        "seed": v["seed"],
        "pairing_key": v["pairing_key"],
        "ticket_keys": v["ticket_keys"],
        "nonce": v["sources"][0]["commitment"],
    }


def test_tickets_vector(js: JS) -> None:
    v = vector("tickets")
    got = run(
        js,
        f"""
        const v = {json.dumps(v)};
        const key = X(v.key), codes = v.codes.map(U);
        const d = await V.Select.draw_stratum(key, cl(v.codes.join("\\n")), 2, 2);
        return {{
          one: codes.map((c) => H(V.Select.ticket(key, c))),
          all: V.Select.tickets(key, codes).map(H),
          ranking: (await V.Select.lowest(key, cl(v.codes.join("\\n")), 99)).map(([t, c]) => ascii(c)),
          drawn: d.drawn.map(([t, c]) => ascii(c)), reserve: d.reserve.map(([t, c]) => ascii(c)),
          from_array: (await V.Select.draw_stratum(key, codes, 1, 0)).drawn.map(([t, c]) => H(t)),
        }};
        """,
    )
    assert got["one"] == got["all"] == v["tickets"]
    assert got["ranking"] == v["ranking"]
    assert (got["drawn"], got["reserve"]) == (v["ranking"][:2], v["ranking"][2:])
    assert got["from_array"] == [v["tickets"][v["codes"].index(v["ranking"][0])]]


# --- SPEC §13.5, §13.7, §13.8: the random parts of whole draws --------------------------------


def random_parts(js: JS, ann_text: str, rec_text: str, population: dict[str, str],
                 roster: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    """Entropy, seed, selection and teams recomputed in the browser, and the record's own."""
    env = open_envelope(ann_text.encode(), "announcement")
    ann = parse_announcement(env.doc)
    rec = open_envelope(rec_text.encode(), "record").doc
    got = run(
        js,
        f"""
        const ann = {ann_json(ann)}, rec = {json.dumps(rec, ensure_ascii=False)};
        const texts = {json.dumps(population)}, pop = {{}};
        for (const k of Object.keys(texts)) pop[k] = cl(texts[k]);
        const entropy = await outcome(() => V.Entropy.check_entropy(ann, rec.entropy, rec.drawn_at, true));
        const seed = V.Seed.derive_seed({json.dumps(env.digest)}, V.Seed.ikm(ann.entropy, rec.entropy));
        const draws = await V.Select.select_all(ann, pop, seed);
        const [teams, pairing] = V.Pairing.staff_all(ann, {json.dumps(roster)}, seed, draws);
        return {{ entropy, seed: H(seed), strata: strataJson(ann, draws), teams: teamsJson(teams),
                 loads: Object.assign({{}}, pairing.loads) }};
        """,
    )
    loads: dict[str, int] = {i["id"]: 0 for i in roster["inspectors"]}
    for t in rec["teams"]:
        for m in t["members"]:
            loads[m["id"]] += 1
    want = {"entropy": {"ok": None}, "seed": rec["seed"], "strata": rec["strata"],
            "teams": rec["teams"], "loads": loads}  # fmt: skip
    return got, want


def test_draw_vector_random_parts(js: JS) -> None:
    v = vector("draw")
    got, want = random_parts(js, v["announcement"], v["record"], v["population"], v["roster"])
    assert got == want
    assert any(len(s["reserve"]) for s in want["strata"])
    assert any(d["batch"] > 1 for s in want["strata"] for d in s["drawn"])


def test_mainnet_case_random_parts_with_conflicts_and_rotation(js: JS) -> None:
    c = vector("cases")
    m = c["mainnet"]
    got, want = random_parts(js, m["announcement"], m["record"], m["population"], m["roster"])
    assert got == want
    # the same seed without 回避 and rotation gives the other teams the vector lists
    free = {**m["roster"], "conflicts": [], "previous": []}
    got, _ = random_parts(js, m["announcement"], m["record"], m["population"], free)
    expected = m["teams_without_constraints"]
    assert [{"target": t["target"], "members": [x["id"] for x in t["members"]]}
            for t in got["teams"]] == expected  # fmt: skip
    assert expected != [{"target": t["target"], "members": [x["id"] for x in t["members"]]}
                        for t in want["teams"]]  # fmt: skip
    # the redraw: a new record under the same announcement, its own entropy and draw
    r = c["redraw"]
    got, want = random_parts(js, m["announcement"], r["record"], m["population"], m["roster"])
    assert got == want


def test_cap_case(js: JS) -> None:
    cap = vector("cases")["cap"]
    ann_doc = json.loads(cap["announcement"])["signed"]
    task = Task.from_json(ann_doc["task"])
    rule = Rule.from_json(cap["rule"])
    got = run(
        js,
        f"""
        const task = {json.dumps(dataclasses.asdict(task), ensure_ascii=False)};
        const size = V.Select.sample_size({json.dumps(dataclasses.asdict(rule))}, {cap["count"]});
        const refused = await outcome(() => V.Select.check_cap(task, "G", {cap["count"]}, size));
        const within = await outcome(() => V.Select.check_cap(task, "G", {cap["count"]}, {cap["limit"]}));
        return {{ size, refused, within }};
        """,
    )
    assert got["size"] == cap["sample_size"]
    assert got["refused"] == {"code": cap["refused_with"],
                              "params": {"stratum": "G", "size": 5, "limit": cap["limit"]}}  # fmt: skip
    assert got["within"] == {"ok": None}


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["count", "ratio"]),
            st.integers(0, 2**53 - 1),
            st.integers(1, 2**53 - 1),
            st.integers(1, 2**53 - 1),
            st.integers(0, 2**53 - 1),
            st.one_of(st.none(), st.tuples(st.integers(1, 1000), st.integers(1, 1000))),
            st.booleans(),
        ),
        min_size=40,
        max_size=40,
    )
)
def test_sample_size_and_cap_equal_python(js: JS, rows: list[Any]) -> None:
    cases, want = [], []
    for kind, n, num, den, count, cap, general in rows:
        num = min(num, den)
        count = count % (10**6) if n % 2 else count
        rule = Rule.count(n % 1000 if n % 3 else n) if kind == "count" else Rule.ratio(num, den)
        ratio_cap = None if cap is None else (min(cap), max(cap))
        task = {"items": [{"code": "x", "kind": "general" if general else "key"}],
                "ratio_cap": ratio_cap}  # fmt: skip
        size = select.sample_size(rule, count)
        task_obj = Task("t", "t", ("d",), (_item(general),), 1, ratio_cap)
        capped = outcome(select.check_cap, task_obj, "S", count, size)
        want.append({"size": size, "cap": codes_only(capped)})
        cases.append({"rule": dataclasses.asdict(rule), "count": count, "task": task})
    got = run(
        js,
        f"""
        const out = [];
        for (const c of {json.dumps(cases)}) {{
          const size = V.Select.sample_size(c.rule, c.count);
          const cap = await outcome(() => V.Select.check_cap(c.task, "S", c.count, size));
          delete cap.params;
          out.push({{ size, cap }});
        }}
        return out;
        """,
    )
    assert got == want


def _item(general: bool) -> Any:
    from randcheck.core.draw.model import Item

    return Item("x", "general" if general else "key")


# --- drand: every case of tests/core/draw/test_drand.py, and more encodings ---------------------

M72785_PREV = (
    "a609e19a03c2fcc559e8dae14900aaefe517cb55c840f6e69bc8e4f66c8d18e8a609685d9917efbfb0c37f058c2de88f"
    "13d297c7e19e0ab24813079efe57a182554ff054c7638153f9b26a60e7111f71a0ff63d9571704905d3ca6df0b031747"
)
M72785_SIG = (
    "82f5d3d2de4db19d40a6980e8aa37842a0e55d1df06bd68bddc8d60002e8e959eb9cfa368b3c1b77d18f02a54fe047b8"
    "0f0989315f83b12a74fd8679c4f12aae86eaf6ab5690b34f1fddd50ee3cc6f6cdf59e95526d5a5d82aaa84fa6f181e42"
)
M1337_PREV = (
    "80d95247ddf1bb3acf5738497a5f10406be283144603f63d714bb1a44ff6b93285ae2697fffeb50c68862bd9fbecd4b2"
    "04b1798d2686b4ac5d573615031d9d67e6168bde9a7adf1161430a498ca701a25c216aee3e38ffd5290369034fa050a2"
)
M1337_SIG = (
    "945b08dcb30e24da281ccf14a646f0630ceec515af5c5895e18cc1b19edd65d156b71c776a369af3487f1bc6af106250"
    "0b059e01095cc0eedce91713977d7735cac675554edfa0d0481bb991ed93d333d08286192c05bf6b65d20f23a37fc7bb"
)
Q657413_SIG = "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b"
P = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB


def flip(hex_value: str, index: int, bit: int = 0x01) -> str:
    raw = bytearray(bytes.fromhex(hex_value))
    raw[index] ^= bit
    return raw.hex()


def chain(base: drand.DrandChain, **changes: Any) -> drand.DrandChain:
    return dataclasses.replace(base, **changes)


def curve_points(group: int, count: int, seed: int) -> list[str]:
    """Compressed encodings whose x has a y on the curve (so they decode), found at random: all
    but the rarest are outside the prime-order subgroup (the cofactors are large)."""
    from py_ecc.bls.g2_primitives import pubkey_to_G1, signature_to_G2

    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        raw = bytearray(rng.randbytes(48 * group))
        raw[0] = (raw[0] & 0x1F) | 0x80 | (0x20 if rng.random() < 0.5 else 0)
        try:
            (pubkey_to_G1 if group == 1 else signature_to_G2)(bytes(raw))  # type: ignore[arg-type]
        except Exception:  # not on the curve, or x ≥ p: try another
            continue
        out.append(raw.hex())
    return out


def g1_off_subgroup() -> str:
    """A compressed point on the G1 curve (y² = x³ + 4) outside the order-q subgroup (as
    tests/core/draw/test_drand.py finds it: the first x that has a y)."""
    from py_ecc.bls.g2_primitives import G1_to_pubkey
    from py_ecc.fields import optimized_bls12_381_FQ as FQ
    from py_ecc.optimized_bls12_381.optimized_curve import curve_order, is_inf, multiply

    x = 1
    while True:
        y2 = (x**3 + 4) % P
        y = pow(y2, (P + 1) // 4, P)
        if y * y % P == y2:
            point = (FQ(x), FQ(y), FQ(1))
            if not is_inf(multiply(point, curve_order)):
                return bytes(G1_to_pubkey(point)).hex()
        x += 1


def drand_cases() -> list[tuple[drand.DrandChain, Any, Any, Any, str]]:
    """(chain, round, signature, previous, JS expression of round) for every refusal and pass."""
    from py_ecc.bls.g2_primitives import G1_to_pubkey, G2_to_signature
    from py_ecc.optimized_bls12_381.optimized_curve import G1, G2

    M, Q = MAINNET, QUICKNET
    cases: list[tuple[drand.DrandChain, Any, Any, Any]] = [
        (M, 72785, M72785_SIG, M72785_PREV),
        (M, 1337, M1337_SIG, M1337_PREV),
        (Q, 657413, Q657413_SIG, None),
        (M, 72786, M72785_SIG, M72785_PREV),
        (M, 321, M72785_SIG, M72785_PREV),
        (M, 72785, M72785_SIG, M1337_PREV),
        (Q, 657414, Q657413_SIG, None),
        (chain(M, name="fake-mainnet", public_key=G1_to_pubkey(G1).hex()), 72785, M72785_SIG, M72785_PREV),
        (chain(Q, name="fake-quicknet", public_key=G2_to_signature(G2).hex()), 657413, Q657413_SIG, None),
        (M, 72785, M72785_SIG, None),  # missing previous
        (Q, 657413, Q657413_SIG, M72785_PREV),  # unexpected previous
        (chain(Q, scheme="bls-unchained-on-g1"), 657413, Q657413_SIG, None),
        (Q, 72785, M72785_SIG, M72785_PREV),  # wrong chain: lengths
        (M, 657413, Q657413_SIG, M72785_PREV),
        (chain(M, public_key=Q.public_key), 72785, M72785_SIG, M72785_PREV),
    ]  # fmt: skip
    for i in (0, 1, 20, 47):
        cases += [
            (chain(M, public_key=flip(M.public_key, i)), 72785, M72785_SIG, M72785_PREV),
            (chain(Q, public_key=flip(Q.public_key, i)), 657413, Q657413_SIG, None),
            (M, 72785, flip(M72785_SIG, i), M72785_PREV),
            (Q, 657413, flip(Q657413_SIG, i), None),
        ]
    off = g1_off_subgroup()
    inf1, inf2 = "c0" + "00" * 47, "c0" + "00" * 95
    cases += [
        (Q, 657413, off, None),
        (chain(M, public_key=off), 72785, M72785_SIG, M72785_PREV),
        (chain(M, public_key=inf1), 72785, M72785_SIG, M72785_PREV),
        (chain(Q, public_key=inf2), 657413, Q657413_SIG, None),
        (M, 72785, inf2, M72785_PREV),
        (Q, 657413, inf1, None),
    ]
    bad_hex: list[Any] = [
        M72785_SIG.upper(), M72785_SIG[:-1], "0x" + M72785_SIG[2:], M72785_SIG[:-2] + "zz",
        M72785_SIG[:-2] + " 2", " " + M72785_SIG[1:], M72785_SIG[:-2] + "٤٢", 12,
    ]  # fmt: skip
    for bad in bad_hex:
        cases += [
            (M, 72785, bad, M72785_PREV),
            (M, 72785, M72785_SIG, bad),
            (Q, 657413, bad, None),
            (chain(M, public_key=bad), 72785, M72785_SIG, M72785_PREV),
        ]
    for length in (0, 32, 47, 49, 95, 97, 192):
        value = "ab" * length
        cases += [
            (M, 72785, value, M72785_PREV),
            (M, 72785, M72785_SIG, value),
            (Q, 657413, value, None),
            (chain(Q, public_key=value), 657413, Q657413_SIG, None),
        ]
    for bad_round in (0, -1, True, False, "72785", None):
        cases.append((M, bad_round, M72785_SIG, M72785_PREV))
    # more encodings: flags, coordinates ≥ p, points on the curve outside the subgroup
    qsig = bytes.fromhex(Q657413_SIG)
    p_g1 = bytearray(P.to_bytes(48, "big"))
    p_g1[0] |= 0x80
    cases += [
        (Q, 657413, flip(Q657413_SIG, 0, 0x20), None),  # the other y: a valid point, wrong sig
        (Q, 657413, flip(Q657413_SIG, 0, 0x80), None),  # not compressed
        (Q, 657413, flip(Q657413_SIG, 0, 0x40), None),  # infinity flag on a non-zero x
        (Q, 657413, bytes([qsig[0] | 0xE0]).hex() + qsig[1:].hex(), None),
        (Q, 657413, p_g1.hex(), None),  # x = p
        (Q, 657413, "80" + "00" * 47, None),  # x = 0
        (M, 72785, p_g1.hex() + "00" * 48, M72785_PREV),  # x1 = p
        (M, 72785, "80" + "00" * 47 + P.to_bytes(48, "big").hex(), M72785_PREV),  # x0 = p
        (M, 72785, flip(M72785_SIG, 0, 0x20), M72785_PREV),
        (M, 72785, flip(M72785_SIG, 0, 0x80), M72785_PREV),
        (chain(M, public_key=flip(M.public_key, 0, 0x20)), 72785, M72785_SIG, M72785_PREV),
        (chain(Q, public_key=flip(Q.public_key, 0, 0x20)), 657413, Q657413_SIG, None),
    ]
    for pt in curve_points(1, 3, 1):
        cases += [(Q, 657413, pt, None), (chain(M, public_key=pt), 72785, M72785_SIG, M72785_PREV)]
    for pt in curve_points(2, 3, 2):
        cases += [(M, 72785, pt, M72785_PREV), (chain(Q, public_key=pt), 657413, Q657413_SIG, None)]
    return [(c, r, s, p, json.dumps(r)) for c, r, s, p in cases] + [
        (M, 2**64, M72785_SIG, M72785_PREV, "18446744073709551616n"),
        (M, 2**64 - 1, M72785_SIG, M72785_PREV, "18446744073709551615n"),
    ]


def _verify_hex(c: drand.DrandChain, r: Any, s: Any, p: Any) -> str:
    return verify_round(c, r, s, p).hex()


def test_drand_cases_equal_python(js: JS) -> None:
    cases = drand_cases()
    want = []
    for c, r, s, p, _ in cases:
        want.append(outcome(_verify_hex, c, r, s, p))
    rows = ",\n".join(
        f"[{json.dumps(dataclasses.asdict(c))}, {r_js}, {json.dumps(s)}, {json.dumps(p)}]"
        for c, _, s, p, r_js in cases
    )
    got = run(
        js,
        f"""
        const out = [];
        for (const [chain, round, sig, prev] of [{rows}]) {{
          out.push(await outcome(() => H(V.Drand.verify_round(chain, round, sig, prev))));
        }}
        return out;
        """,
    )
    assert len(got) == len(want)
    for case, g, w in zip(cases, got, want, strict=True):
        assert g == w, case[1:4]
    codes = {w.get("code") for w in want}
    assert {"drand.bad_signature", "drand.bad_public_key", "drand.signature_not_point",
            "drand.bad_hex", "drand.bad_length", "drand.bad_round", "drand.missing_previous",
            "drand.unexpected_previous", "drand.unsupported_scheme", None} <= codes  # fmt: skip


def test_pinned_chains_and_round_times(js: JS) -> None:
    got = run(
        js,
        f"""
        const C = V.Drand.CHAINS;
        const unknown = [];
        for (const h of {json.dumps(["", MAINNET.chain_hash.upper(), MAINNET.chain_hash[:-1] + "f", "default"])}) {{
          unknown.push(await outcome(() => V.Drand.chain_by_hash(h)));
        }}
        return {{
          chains: C, byHash: Object.keys(C).every((n) => V.Drand.chain_by_hash(C[n].chain_hash) === C[n]),
          unknown: unknown.map((o) => [o.code, o.params.chain_hash]),
          times: [V.Drand.round_time(C.quicknet, 1), V.Drand.round_time(C.quicknet, 657413),
                  V.Drand.round_time(C.mainnet, 72785)],
          at: [1595431050, 1595431051, 1595431050 + 30, 1595431050 + 31, 0].map((t) => V.Drand.round_at(C.mainnet, t)),
          badTime: await Promise.all([1.5, "1700000000", null, true].map((t) => outcome(() => V.Drand.round_at(C.quicknet, t)))),
          badRoundTime: (await outcome(() => V.Drand.round_time(C.mainnet, 0))).code,
        }};
        """,
    )
    assert got["chains"] == {n: dataclasses.asdict(c) for n, c in CHAINS.items()}
    assert got["byHash"] is True
    assert all(code == "drand.unknown_chain" for code, _ in got["unknown"])
    assert [h for _, h in got["unknown"]] == [
        "",
        MAINNET.chain_hash.upper(),
        MAINNET.chain_hash[:-1] + "f",
        "default",
    ]
    assert got["times"] == [
        round_time(QUICKNET, 1),
        round_time(QUICKNET, 657413),
        round_time(MAINNET, 72785),
    ]
    assert got["at"] == [1, 2, 2, 3, 1]
    assert [o["code"] for o in got["badTime"]] == ["drand.bad_time"] * 4
    assert got["badRoundTime"] == "drand.bad_round"


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["mainnet", "quicknet"]),
            st.integers(1, 2**40),
            st.integers(-(2**40), 2**42),
        ),
        min_size=100,
        max_size=100,
    )
)
def test_round_at_and_round_time_equal_python(js: JS, rows: list[tuple[str, int, int]]) -> None:
    want = [[round_time(CHAINS[n], r), round_at(CHAINS[n], round_time(CHAINS[n], r) + 1), round_at(CHAINS[n], t)]
            for n, r, t in rows]  # fmt: skip
    got = run(
        js,
        f"""
        const C = V.Drand.CHAINS;
        return {json.dumps(rows)}.map(([n, r, t]) => [V.Drand.round_time(C[n], r),
          V.Drand.round_at(C[n], V.Drand.round_time(C[n], r) + 1), V.Drand.round_at(C[n], t)]);
        """,
    )
    assert got == want


# --- entropy: evidence checked as Python checks it ----------------------------------------------


def _mutations(rec: dict[str, Any]) -> list[tuple[Any, Any, bool]]:
    """(evidence, drawn_at, verify_bls) variants of a record's good evidence."""
    ev = rec["entropy"]
    drawn = rec["drawn_at"]

    def with_item(i: int, **changes: Any) -> list[dict[str, Any]]:
        out = [dict(e) for e in ev]
        for k, v in changes.items():
            if v is KeyError:
                del out[i][k]
            else:
                out[i][k] = v
        return out

    kinds = {e["type"]: i for i, e in enumerate(ev)}
    out: list[tuple[Any, Any, bool]] = [
        (ev, drawn, True),
        (ev, drawn, False),
        ({"0": ev[0]}, drawn, True),
        (ev[:-1], drawn, True),
        ([*ev, ev[0]], drawn, True),
        (ev, "2000-01-01T00:00:00Z", True),
        (ev, 20230915, True),
        (ev, None, True),
        (ev, "2099-01-01 00:00:00", True),
        (ev, "2099-13-01T00:00:00Z", True),
        (ev, "2099-01-01T00:00:00Z", True),
        (list(reversed(ev)), drawn, True),
        ([*ev[:1], "x", *ev[2:]], drawn, True),
    ]
    n = kinds["nonce"]
    value = ev[n]["value"]
    out += [
        (with_item(n, value=value.upper()), drawn, True),
        (with_item(n, value=value[:2] + " " + value[2:]), drawn, True),
        (with_item(n, value=value[:-2] + "zz"), drawn, True),
        (with_item(n, value=value[:-1]), drawn, True),
        (with_item(n, value=flip(value, 3)), drawn, True),
        (with_item(n, value=value[:-2]), drawn, True),
        (with_item(n, value=int(value[:8], 16)), drawn, True),
        (with_item(n, value=None), drawn, True),
        (with_item(n, value=KeyError), drawn, True),
        (with_item(n, extra=1), drawn, True),
        (with_item(n, type="dice"), drawn, True),
        (with_item(n, type=True), drawn, True),
    ]
    for kind, values, names in (
        ("dice", "values", ["witness"]),
        ("lottery", "numbers", ["name", "period"]),
    ):
        if kind not in kinds:
            continue
        i = kinds[kind]
        vs = ev[i][values]
        out += [
            (with_item(i, **{values: vs[:-1]}), drawn, True),
            (with_item(i, **{values: [*vs, vs[0]]}), drawn, True),
            (with_item(i, **{values: [*vs[:-1], 0]}), drawn, True),
            (with_item(i, **{values: [*vs[:-1], 1001]}), drawn, True),
            (with_item(i, **{values: [*vs[:-1], True]}), drawn, True),
            (with_item(i, **{values: [*vs[:-1], str(vs[-1])]}), drawn, True),
            (with_item(i, **{values: [*vs[:-1], None]}), drawn, True),
            (with_item(i, **{values: {"0": vs[0]}}), drawn, True),
            (with_item(i, **{values: "1,2,3"}), drawn, True),
            (with_item(i, **{values: KeyError}), drawn, True),
        ]
        for name in names:
            out += [
                (with_item(i, **{name: ev[i][name] + "x"}), drawn, True),
                (with_item(i, **{name: 1}), drawn, True),
                (with_item(i, **{name: None}), drawn, True),
            ]
    d = kinds["drand"]
    sig = ev[d]["signature"]
    bad_sig = flip(sig, 10)
    out += [
        (with_item(d, round=ev[d]["round"] + 1), drawn, True),
        (with_item(d, round=str(ev[d]["round"])), drawn, True),
        (with_item(d, round=None), drawn, True),
        (with_item(d, chain_hash=MAINNET.chain_hash), drawn, True),
        (with_item(d, chain_hash=ev[d]["chain_hash"].upper()), drawn, True),
        (with_item(d, randomness="00" * 32), drawn, True),
        (with_item(d, randomness=None), drawn, True),
        (with_item(d, signature=bad_sig), drawn, True),
        (
            with_item(
                d, signature=bad_sig, randomness=hashlib.sha256(bytes.fromhex(bad_sig)).hexdigest()
            ),
            drawn,
            True,
        ),
        (
            with_item(
                d, signature=bad_sig, randomness=hashlib.sha256(bytes.fromhex(bad_sig)).hexdigest()
            ),
            drawn,
            False,
        ),
        (
            with_item(
                d, signature=sig.upper(), randomness=hashlib.sha256(bytes.fromhex(sig)).hexdigest()
            ),
            drawn,
            True,
        ),
        (
            with_item(
                d, signature=sig.upper(), randomness=hashlib.sha256(bytes.fromhex(sig)).hexdigest()
            ),
            drawn,
            False,
        ),
        (with_item(d, signature=sig[:2] + " " + sig[2:]), drawn, True),
        (with_item(d, signature=sig[:2] + " " + sig[2:]), drawn, False),
        (with_item(d, signature=sig + "zz"), drawn, True),
        (with_item(d, signature=12), drawn, True),
        (with_item(d, signature=None), drawn, True),
        (
            with_item(
                d, previous_signature=M72785_PREV if ev[d]["previous_signature"] is None else None
            ),
            drawn,
            True,
        ),
        (with_item(d, previous_signature=KeyError), drawn, True),
        (with_item(d, previous_signature=12), drawn, True),
    ]
    return out


@pytest.mark.parametrize("which", ["draw", "mainnet"])
def test_entropy_checks_equal_python(js: JS, which: str) -> None:
    src = vector("draw") if which == "draw" else vector("cases")["mainnet"]
    ann = parse_announcement(open_envelope(src["announcement"].encode(), "announcement").doc)
    rec = open_envelope(src["record"].encode(), "record").doc
    cases = _mutations(rec)
    want = [outcome(record.check_entropy, ann, e, t, b) for e, t, b in cases]
    got = run(
        js,
        f"""
        const ann = {ann_json(ann)};
        const out = [];
        for (const [e, t, b] of {json.dumps(cases, ensure_ascii=False)}) {{
          out.push(await outcome(() => V.Entropy.check_entropy(ann, e, t, b)));
        }}
        return out;
        """,
    )
    assert len(got) == len(want)
    for case, g, w in zip(cases, got, want, strict=True):
        assert codes_only(g) == codes_only(w), case
    assert want[0] == {"ok": None}
    assert len({w.get("code") for w in want}) >= 12


def test_check_sources_equal_python(js: JS) -> None:
    from randcheck.core.draw.entropy import check_sources

    good = json.loads(vector("draw")["announcement"])["signed"]["entropy"]
    n, dice, lot, dr = good
    variants: list[tuple[Any, bool, str]] = [
        (good, False, "randcheck/draw/v1"),
        ([], False, "randcheck/draw/v1"),
        ({"a": 1}, False, "randcheck/draw/v1"),
        ([n], False, "randcheck/draw/v1"),
        ([n], True, "randcheck/draw/v1"),
        ([n, n, dr], False, "randcheck/draw/v1"),
        ([dice, dr], False, "randcheck/draw/v1"),
        ([n, {**dice, "count": 0}], False, "randcheck/draw/v1"),
        ([n, {**dice, "count": 65}], False, "randcheck/draw/v1"),
        ([n, {**dice, "faces": 1}], False, "randcheck/draw/v1"),
        ([n, {**dice, "faces": True}], False, "randcheck/draw/v1"),
        ([n, {**dice, "witness": ""}], False, "randcheck/draw/v1"),
        ([n, {**dice, "witness": "e\u0301"}], False, "randcheck/draw/v1"),
        ([n, {**dice, "extra": 1}], False, "randcheck/draw/v1"),
        ([n, {**lot, "min": 5, "max": 4}], False, "randcheck/draw/v1"),
        ([n, {**lot, "max": 2**32}], False, "randcheck/draw/v1"),
        ([n, {**dr, "chain_hash": "00" * 32}], False, "randcheck/draw/v1"),
        ([n, {**dr, "round": 0}], False, "randcheck/draw/v1"),
        ([n, {**dr, "round": "1"}], False, "randcheck/draw/v1"),
        ([n, {**n, "commitment": n["commitment"].upper()}], False, "randcheck/draw/v1"),
        ([n, {"type": "coin"}], False, "randcheck/draw/v1"),
        ([n, {"type": ["dice"]}], False, "randcheck/draw/v1"),
        ([n, "dice"], False, "randcheck/draw/v1"),
        ([n, dr], False, "randcheck/draw/v2"),
        (
            [n, {"type": "drand", "chain_hash": dr["chain_hash"], "margin": 60}],
            False,
            "randcheck/draw/v2",
        ),
        (
            [n, {"type": "drand", "chain_hash": dr["chain_hash"], "margin": 3601}],
            False,
            "randcheck/draw/v2",
        ),
        ([n, dice], False, "randcheck/draw/v2"),
        ([n], True, "randcheck/draw/v2"),
    ]
    want = [codes_only(outcome(check_sources, s, p, v)) for s, p, v in variants]
    got = run(
        js,
        f"""
        const out = [];
        for (const [s, p, v] of {json.dumps(variants, ensure_ascii=False)}) {{
          const o = await outcome(() => V.Entropy.check_sources(s, p, v)); delete o.params; out.push(o);
        }}
        return out;
        """,
    )
    assert got == want


# --- selection and pairing on generated pools and rosters ---------------------------------------

code_bytes = st.binary(min_size=1, max_size=64).map(lambda b: bytes(0x21 + (x % 94) for x in b))


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.binary(min_size=64, max_size=64),
            st.lists(code_bytes, max_size=60, unique=True),
            st.integers(0, 70),
            st.integers(0, 20),
        ),
        min_size=15,
        max_size=15,
    )
)
def test_selection_equals_python(js: JS, cases: list[tuple[bytes, list[bytes], int, int]]) -> None:
    want, rows = [], []
    for key, codes, size, reserve in cases:
        codes = sorted(codes)
        size = min(size, len(codes))
        d = select.draw_stratum(key, codes, size, reserve)
        want.append({
            "drawn": [[t.hex(), c.hex()] for t, c in d.drawn],
            "reserve": [[t.hex(), c.hex()] for t, c in d.reserve],
            "batches": [select.batch(r, 3, size) for r in range(len(d.drawn))],
        })  # fmt: skip
        rows.append([key.hex(), [c.hex() for c in codes], size, reserve])
    got = run(
        js,
        f"""
        const out = [];
        for (const [key, codes, size, reserve] of {json.dumps(rows)}) {{
          const d = await V.Select.draw_stratum(X(key), V.Select.codeList(codes.map(X)), size, reserve);
          out.push({{ drawn: d.drawn.map(([t, c]) => [H(t), H(c)]), reserve: d.reserve.map(([t, c]) => [H(t), H(c)]),
                     batches: d.drawn.map((_, r) => V.Select.batch(r, 3, size)) }});
        }}
        return out;
        """,
    )
    assert got == want


def test_selection_of_large_pools_equals_python(js: JS) -> None:
    """Both paths of Select.lowest (a heap up to 2048 kept codes, two passes beyond) and codes
    long enough to need two SHA-256 blocks, against Python's accel.lowest."""
    from randcheck.core.draw import accel

    rng = random.Random(11)
    codes = sorted({f"91{rng.randrange(10**16):016d}".encode() for _ in range(20000)}
                   | {b"L" * n + str(i).encode() for i, n in enumerate(range(45, 62))})  # fmt: skip
    blob = b"".join(c + b"\n" for c in codes)
    key = rng.randbytes(64)
    ks = [0, 1, 7, 2048, 2049, 5000, len(codes), len(codes) + 5]
    want = [[t.hex() + ":" + c.decode() for t, c in accel.pure_lowest(key, blob, k)] for k in ks]
    got = run(
        js,
        f"""
        const list = cl({json.dumps(blob.decode())});
        const out = [];
        for (const k of {json.dumps(ks)}) {{
          out.push((await V.Select.lowest(X({json.dumps(key.hex())}), list, k)).map(([t, c]) => H(t) + ":" + ascii(c)));
        }}
        return out;
        """,
    )
    for k, g, w in zip(ks, got, want, strict=True):
        assert g == w, k


def _roster_strategy() -> st.SearchStrategy[dict[str, Any]]:
    """Rosters where most inspectors are eligible, so that most cases staff several targets
    before (sometimes) running out: every reason of SPEC §7.2 occurs, and so do full teams."""
    deps = ["甲局", "乙局", "丙局"]
    inspector = st.fixed_dictionaries({
        "department": st.sampled_from(deps * 4 + ["外局"]),
        "expert": st.sampled_from([False, False, True]),
        "cert_from": st.sampled_from(["2020-01-01"] * 6 + ["2023-10-02"]),
        "cert_to": st.sampled_from(["2027-12-31"] * 6 + ["2023-10-30"]),
        "qualifications": st.sampled_from([["食品", "计量"]] * 5 + [[], ["特种设备"]]),
    })  # fmt: skip
    return st.fixed_dictionaries({
        "inspectors": st.lists(inspector, min_size=8, max_size=24),
        "targets": st.lists(st.integers(0, 40), min_size=1, max_size=12, unique=True),
        "conflicts": st.lists(st.tuples(st.integers(0, 23), st.integers(0, 40)), max_size=12),
        "previous": st.lists(st.tuples(st.integers(0, 40), st.integers(0, 23)), max_size=12),
        "rules": st.fixed_dictionaries({
            "max_load": st.integers(1, 6),
            "min_inspectors": st.integers(2, 3),
            "experts": st.sampled_from([0, 0, 1, 2]),
            "per_department": st.booleans(),
            "rotation": st.booleans(),
            "qualifications": st.lists(st.sampled_from(["食品", "计量"]), unique=True, max_size=1).map(sorted),
        }),
        "departments": st.lists(st.sampled_from(deps), min_size=1, max_size=3, unique=True),
        "key": st.binary(min_size=64, max_size=64),
        "swaps": st.lists(st.tuples(st.integers(0, 11), st.integers(0, 5)), max_size=3),
    })  # fmt: skip


def _python_pairing(case: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """The roster/rules objects (as JSON) and Python's results: one team or error per step."""
    ids = [f"ZF{i:03d}" for i in range(len(case["inspectors"]))]
    codes = [f"91330100MA{i:08d}" for i in range(41)]
    inspectors = tuple(
        Inspector(
            ids[i],
            d["department"],
            d["expert"],
            d["cert_from"],
            d["cert_to"],
            tuple(d["qualifications"]),
        )
        for i, d in enumerate(case["inspectors"])
    )
    n = len(ids)
    conflicts = frozenset((ids[i], codes[c]) for i, c in case["conflicts"] if i < n)
    previous = frozenset((codes[c], ids[i]) for c, i in case["previous"] if i < n)
    roster = Roster(inspectors, conflicts, previous)
    r = case["rules"]
    min_inspectors = (
        max(r["min_inspectors"], len(case["departments"]))
        if r["per_department"]
        else r["min_inspectors"]
    )
    rules = TeamRules(max_load=r["max_load"], inspect_from="2023-10-01", inspect_to="2023-10-31",
                      min_inspectors=min_inspectors, experts=r["experts"],
                      per_department=r["per_department"], rotation=r["rotation"],
                      qualifications=tuple(r["qualifications"]))  # fmt: skip
    targets = [codes[t] for t in case["targets"]]
    pairing = Pairing(roster, rules, tuple(case["departments"]), case["key"])
    results: list[Any] = []
    teams: dict[str, list[Member]] = {}
    try:
        for t in targets:
            teams[t] = pairing.staff(t)
            results.append([m.to_json() for m in teams[t]])
        for ti, mi in case["swaps"]:  # an addendum's replace_inspector (SPEC §10)
            t = targets[ti % len(targets)]
            team = teams[t]
            if not team:
                continue
            iid = team[mi % len(team)].id
            pairing.recused.add((iid, t))
            kept = [m for m in team if m.id != iid]
            pairing.release([m for m in team if m.id == iid])
            teams[t] = pairing.staff(t, kept)
            results.append([m.to_json() for m in teams[t]])
    except RandcheckError as exc:
        results.append({"code": exc.code, "params": dict(exc.params)})
    results.append(dict(pairing.loads))
    doc = {
        "roster": {"inspectors": [dataclasses.asdict(i) for i in inspectors],
                   "conflicts": sorted(map(list, conflicts)), "previous": sorted(map(list, previous))},
        "rules": dataclasses.asdict(rules), "departments": case["departments"],
        "key": case["key"].hex(), "targets": targets, "swaps": case["swaps"],
    }  # fmt: skip
    return doc, results


@settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.large_base_example, HealthCheck.too_slow,
    HealthCheck.data_too_large])  # fmt: skip
@given(st.lists(_roster_strategy(), min_size=12, max_size=12))
def test_pairing_equals_python(js: JS, cases: list[dict[str, Any]]) -> None:
    docs, want = [], []
    for case in cases:
        doc, results = _python_pairing(case)
        docs.append(doc)
        want.append(results)
    got = run(
        js,
        f"""
        const out = [];
        for (const c of {json.dumps(docs, ensure_ascii=False)}) {{
          const results = [], teams = {{}};
          let pairing = null;
          try {{
            pairing = new V.Pairing.Pairing(c.roster, c.rules, c.departments, X(c.key));
            for (const t of c.targets) {{ teams[t] = pairing.staff(t); results.push(teams[t].map((m) => m.to_json())); }}
            for (const [ti, mi] of c.swaps) {{
              const t = c.targets[ti % c.targets.length], team = teams[t];
              if (!team.length) continue;
              const iid = team[mi % team.length].id;
              pairing.recused.add([iid, t]);
              const kept = team.filter((m) => m.id !== iid);
              pairing.release(team.filter((m) => m.id === iid));
              teams[t] = pairing.staff(t, kept);
              results.push(teams[t].map((m) => m.to_json()));
            }}
          }} catch (e) {{
            if (!(e instanceof V.Checks.RcError)) throw e;
            results.push({{ code: e.code, params: e.params }});
          }}
          results.push(Object.assign({{}}, pairing.loads));
          out.push(results);
        }}
        return out;
        """,
    )
    assert got == want


def test_departments_exceeding_the_team_are_refused(js: JS) -> None:
    got = run(
        js,
        """
        const rules = { max_load: 1, inspect_from: "2023-10-01", inspect_to: "2023-10-31", min_inspectors: 2,
          experts: 0, per_department: true, rotation: false, qualifications: [] };
        return outcome(() => new V.Pairing.Pairing({ inspectors: [], conflicts: [], previous: [] }, rules,
          ["a", "b", "c"], new Uint8Array(64)));
        """,
    )
    assert got == {"code": "proto.departments_exceed_team",
                   "params": {"departments": 3, "min_inspectors": 2}}  # fmt: skip


# --- drand beacon JSON (parse_beacon) -----------------------------------------------------------

Q657413_RAND = "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"
M72785_RAND = "8b676484b5fb1f37f9ec5c413d7d29883504e5b669f604a1ce68b3388e9ae3d9"
M1337_RAND = "2660664f8d4bc401194d80d81da20a1e79480f65b8e2d205aecbd143b5bfb0d3"


def _parse(text: Any) -> list[Any]:
    r, s, p = drand.parse_beacon(text)
    return [str(r) if r > 2**53 - 1 else r, s, p]


def _parse_in_js(js: JS, texts: list[str]) -> list[Any]:
    return run(  # type: ignore[no-any-return]
        js,
        f"""
        const out = [];
        for (const t of {json.dumps(texts)}) {{
          const o = await outcome(() => V.Drand.parse_beacon(t));
          if (o.ok) o.ok = o.ok.map((x) => (typeof x === "bigint" ? String(x) : x));
          out.push(o);
        }}
        return out;
        """,
    )


def test_parse_beacon_cases_equal_python(js: JS) -> None:
    v1 = {"round": 72785, "randomness": M72785_RAND, "signature": M72785_SIG,
          "previous_signature": M72785_PREV}  # fmt: skip
    doctored = {**v1, "randomness": M1337_RAND}
    texts = [
        json.dumps(v1),
        json.dumps(
            {
                "round": 1337,
                "randomness": M1337_RAND,
                "signature": M1337_SIG,
                "previous_signature": M1337_PREV,
            },
            indent=2,
            sort_keys=True,
        ),
        json.dumps({"round": 657413, "signature": Q657413_SIG}),
        json.dumps({"round": 657413, "randomness": Q657413_RAND, "signature": Q657413_SIG}),
        json.dumps(doctored),
        "",
        "{",
        "[]",
        '"round"',
        "null",
        "\ufeff{}",
        '{"round": 1} x',
        '{"round": [1, {"a": [}]}',
        '{"round": 1, "round": 2, "signature": "ab"}',
        '{"round": 72785.0, "signature": "ab"}',
        '{"round": 1e3, "signature": "ab"}',
        '{"round": NaN, "signature": "ab"}',
        '{"round": -Infinity, "signature": "ab"}',
        '{"round": 01, "signature": "ab"}',
        '{"round": "72785", "signature": "ab"}',
        '{"round": true, "signature": "ab"}',
        '{"round": 0, "signature": "ab"}',
        '{"round": -5, "signature": "ab"}',
        '{"round": 18446744073709551616, "signature": "ab"}',
        '{"round": 18446744073709551615, "signature": "ab"}',
        '{"signature": "ab"}',
        '{"round": 5}',
        '{"round": 5, "signature": "ab", "beacon_id": "quicknet"}',
        '{"round": 5, "signature": 171}',
        '{"round": 5, "signature": null}',
        '{"round": 5, "signature": "AB"}',
        '{"round": 5, "signature": "abc"}',
        '{"round": 5, "signature": ""}',
        '{"round": 5, "signature": "a\\u0062"}',
        '{"round": 5, "signature": "ab\\x"}',
        '{"round": 5, "signature": "ab\n"}',
        '{"round": 5, "signature": "ab", "previous_signature": null}',
        '{"round": 5, "signature": "ab", "previous_signature": ""}',
        '{"round": 5, "signature": "ab", "randomness": "00"}',
        '{"round": 5, "signature": "ab", "randomness": "0g"}',
        "[" * 5000 + "]" * 5000,
    ]
    want = [outcome(_parse, t) for t in texts]
    got = _parse_in_js(js, texts)
    for t, g, w in zip(texts, got, want, strict=True):
        assert codes_only(g) == codes_only(w), t[:80]
    assert want[0] == {"ok": [72785, M72785_SIG, M72785_PREV]}
    assert codes_only(run(js, "return outcome(() => V.Drand.parse_beacon(U('{}')));")) == {
        "code": "drand.bad_json"
    }


#: values whose repr() Python writes with escapes: a quote (repr picks the other quote, or
#: escapes it), newlines and control characters, non-printable Unicode, nested containers
AWKWARD = ["it's", 'say "hi"', "both ' and \"", "a\nb\r\tc\x01\x7f", "\\", "\xa0\u2028\u200b\x85é",
           "\U0001f600", ["it's", None, True, 3], {"k\n": "v'", "n": [False]}]  # fmt: skip


def test_drand_params_with_quotes_and_newlines_equal_python(js: JS) -> None:
    """drand.bad_round, drand.bad_time, drand.unknown_chain and the beacon's duplicate key name
    the value as Python's repr() does (Spec.repr), escapes and quotes included."""
    beacons = [
        "{" + f'{json.dumps(k)}: 1, {json.dumps(k)}: 2, "signature": "ab"' + "}"
        for k in AWKWARD[:6]
    ]
    got = run(
        js,
        f"""
        const values = {json.dumps(AWKWARD)};
        const C = V.Drand.CHAINS;
        const each = async (f) => Promise.all(values.map((v) => outcome(() => f(v))));
        return {{
          round: await each((v) => V.Drand.round_time(C.mainnet, v)),
          verify: await each((v) => V.Drand.verify_round(C.quicknet, v, "ab")),
          time: await each((v) => V.Drand.round_at(C.quicknet, v)),
          chain: await each((v) => V.Drand.chain_by_hash(v)),
          beacon: await Promise.all({json.dumps(beacons)}.map((t) => outcome(() => V.Drand.parse_beacon(t)))),
        }};
        """,
    )
    strings = [v for v in AWKWARD if isinstance(v, str)]
    want = {
        "round": [outcome(round_time, MAINNET, v) for v in AWKWARD],
        "verify": [outcome(verify_round, QUICKNET, v, "ab") for v in AWKWARD],
        "time": [outcome(round_at, QUICKNET, v) for v in AWKWARD],
        "beacon": [outcome(_parse, t) for t in beacons],
    }
    assert {k: got[k] for k in want} == want
    n = len(AWKWARD)
    assert [o["code"] for o in want["round"] + want["verify"]] == ["drand.bad_round"] * 2 * n
    assert [o["code"] for o in want["time"]] == ["drand.bad_time"] * n
    assert {o["params"]["reason"][:14] for o in want["beacon"]} == {"duplicate key "}
    assert want["round"][0]["params"] == {"round": '"it\'s"'}  # Python picks the other quote
    # a string names itself (Python passes chain_hash as it is), a non-string by its repr()
    chain = [outcome(drand.chain_by_hash, v) for v in strings]
    assert got["chain"][: len(strings)] == chain
    assert [o["params"]["chain_hash"] for o in got["chain"][len(strings) :]] == [
        repr(v) for v in AWKWARD[len(strings) :]
    ]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["round", "signature", "previous_signature", "randomness", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=8,
)
hex_bytes = st.binary(min_size=1, max_size=96)
beacons = st.builds(
    lambda r, sig, prev, rnd: json.dumps(
        {"round": r, "signature": sig.hex()}
        | ({} if prev is None else {"previous_signature": prev.hex()})
        | ({"randomness": hashlib.sha256(sig).hexdigest()} if rnd else {})
    ),
    st.integers(min_value=1, max_value=2**64 - 1),
    hex_bytes,
    st.one_of(st.none(), hex_bytes),
    st.booleans(),
)


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(st.text(max_size=40), json_values.map(json.dumps), beacons),
        min_size=60,
        max_size=60,
    )
)
def test_parse_beacon_equals_python_on_generated_text(js: JS, texts: list[str]) -> None:
    want = [outcome(_parse, t) for t in texts]
    got = _parse_in_js(js, texts)
    for t, g, w in zip(texts, got, want, strict=True):
        assert codes_only(g) == codes_only(w), t
