"""randcheck/draw/v2's ordering checks in the browser (js/tsa.js, js/commitment.js,
js/ordering.js) against the Python they port: RFC 3161 tokens (``randcheck.core.tsa``), the
``commitment.*`` checks (``randcheck.core.draw.commitment``), the vectors of
tests/vectors/v2.json (docs/SPEC-v2.md §9), and the demo's v2 bundle and a bundle with a
timestamp token from the test TSA, good and tampered, with and without trusted witness keys and
TSA certificates (``randcheck.services.verify``)."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from randcheck.core import signing, tsa, tsatime
from randcheck.core.chinatime import beijing_time
from randcheck.core.draw import envelope
from randcheck.core.draw.announce import parse_announcement
from randcheck.core.draw.commitment import _utc, check_ordering
from randcheck.services.verify import ordering as py_ordering
from randcheck.services.verify import verify_bundle
from tests.ceremony import workspace as w
from tests.cli.test_draw_v2_tsa import ENV, announced, demo, server  # noqa: F401  (fixtures)
from tests.core.draw import v2helpers as h
from tests.core.draw.helpers import vector
from tests.tsa_fixture import FAULTS, TestTSA, _refusal

pytestmark = pytest.mark.browser

Js = Callable[[str], Any]
D = hashlib.sha256(b"commitment").digest()
T = datetime(2026, 11, 30, 12, tzinfo=UTC)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --------------------------------------------------------------------------- RFC 3161 tokens


def _outcome(token: bytes, digest: bytes, trusted: list[bytes]) -> dict[str, Any]:
    try:
        t = tsa.verify_token(token, digest, trusted)
    except tsa.TimestampError as exc:
        return {"code": exc.code, "params": {k: str(v) for k, v in exc.params.items()}}
    gen = t.gen_time.isoformat().replace("+00:00", "Z")
    latest = str(t.latest_exact.numerator) + "/" + str(t.latest_exact.denominator)
    return {"code": "ok", "gen_time": gen, "tsa": t.tsa_name, "fp": t.signer_fingerprint,
            "latest": latest}  # fmt: skip


def _token_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []

    def add(name: str, token: bytes, trusted: tuple[bytes, ...] = (), digest: bytes = D) -> None:
        cases.append({"name": name, "token": b64(token), "digest": digest.hex(),
                      "trusted": [b64(t) for t in trusted],
                      "want": _outcome(token, digest, list(trusted))})  # fmt: skip

    other = TestTSA(name="Other TSA")
    for key_type in ("ec", "rsa", "rsa-pss", "ed25519"):
        t = TestTSA(key_type=key_type)
        add(f"{key_type}", t.stamp(D, T))
        add(f"{key_type} trusted root", t.stamp(D, T), (t.ca_cert_der,))
        add(f"{key_type} trusted signer", t.stamp(D, T), (t.cert_der,))
        add(f"{key_type} another TSA trusted", t.stamp(D, T), (other.ca_cert_der,))
        add(f"{key_type} bad signature", t.stamp(D, T, fault="signature"))
        add(f"{key_type} sha384", t.stamp(D, T, digest_algorithm="sha384"), (t.ca_cert_der,))
        add(f"{key_type} sha512", t.stamp(D, T, digest_algorithm="sha512"))
        add(f"{key_type} chain", TestTSA(key_type=key_type, intermediates=1).stamp(D, T))
    ec = TestTSA()
    for fault in FAULTS:
        add(f"fault {fault}", ec.stamp(D, T, fault=fault))
    add("sha1 signer digest", ec.stamp(D, T, digest_algorithm="sha1"))
    add("another digest", ec.stamp(hashlib.sha256(b"x").digest(), T))
    add("sid by key id", ec.stamp(D, T, sid="ski"), (ec.ca_cert_der,))
    add("ESSCertID v1", ec.stamp(D, T, ess="v1"))
    add("no ESS", ec.stamp(D, T, ess="none"))
    add("no certificates", ec.stamp(D, T, include_certs=False))
    add("no certificates, signer trusted", ec.stamp(D, T, include_certs=False), (ec.cert_der,))
    add("no certificates, root trusted", ec.stamp(D, T, include_certs=False), (ec.ca_cert_der,))
    add("accuracy", ec.stamp(D, T, accuracy=timedelta(seconds=1, milliseconds=500, microseconds=7)))
    add("accuracy millis 0", ec.stamp(D, T, accuracy_fields={"millis": 0}))
    add("accuracy seconds -1", ec.stamp(D, T, accuracy_fields={"seconds": -1}))
    for text in (b"20261130120002.9999999Z", b"20261130120002.50Z", b"20261130120002+0100",
                 b"20261130120060Z", b"20260230120000Z", b"20261130120002,5Z"):  # fmt: skip
        add(f"genTime {text.decode()}", ec.stamp(D, T, gen_time_text=text))
    add("past 9999", ec.stamp(D, T, gen_time_text=b"99991231235959Z",
                              accuracy_fields={"seconds": 1}))  # fmt: skip
    add("before the certificate", ec.stamp(D, datetime(2019, 1, 1, tzinfo=UTC)))
    add("at notAfter", ec.stamp(D, datetime(2040, 1, 1, tzinfo=UTC)))
    add("after notAfter", ec.stamp(D, datetime(2040, 1, 1, 0, 0, 1, tzinfo=UTC)))
    for eku in ("noncritical", "none", "extra", "other"):
        add(f"eku {eku}", TestTSA(eku=eku).stamp(D, T))
    for depth in (1, 2, 3, 4):
        t = TestTSA(intermediates=depth)
        add(f"{depth} intermediates", t.stamp(D, T), (t.ca_cert_der,))
    add("a root that only shares the name", ec.stamp(D, T), (TestTSA(name=ec.name).ca_cert_der,))
    add("unreadable trusted certificate", ec.stamp(D, T), (b"\x30\x03\x02\x01\x01",))
    add("empty", b"")
    add("empty SEQUENCE", b"\x30\x00")
    add("not DER", b"hello")
    add("refusal", _refusal("no thanks\x1b[31m", "bad_request"))
    add("whole response", ec.respond(tsa.make_request(D), T), (ec.ca_cert_der,))
    seeded = TestTSA(seed=b"flips")  # the same bytes every run
    token = seeded.stamp(D, T)
    rnd = random.Random(11)
    for _ in range(60):  # flipped bits: refused by the same step (or, rarely, harmless)
        pos, bit = rnd.randrange(len(token)), rnd.randrange(8)
        bad = bytearray(token)
        bad[pos] ^= 1 << bit
        add(f"bit {bit} of byte {pos}", bytes(bad), (seeded.ca_cert_der,))
    return cases


RUN_TOKENS = """(async (cases) => {
  const out = [];
  for (const c of cases) {
    try {
      const t = await V.Tsa.verify_token(V.Bytes.fromBase64(c.token), V.Bytes.fromHex(c.digest),
        c.trusted.map(V.Bytes.fromBase64));
      out.push({code: "ok", gen_time: t.gen_time, tsa: t.tsa_name, fp: t.signer_fingerprint,
        latest: reduce(t.latest_exact)});
    } catch (e) {
      out.push({code: e.code || String(e), params: Object.fromEntries(
        Object.entries(e.params || {}).map(([k, v]) => [k, String(v)]))});
    }
  }
  return out;
  function reduce(q) {
    const gcd = (a, b) => (b ? gcd(b, a % b) : a);
    const g = gcd(q.num < 0n ? -q.num : q.num, q.den);
    return `${q.num / g}/${q.den / g}`;
  }
})"""


def test_tokens_are_judged_as_python_judges_them(js: Js) -> None:
    """Every outcome code equal to Python's (and the time, name and fingerprint of a good
    token); params where they are not an exception's text."""
    cases = _token_cases()
    started = time.perf_counter()
    got = js(f"{RUN_TOKENS}({json.dumps(cases)})")
    elapsed = time.perf_counter() - started
    codes = [(c["name"], c["want"]["code"]) for c in cases]
    assert [(c["name"], g["code"]) for c, g in zip(cases, got, strict=True)] == codes
    for case, out in zip(cases, got, strict=True):
        want = case["want"]
        if want["code"] == "ok":
            assert out == want, case["name"]
        elif "reason" not in want["params"]:
            assert out["params"] == want["params"], case["name"]
    assert sum(c["want"]["code"] == "ok" for c in cases) >= 20
    assert elapsed < 20, elapsed


def test_times_are_exact(js: Js) -> None:
    """genTime and accuracy as exact fractions (tsatime), the bound shown rounded up."""
    got = js("""(() => {
      const g = V.Tsa.parse_generalized_time(V.Bytes.utf8("20230915105902.9999999Z"));
      const a = V.Tsa.accuracy_seconds(1n, 500n, 7n);
      const latest = V.Tsa.addQ(g.exact, a);
      return [String(g.exact.num) + "/" + String(g.exact.den), g.micro,
              V.Tsa.lessQ(g.exact, 1694775543), V.Tsa.lessQ(g.exact, 1694775542),
              V.Tsa.utc(latest), V.Tsa.ceilQ(latest), V.Ordering.beijing_time(1694775543)];
    })()""")
    _, exact = tsatime.parse_generalized_time(b"20230915105902.9999999Z")
    latest = exact + tsatime.accuracy_seconds(1, 500, 7)
    assert got == [f"{exact.numerator}/{exact.denominator}", 999999, True, False,
                   _utc(latest), math.ceil(latest), beijing_time(1694775543)]  # fmt: skip


# --------------------------------------------------------------------------- the v2 vectors


def _py_ordering(v: dict[str, Any], trusted_tsa: bool, trusted_witnesses: bool,
                 **change: Any) -> dict[str, Any]:  # fmt: skip
    inputs = {k: change.get(k, v[k]) for k in ("commitment", "record", "token",
                                                "witness_public_keys")}  # fmt: skip
    ann_env = envelope.open_envelope(v["announcement"].encode(), "announcement")
    rec = envelope.open_envelope(inputs["record"].encode(), "record").doc
    keys: dict[str, bytes] = {signing.key_id(bytes.fromhex(k)): bytes.fromhex(k)
            for k in inputs["witness_public_keys"].values()}  # fmt: skip
    res = check_ordering(
        ann_env, parse_announcement(ann_env.doc), rec, inputs["commitment"].encode(),
        base64.b64decode(inputs["token"]) if inputs["token"] else None,
        operator_keys={str(k): p for k, p in h.KEYS.items()}, witness_keys=keys,
        trusted_tsa=[base64.b64decode(v["tsa_ca_certificate"])] if trusted_tsa else [],
        trusted_witnesses=set(keys) if trusted_witnesses else set(),
    )  # fmt: skip
    checks = [[c.name, c.status, c.code, c.params] for c in res.checks]
    anchor = next(c for c in res.checks if c.name == "commitment.anchor")
    words = py_ordering.anchor_words(res, rec) if anchor.ok else None
    return {"checks": json.loads(json.dumps(checks, ensure_ascii=False)),
            "words": None if words is None else json.loads(json.dumps(words.to_json())),
            "witnesses": res.witnesses, "missing": res.missing,
            "committed_at": None if res.committed_at is None else int(res.committed_at)}  # fmt: skip


RUN_ORDERING = """(async (c) => {
  const u = (s) => V.Bytes.utf8(s);
  const annEnv = V.Envelope.open_envelope(u(c.announcement), "announcement");
  const ann = await V.Announce.parse_announcement(annEnv.doc);
  const rec = V.Envelope.open_envelope(u(c.record), "record").doc;
  const wkeys = {};
  for (const k of Object.values(c.witness_public_keys)) wkeys[V.Hash.keyId(V.Bytes.fromHex(k))] = V.Bytes.fromHex(k);
  const op = V.Bytes.fromHex(c.operator);
  const res = await V.Commitment.check_ordering(annEnv, ann, rec, u(c.commitment),
    c.token ? V.Bytes.fromBase64(c.token) : null, {
      operator_keys: {[V.Hash.keyId(op)]: op}, witness_keys: wkeys,
      trusted_tsa: c.trusted_tsa ? [V.Bytes.fromBase64(c.tsa_ca_certificate)] : [],
      trusted_witnesses: c.trusted_witnesses ? new Set(Object.keys(wkeys)) : new Set()});
  const anchor = res.checks.find((x) => x.name === "commitment.anchor");
  const words = anchor.ok ? V.Ordering.anchor_words(res, rec) : null;
  return {checks: res.checks.map((x) => [x.name, x.status, x.code, x.params]),
          words: words && {name: words.name, ok: words.ok, status: words.status, code: words.code, params: words.params},
          witnesses: res.witnesses, missing: res.missing, committed_at: res.committed_at};
})"""


def _js_ordering(js: Js, v: dict[str, Any], trusted_tsa: bool, trusted_witnesses: bool,
                 **change: Any) -> dict[str, Any]:  # fmt: skip
    case = {k: change.get(k, v[k]) for k in ("announcement", "commitment", "record", "token",
                                             "witness_public_keys", "tsa_ca_certificate")}  # fmt: skip
    case.update(operator=next(iter(h.KEYS.values())).hex(), trusted_tsa=trusted_tsa,
                trusted_witnesses=trusted_witnesses)  # fmt: skip
    return js(f"{RUN_ORDERING}({json.dumps(case, ensure_ascii=False)})")  # type: ignore[no-any-return]


def _variants(v: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{}]
    out += [{"token": c["token"]} for c in v["token_cases"]]
    out += [{k: c[k] for k in ("commitment", "record", "token", "witness_public_keys") if k in c}
            for c in v["negative"]]  # fmt: skip
    out.append({"token": ""})  # no token although the announcement lists a TSA
    com = json.loads(v["commitment"])
    sig = com["signatures"][1]["sig"]
    out.append(
        {"commitment": v["commitment"].replace(sig, sig[:-1] + ("0" if sig[-1] != "0" else "1"))}
    )
    out.append({"commitment": v["commitment"].replace(v["committed_at"], "2023-09-15T10:59:04Z")})
    return out


@pytest.mark.parametrize("trusted_tsa", [True, False])
@pytest.mark.parametrize("trusted_witnesses", [True, False])
def test_v2_vectors_give_pythons_checks(js: Js, trusted_tsa: bool, trusted_witnesses: bool) -> None:
    v = vector("v2.json")
    for change in _variants(v):
        want = _py_ordering(v, trusted_tsa, trusted_witnesses, **change)
        got = _js_ordering(js, v, trusted_tsa, trusted_witnesses, **change)
        assert got == want, sorted(change)
    good = _js_ordering(js, v, True, True)
    assert all(c[1] == "ok" for c in good["checks"])
    assert good["witnesses"] == ["李四", "王五"]
    assert good["words"]["code"] == "verify.ordering_tsa_witnesses"
    for case in v["token_cases"] + v["negative"]:
        change = {k: case[k] for k in ("commitment", "record", "token", "witness_public_keys")
                  if k in case}  # fmt: skip
        checks = {c[0]: c for c in _js_ordering(js, v, True, True, **change)["checks"]}
        assert checks[case["check"]][2] == case["code"], case.get("name", case.get("gen_time"))


def test_round_rule_vectors(js: Js) -> None:
    v = vector("v2.json")
    got = js(f"""(({json.dumps(v["round_cases"])}).map((c) => {{
      const chain = V.Drand.chain_by_hash("52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971");
      const t = Date.parse(c.committed_at) / 1000;
      return [V.Commitment.round_after(chain, t, c.margin), Number(V.Drand.round_time(chain, c.round))];
    }}))""")
    assert got == [[c["round"], c["round_time"]] for c in v["round_cases"]]


# --------------------------------------------------------------------------- whole bundles

SELECTED = ("commitment.", "log.commitment", "log.order")


def _py_checks(bundle: Path, keys: dict[str, bytes], trusted_tsa: list[bytes],
               witnesses: set[str]) -> list[list[Any]]:  # fmt: skip
    report = verify_bundle(bundle, keys, trusted_tsa=trusted_tsa, trusted_witnesses=witnesses)
    rows = [[c.name, c.status, c.code, c.params] for c in report.checks
            if c.name.startswith(SELECTED)]  # fmt: skip
    return json.loads(json.dumps(rows, ensure_ascii=False))  # type: ignore[no-any-return]


RUN_BUNDLE = """(async (c) => {
  const files = new Map(Object.entries(c.files).map(([p, b]) => [p, V.Bytes.fromBase64(b)]));
  const source = {name: "bundle", list: async () => new Map([...files].map(([p, b]) => [p, b.length])),
                  read: async (p, limit) => files.get(p).subarray(0, limit + 1)};
  const found = new V.Reading.BundleFiles(source);
  await found.list();
  await found.load("announcement.json", V.Reading.FIXED["announcement.json"]);
  await V.Reading.read(found, V.Documents.soft_body(found.get("announcement.json")));
  const docs = await V.Documents.documents(found);
  const keys = {};
  for (const k of c.keys) keys[V.Hash.keyId(V.Bytes.fromHex(k))] = V.Bytes.fromHex(k);
  const out = await V.Ordering.checks(found, docs, keys, c.tsa.map(V.Bytes.fromBase64), new Set(c.witnesses));
  const lg = await V.Log.open(found, keys);
  // the log checks before them, as verify.js runs them (they note the entries' seqs)
  await lg.check("log.announcement", docs.ann_env ? docs.ann_env.digest : null);
  await lg.check("log.record", docs.rec_env ? docs.rec_env.digest : null);
  for (let i = 0; i < docs.add_envs.length; i++) {
    await lg.check(`log.addendum.${i + 1}`, docs.add_envs[i] ? docs.add_envs[i].digest : null);
  }
  const doc = docs.rec_env.doc;
  out.push(await lg.check("log.commitment", doc.commitment === undefined ? null : doc.commitment,
    {kind: "draw.committed", task: doc.task_id}));
  out.push(await V.Ordering.order(await V.Log.order_check(lg, docs.ann, docs.add_envs.length), lg, docs));
  return out.map((x) => [x.name, x.status, x.code, x.params]);
})"""


def _js_checks(js: Js, bundle: Path, keys: dict[str, bytes], trusted_tsa: list[bytes],
               witnesses: set[str]) -> list[list[Any]]:  # fmt: skip
    files = {p.relative_to(bundle).as_posix(): b64(p.read_bytes())
             for p in sorted(bundle.rglob("*")) if p.is_file()}  # fmt: skip
    case = {"files": files, "keys": [k.hex() for k in keys.values()],
            "tsa": [b64(t) for t in trusted_tsa], "witnesses": sorted(witnesses)}  # fmt: skip
    return js(f"{RUN_BUNDLE}({json.dumps(case)})")  # type: ignore[no-any-return]


def _public(path: Path) -> bytes:
    from randcheck.services import keys as keys_svc

    return keys_svc.parse_public_text(path.read_text("utf-8"), str(path))[0]


@pytest.fixture(scope="module")
def demo_bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo's v2 bundle (witnesses 张伟 and 李娜, no timestamp) and the keys a reader
    would get independently."""
    out = tmp_path_factory.mktemp("demo") / "ws"
    subprocess.run([sys.executable, "-m", "randcheck", "demo", "--out", str(out),
                    "--entities", "300"], check=True, capture_output=True)  # fmt: skip
    bundle = next((out / "publish").glob("DEMO-*"))
    witnesses = {}
    for f in sorted((out / "witness-keys").glob("*.pub")):
        raw = _public(f)
        witnesses[signing.key_id(raw)] = raw
    office = _public(bundle / "keys" / "operator.pub")
    return {"bundle": bundle, "keys": {signing.key_id(office): office}, "witnesses": witnesses}


def _tamper(src: Path, dst: Path, what: str) -> Path:
    shutil.copytree(src, dst)
    com = dst / "commitment.json"
    env = json.loads(com.read_bytes())
    if what == "witness signature":
        sig = env["signatures"][1]["sig"]
        text = com.read_text("utf-8").replace(
            sig, sig[:10] + ("0" if sig[10] != "0" else "1") + sig[11:]
        )
        com.write_text(text, "utf-8")
    elif what == "committed_at":
        at = env["signed"]["committed_at"]
        later = at[:-3] + f"{(int(at[-3:-1]) + 1) % 60:02d}Z"
        com.write_text(com.read_text("utf-8").replace(at, later), "utf-8")
    elif what == "witness key file":
        next((dst / "keys" / "witnesses").glob("*.pub")).unlink()
    elif what == "no commitment":
        com.unlink()
    elif what == "token":
        tsr = dst / "commitment.tsr"
        data = bytearray(tsr.read_bytes())
        data[-5] ^= 0x01  # inside the signature
        tsr.write_bytes(bytes(data))
    else:
        raise ValueError(what)
    return dst


@pytest.mark.parametrize("what", ["good", "witness signature", "committed_at", "witness key file",
                                  "no commitment"])  # fmt: skip
def test_demo_bundle_checks_equal_pythons(js: Js, demo_bundle: dict[str, Any], tmp_path: Path,
                                         what: str) -> None:  # fmt: skip
    bundle = demo_bundle["bundle"]
    if what != "good":
        bundle = _tamper(bundle, tmp_path / "b", what)
    keys = demo_bundle["keys"]
    for witnesses in (set(demo_bundle["witnesses"]), set()):
        want = _py_checks(bundle, keys, [], witnesses)
        assert [c[0] for c in want][:2] == ["commitment.envelope", "commitment.signature"]
        started = time.perf_counter()
        got = _js_checks(js, bundle, keys, [], witnesses)
        assert time.perf_counter() - started < 10
        assert got == want, (what, bool(witnesses))
        statuses = {c[0]: c[1] for c in want}
        if what == "good":
            assert statuses["commitment.witnesses"] == ("ok" if witnesses else "unverified")
        else:  # the tampering shows (so the comparison is not of two blind readers)
            assert any(st == "fail" for st in statuses.values()), what


def test_bundle_with_a_token_checks_equal_pythons(
    js: Js,
    announced: Any,  # noqa: F811
    tmp_path: Path,
    ws_root: Path,
    server: Any,  # noqa: F811
) -> None:
    """A bundle whose commitment carries an RFC 3161 token of the test TSA (EC) and the
    witness 张三's co-signature (the ceremony of tests/cli/test_draw_v2_tsa.py), good and with
    the token tampered, the TSA's root, another TSA's root or nothing trusted."""
    entropy = w.write_entropy(tmp_path / "e.json")
    done = announced("draw", w.TASK, "--entropy", str(entropy), "--yes", "--json",
                     "--witness-key", "zhang-san", env=ENV)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert announced("publish", json.loads(done.stdout)["record"], env=ENV).exit_code == 0
    good = ws_root / "publish" / w.TASK
    assert (good / "commitment.tsr").is_file()
    keys: dict[str, bytes] = {}
    witnesses: set[str] = set()
    for name in ("office", "zhang-san"):
        pub = tmp_path / f"{name}.pub"
        pub.write_text(announced("keys", "export", "--name", name).stdout, encoding="utf-8")
        raw = _public(pub)
        if name == "office":
            keys[signing.key_id(raw)] = raw
        else:
            witnesses.add(signing.key_id(raw))
    bad = _tamper(good, tmp_path / "bad", "token")
    other = TestTSA(name="Other TSA").ca_cert_der
    codes = set()
    for bundle in (good, bad):
        for trusted in ([server.tsa.ca_cert_der], [other], []):
            for wit in (witnesses, set()):
                want = _py_checks(bundle, keys, trusted, wit)
                got = _js_checks(js, bundle, keys, trusted, wit)
                assert got == want, (bundle.name, len(trusted), bool(wit))
                codes.add(next(c[2] for c in want if c[0] == "commitment.anchor"))
    assert {"verify.ordering_tsa_witnesses", "proto.tsa_untrusted", "tsa.bad_signature"} <= codes
