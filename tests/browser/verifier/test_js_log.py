"""The log part of the browser verifier (js/merkle.js, note.js, keys.js, log.js, complete.js)
against the Python it ports: the SPEC §13.6 and §13.10 vectors, inclusion proofs and tail
roots on generated sizes, signed notes and checkpoints, key files, and the log checks of a
published bundle and of tampered copies of it."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa, x25519
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from randcheck.bundle import layout
from randcheck.core import logverify, merkle, note, signing
from randcheck.core.canonical import canonical
from randcheck.errors import RandcheckError
from randcheck.services import keys as keys_svc
from randcheck.services.verify import complete, documents, files, log, ordering, reading
from tests.browser.verifier.conftest import js_bytes

pytestmark = pytest.mark.browser

JS = Callable[[str], Any]
VECTORS = Path(__file__).resolve().parents[2] / "vectors"
FAST = settings(max_examples=8, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def jstr(value: Any) -> str:
    """A JavaScript literal for a JSON value."""
    return json.dumps(value, ensure_ascii=False)


# -- the SPEC vectors ---------------------------------------------------------------------------


def test_log_vector(js: JS) -> None:
    vec = json.loads((VECTORS / "log.json").read_text(encoding="utf-8"))
    got = js(
        f"""(async () => {{
        const vec = {jstr(vec)};
        const u = V.Bytes.utf8, hex = V.Bytes.hex;
        const leaves = vec.entries.map((e) => V.Merkle.leaf_hash(u(e)));
        const pub = V.Keys.parsePublicText(vec.operator_pub);
        const keys = {{ [V.Hash.keyId(pub)]: pub }};
        const [cp, origin] = await V.Log.open_checkpoint(vec.checkpoint, keys);
        const proofs = {{}};
        for (const [seq, text] of Object.entries(vec.proofs)) {{
          const [b, c] = await V.Log.verify_proof(text, pub, u(vec.entries[seq]));
          proofs[seq] = [b.index, c.size, b.hashes.map(hex)];
        }}
        return {{
          leaves: leaves.map(hex), root: hex(V.Merkle.root_from_hashes(leaves)),
          root_of_data: hex(V.Merkle.root(vec.entries.map(u))),
          vkey: V.Note.vkey(vec.origin, pub), key_hash: hex(V.Note.key_hash(vec.origin, pub)),
          vkey_pub: hex(V.Note.parse_vkey(vec.note_key)[1]), pub: hex(pub),
          cp: [cp.origin, cp.size, hex(cp.root), origin], body: V.Note.checkpoint_body(cp),
          origin_for: V.Note.origin_for(vec.region, V.Hash.keyId(pub)), proofs,
        }};
        }})()"""
    )
    pub, _name = keys_svc.parse_public_text(vec["operator_pub"], "operator.pub")
    assert got["pub"] == pub.hex()
    assert got["leaves"] == vec["leaf_hashes"]
    assert got["root"] == got["root_of_data"] == vec["root"]
    assert got["vkey"] == vec["note_key"] and got["key_hash"] == vec["key_hash"]
    assert got["vkey_pub"] == pub.hex()
    assert got["cp"] == [vec["origin"], vec["size"], vec["root"], vec["origin"]]
    assert got["body"] == vec["checkpoint_text"]
    assert got["origin_for"] == vec["origin"]
    for seq, text in vec["proofs"].items():
        bundle = note.parse_proof(text)
        assert got["proofs"][seq] == [int(seq), vec["size"], [h.hex() for h in bundle.hashes]]


def test_logtail_vector(js: JS) -> None:
    vec = json.loads((VECTORS / "logtail.json").read_text(encoding="utf-8"))
    got = js(
        f"""(async () => {{
        const vec = {jstr(vec)};
        const u = V.Bytes.utf8, hex = V.Bytes.hex, fromHex = V.Bytes.fromHex;
        const lines = vec.log_lines.map(u);
        const hashes = lines.map(V.Merkle.leaf_hash);
        const [a, n, prefix] = V.Complete.read_tail_index(u(vec.tail_json));
        const rng = new V.Merkle.CompactRange(prefix, a);
        const roots = {{ [a]: hex(rng.root()) }};
        for (const h of hashes.slice(a, n)) {{ rng.append(h); roots[rng.size] = hex(rng.root()); }}
        const tailRoots = {{}};
        for (let m = a; m <= n; m++) tailRoots[m] = hex(V.Merkle.tail_root(prefix, a, hashes.slice(a), m));
        const jsonl = V.Bytes.concat(...lines.slice(a).map((x) => V.Bytes.concat(x, u("\\n"))));
        return {{
          a, n, prefix: prefix.map(hex), leaves: hashes.map(hex), roots, tailRoots,
          nodes: V.Merkle.prefix_nodes(hashes, a).map(hex),
          decomposition: V.Merkle.decomposition(a),
          sha: hex(await V.Hash.sha256Async(jsonl)),
        }};
        }})()"""
    )
    assert [got["a"], got["n"]] == [vec["from"], vec["size"]]
    assert got["prefix"] == got["nodes"] == vec["prefix"]
    assert got["leaves"] == vec["leaf_hashes"]
    assert got["roots"] == got["tailRoots"] == vec["roots"]
    assert got["decomposition"] == vec["decomposition"]
    assert got["sha"] == vec["tail_jsonl_sha256"]


# -- Merkle trees against randcheck.core.merkle ---------------------------------------------------


def _hashes(n: int) -> list[bytes]:
    return [merkle.leaf_hash(f"leaf {i}".encode()) for i in range(n)]


@FAST
@given(st.lists(st.tuples(st.integers(1, 300), st.integers(0, 10_000)), min_size=1, max_size=12))
def test_inclusion_proofs_equal_python(js: JS, cases: list[tuple[int, int]]) -> None:
    cases = [(n, i % n) for n, i in cases]
    got = js(
        f"""(() => {{
        const hex = V.Bytes.hex;
        const leaf = (i) => V.Merkle.leaf_hash(V.Bytes.utf8(`leaf ${{i}}`));
        return {jstr(cases)}.map(([n, i]) => {{
          const hs = Array.from({{ length: n }}, (_, k) => leaf(k));
          const root = V.Merkle.root_from_hashes(hs);
          const proof = V.Merkle.inclusion_proof(i, hs);
          V.Merkle.verify_inclusion(i, n, hs[i], proof, root);
          const bad = [];
          for (const [ii, nn, pp] of [[i, n + 1, proof], [i, n, proof.slice(1)], [i, n, [...proof, root]], [n, n, proof]]) {{
            try {{ V.Merkle.verify_inclusion(ii, nn, hs[i], pp, root); bad.push(null); }} catch (e) {{ bad.push(e.code); }}
          }}
          const m = Math.max(1, Math.floor(n / 2));
          const cons = V.Merkle.consistency_proof(m, hs);
          V.Merkle.verify_consistency(m, n, cons, V.Merkle.root_from_hashes(hs.slice(0, m)), root);
          return [hex(root), proof.map(hex), bad, cons.map(hex)];
        }});
        }})()"""
    )
    for (n, i), (root, proof, bad, cons) in zip(cases, got, strict=True):
        hs = _hashes(n)
        assert root == merkle.root_from_hashes(hs).hex()
        assert proof == [h.hex() for h in merkle.inclusion_proof(i, hs)]
        want: list[Any] = []
        for ii, nn, pp in [(i, n + 1, None), (i, n, "short"), (i, n, "long"), (n, n, None)]:
            path = merkle.inclusion_proof(i, hs)
            path = (
                path[1:] if pp == "short" else [*path, merkle.root_from_hashes(hs)] if pp else path
            )
            try:
                merkle.verify_inclusion(ii, nn, hs[i], path, merkle.root_from_hashes(hs))
                want.append(None)
            except RandcheckError as exc:
                want.append(exc.code)
        assert bad == want
        m = max(1, n // 2)
        assert cons == [h.hex() for h in merkle.consistency_proof(m, hs)]


@FAST
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 70)), min_size=1, max_size=10))
def test_tail_roots_equal_python(js: JS, cases: list[tuple[int, int]]) -> None:
    cases = [(a, a + k) for a, k in cases]
    got = js(
        f"""(() => {{
        const hex = V.Bytes.hex;
        const leaf = (i) => V.Merkle.leaf_hash(V.Bytes.utf8(`leaf ${{i}}`));
        return {jstr(cases)}.map(([a, n]) => {{
          const hs = Array.from({{ length: n }}, (_, k) => leaf(k));
          const prefix = V.Merkle.prefix_nodes(hs, a);
          const rng = new V.Merkle.CompactRange(prefix, a);
          const stack = [hex(rng.root())];
          for (const h of hs.slice(a)) {{ rng.append(h); stack.push(hex(rng.root())); }}
          const rec = [];
          for (let m = a; m <= n; m++) rec.push(hex(V.Merkle.tail_root(prefix, a, hs.slice(a), m)));
          return [prefix.map(hex), stack, rec, rng.nodes().map(hex)];
        }});
        }})()"""
    )
    for (a, n), (prefix, stack, rec, nodes) in zip(cases, got, strict=True):
        hs = _hashes(n)
        want = [merkle.root_from_hashes(hs[:m]).hex() for m in range(a, n + 1)]
        assert prefix == [h.hex() for h in merkle.prefix_nodes(hs, a)]
        assert stack == rec == want
        assert nodes == [h.hex() for h in merkle.prefix_nodes(hs, n)]


# -- notes and checkpoints ------------------------------------------------------------------------

KEY = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUB = signing.public_raw(KEY)
ORIGIN = note.origin_for("320500", signing.key_id(PUB))
ROOT = hashlib.sha256(b"root").digest()


def _open_both(js: JS, texts: list[str]) -> list[tuple[Any, Any]]:
    keys = {signing.key_id(PUB): PUB}
    want: list[Any] = []
    for text in texts:
        try:
            cp, origin = logverify.open_checkpoint(text, keys)
            size = cp.size if cp.size < 2**53 else str(cp.size)  # a BigInt in JavaScript
            want.append(["ok", [cp.origin, size, cp.root.hex(), list(cp.extensions), origin]])
        except RandcheckError as exc:
            want.append(["err", exc.code])
    got = js(
        f"""(async () => {{
        const pub = {js_bytes(PUB)};
        const keys = {{ [V.Hash.keyId(pub)]: pub }};
        const out = [];
        for (const text of {jstr(texts)}) {{
          try {{
            const [cp, origin] = await V.Log.open_checkpoint(text, keys);
            const size = typeof cp.size === "bigint" ? cp.size.toString() : cp.size;
            out.push(["ok", [cp.origin, size, V.Bytes.hex(cp.root), cp.extensions, origin]]);
          }} catch (e) {{ out.push(["err", e.code || String(e)]); }}
        }}
        return out;
        }})()"""
    )
    return list(zip(got, want, strict=True))


def test_checkpoints_open_and_refuse_as_python(js: JS) -> None:
    body = note.Checkpoint(ORIGIN, 12, ROOT).body()
    good = note.sign(body, ORIGIN, KEY)
    other = ed25519.Ed25519PrivateKey.generate()
    sig_line = good.split("\n\n")[1]
    raw = base64.b64decode(sig_line.split(" ")[2])
    flipped = sig_line.replace(
        sig_line.split(" ")[2], b64(raw[:10] + bytes([raw[10] ^ 1]) + raw[11:])
    )
    texts = [
        good,
        note.sign(note.Checkpoint(ORIGIN, 12, ROOT, ("ext one",)).body(), ORIGIN, KEY),
        good + note.signature_line(body, "other/name", other),  # an unknown key is ignored
        good.split("\n\n")[0] + "\n\n" + flipped,  # the known key's signature is wrong
        note.sign(body, ORIGIN, other),  # the right name, another key
        note.sign(
            note.Checkpoint("randcheck/320500/0000000000000000", 12, ROOT).body(), ORIGIN, KEY
        ),
        note.sign(body, "randcheck/320500/" + signing.key_id(PUB)[:15] + "x", KEY),
        good.rstrip("\n"),  # no final newline
        good.replace("\n\n", "\n"),  # no blank line
        "\n" + good,
        good.replace("— ", "-- "),
        good.replace("— ", "—  "),
        good + "— " + ORIGIN + " AAAA\n",  # a signature of < 5 bytes
        good.replace(ORIGIN + " ", ORIGIN + "+x ", 1),  # a "+" in the signer's name
        note.sign(body.replace("\n12\n", "\n012\n"), ORIGIN, KEY),  # leading zero
        note.sign(body.replace("\n12\n", "\n-1\n"), ORIGIN, KEY),
        note.sign(body.replace(b64(ROOT), b64(ROOT[:31])), ORIGIN, KEY),
        note.sign(body.replace(b64(ROOT), b64(ROOT).rstrip("=")), ORIGIN, KEY),
        good.replace(ORIGIN + "\n", ORIGIN + "\x07\n", 1),  # a control character in the text
        note.sign(body.replace("\n12\n", "\n99999999999999999\n"), ORIGIN, KEY),  # past 2^53
        good.replace(sig_line.split(" ")[2], sig_line.split(" ")[2] + "="),
        good.replace(sig_line.split(" ")[2], sig_line.split(" ")[2].rstrip("=")),
    ]
    for text, (got, want) in zip(texts, _open_both(js, texts), strict=True):
        assert got == want, text


def test_strict_base64_as_python(js: JS) -> None:
    """Note._unb64 accepts exactly what base64.b64decode(validate=True) accepts."""
    alphabet = "QUJD=+/A\n -"
    import itertools
    import random

    rnd = random.Random(7)
    texts = [
        "",
        "QQ==",
        "QUJD=",
        "QUJD===",
        "QQ=A",
        "=QQ=",
        "QUJ=",
        "QUJ==",
        "Q",
        "QQ",
        "QUJDQQ===",
    ]
    texts += ["".join(p) for p in itertools.product("Q=", repeat=5)]
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12))) for _ in range(300)]
    want: list[Any] = []
    for t in texts:
        try:
            want.append(base64.b64decode(t.encode("ascii"), validate=True).hex())
        except ValueError:
            want.append(None)
    got = js(
        f"""{jstr(texts)}.map((t) => {{
          try {{ return V.Bytes.hex(V.Note._unb64(t, "x")); }} catch (e) {{ return null; }}
        }})"""
    )
    assert got == want


def test_proof_files_parse_as_python(js: JS) -> None:
    cp = note.sign(note.Checkpoint(ORIGIN, 12, ROOT).body(), ORIGIN, KEY)
    hashes = [hashlib.sha256(bytes([i])).digest() for i in range(3)]
    good = note.ProofBundle(5, tuple(hashes), cp).format()
    texts = [
        good,
        note.ProofBundle(5, tuple(hashes), cp, b"extra").format(),
        good.replace("index 5", "index 05"),
        good.replace("index 5", "index  5"),
        good.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
        good.replace("\n\n", "\n"),
        good.replace(b64(hashes[1]), b64(hashes[1][:31])),
        note.ProofBundle(5, tuple(hashes * 22), cp).format(),
        note.ProofBundle(0, (), cp).format(),
    ]
    want: list[Any] = []
    for t in texts:
        try:
            b = note.parse_proof(t)
            want.append(
                [
                    b.index,
                    [h.hex() for h in b.hashes],
                    b.checkpoint,
                    None if b.extra is None else b.extra.hex(),
                ]
            )
        except RandcheckError as exc:
            want.append(exc.code)
    got = js(
        f"""{jstr(texts)}.map((t) => {{
          try {{
            const b = V.Note.parse_proof(t);
            return [b.index, b.hashes.map(V.Bytes.hex), b.checkpoint, b.extra === null ? null : V.Bytes.hex(b.extra)];
          }} catch (e) {{ return e.code; }}
        }})"""
    )
    assert got == want
    assert js(f"V.Note.format_proof(V.Note.parse_proof({jstr(texts[1])}))") == texts[1]


def test_verifier_keys_as_python(js: JS) -> None:
    good = note.vkey(ORIGIN, PUB)
    texts = [good, " " + good + "\n", good.upper(), good.replace("+", "++", 1),
             good.replace(ORIGIN, ORIGIN + "x"), good[:-4], "a+b", ORIGIN + "+" + "0" * 8 + "+" + b64(b"\x02" + PUB),
             "bad name+" + good.split("+", 1)[1]]  # fmt: skip
    want: list[Any] = []
    for t in texts:
        try:
            name, pub = note.parse_vkey(t)
            want.append([name, pub.hex()])
        except RandcheckError as exc:
            want.append(exc.code)
    got = js(
        f"""{jstr(texts)}.map((t) => {{
          try {{ const [n, p] = V.Note.parse_vkey(t); return [n, V.Bytes.hex(p)]; }} catch (e) {{ return e.code; }}
        }})"""
    )
    assert got == want


# -- keys -------------------------------------------------------------------------------------------


def _pem(key: Any) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()  # fmt: skip


def _export(name: str = "office", kid: str | None = None) -> str:
    kid = kid or signing.key_id(PUB)
    return (f"# randcheck public key (Ed25519)\n# name: {name}\n# key-id: {kid}\n"
            f"# note-key: {note.vkey(ORIGIN, PUB)}\n{_pem(KEY.public_key())}")  # fmt: skip


def test_key_files_parse_and_refuse_as_python(js: JS) -> None:
    pem = _pem(KEY.public_key())
    lines = pem.strip().split("\n")
    texts = [
        _export(),
        _export(kid=signing.key_id(PUB).upper()),
        _export(kid="00" * 32),  # the stated key id is wrong
        pem,
        "leading words\n" + pem,
        pem + pem,
        "\r\n".join(lines) + "\r\n",
        lines[0] + "\n" + lines[1][:30] + "\n" + lines[1][30:] + "\n" + lines[2] + "\n",
        pem.replace("=", ""),
        pem.replace("BEGIN", "begin"),
        pem.replace("END PUBLIC KEY", "END RSA PUBLIC KEY"),
        pem.replace("PUBLIC KEY", "PRIVATE KEY"),
        "# note-key only\n" + note.vkey(ORIGIN, PUB) + "\n",
        note.vkey(ORIGIN, PUB),
        note.vkey(ORIGIN, PUB)[:-2],
        _pem(x25519.X25519PrivateKey.generate().public_key()),
        _pem(ed448.Ed448PrivateKey.generate().public_key()),
        _pem(ec.generate_private_key(ec.SECP256R1()).public_key()),
        _pem(rsa.generate_private_key(65537, 1024).public_key()),
        rsa.generate_private_key(65537, 1024)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
        .decode(),
        pem.replace(lines[1], b64(base64.b64decode(lines[1]) + b"\x00")),
        "",
        "garbage",
        "# 公钥\n" + pem.replace("M", "М", 1),  # a Cyrillic letter in the body
    ]
    want: list[Any] = []
    for t in texts:
        try:
            pub, name = keys_svc.parse_public_text(t, "k.pub")
            want.append([pub.hex(), name])
        except RandcheckError as exc:
            want.append([exc.code, dict(exc.params)])
    got = js(
        f"""{jstr(texts)}.map((t) => {{
          try {{ const [p, n] = V.Keys.parse_public_text(t, "k.pub"); return [V.Bytes.hex(p), n]; }}
          catch (e) {{ return [e.code || String(e), e.params]; }}
        }})"""
    )
    for t, g, w in zip(texts, got, want, strict=True):
        assert g == w, t


def test_trusted_keys_in_every_accepted_form(js: JS) -> None:
    raw = base64.b64encode(PUB).decode()
    url = base64.urlsafe_b64encode(PUB).decode()
    forms = [raw, raw.rstrip("="), url, url.rstrip("="), f"  {raw}\n", note.vkey(ORIGIN, PUB),
             _export(), _pem(KEY.public_key())]  # fmt: skip
    got = js(f"{jstr(forms)}.map((t) => V.Bytes.hex(V.Keys.parseTrusted(t, 'pasted')))")
    assert got == [PUB.hex()] * len(forms)
    refused = ["", "   ", "not a key", raw[:-4], b64(PUB + b"\x00"), raw.replace("A", "!", 1),
               _export(kid="00" * 32), _pem(x25519.X25519PrivateKey.generate().public_key()),
               note.vkey(ORIGIN, PUB)[:-3]]  # fmt: skip
    got = js(
        f"""{jstr(refused)}.map((t) => {{
          try {{ V.Keys.parseTrusted(t, "pasted"); return null; }} catch (e) {{ return [e.code, e.params]; }}
        }})"""
    )
    assert [g[0] for g in got] == [
        "keys.bad_public_file", "keys.bad_public_file", "keys.bad_public_file",
        "keys.bad_public_file", "keys.bad_public_file", "keys.bad_public_file",
        "keys.key_id_mismatch", "keys.not_ed25519_public", "keys.bad_public_file",
    ]  # fmt: skip
    assert all(g[1]["path"] == "pasted" for g in got)


def _both_alphabets() -> bytes:
    """A 32-byte key whose standard base64 has both "+" and "/" (so a mix can be made)."""
    for n in range(1000):
        raw = hashlib.sha256(b"k%d" % n).digest()
        text = base64.b64encode(raw).decode()
        if "+" in text and "/" in text:
            return raw
    raise AssertionError("no such key")


def test_trusted_base64_is_strict(js: JS) -> None:
    """One alphabet and canonical padding bits: anything else is not the key (a reader who
    pastes a mangled key learns so, rather than trusting some other 32 bytes)."""
    raw = _both_alphabets()
    std = base64.b64encode(raw).decode()
    url = base64.urlsafe_b64encode(raw).decode()
    accepted = [std, std.rstrip("="), url, url.rstrip("=")]
    assert (
        js(f"{jstr(accepted)}.map((t) => V.Bytes.hex(V.Keys.parseTrusted(t)))") == [raw.hex()] * 4
    )
    last = std[42]  # carries 4 bits of the key and 2 padding bits, which must be zero
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    dirty = alphabet[alphabet.index(last) | 1]
    assert base64.b64decode(std[:42] + dirty + "=") == raw  # Python's lenient decoder takes it
    refused = [std.replace("+", "-", 1), std.replace("/", "_", 1), url.replace("-", "+", 1),
               std[:42] + dirty + "=", std[:42] + dirty, std + "=", std[:-1] + "A"]  # fmt: skip
    got = js(
        f"""{jstr(refused)}.map((t) => {{
          try {{ V.Keys.parseTrusted(t, "pasted"); return null; }} catch (e) {{ return e.code; }}
        }})"""
    )
    assert got == ["keys.bad_public_file"] * len(refused)


def test_spki_prefix_is_hash_s(js: JS) -> None:
    """keys.js reads an Ed25519 PEM by the same prefix the key id hashes (Hash.spkiDer)."""
    der = KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert js(f"V.Bytes.hex(V.Hash.spkiDer({js_bytes(PUB)}))") == der.hex()
    assert js(f"V.Bytes.hex(V.Keys.parsePublicText({jstr(_pem(KEY.public_key()))}))") == PUB.hex()


# -- the log checks of a published bundle -------------------------------------------------------------

#: a fake of js/reading.js's BundleFiles over files Python's reader loaded (and the unread log
#: tail): get/has/present/oversize/absent and lines() with reading.py's bounds
FAKE_FOUND = """
function makeFound(spec) {
  const fromB64 = V.Bytes.fromBase64;
  const data = new Map(Object.entries(spec.files).map(([p, s]) => [p, fromB64(s)]));
  const unread = new Map(Object.entries(spec.unread).map(([p, s]) => [p, fromB64(s)]));
  const present = new Map(Object.entries(spec.present));
  const oversize = new Map(Object.entries(spec.oversize));
  const TAIL_LINE = 1 << 20, TAIL_LINES = 100000, TAIL_BYTES = 256 << 20;
  const Err = V.Checks.RcError;
  return {
    present, oversize, budget: spec.budget,
    get: (p) => data.get(p), has: (p) => data.has(p),
    absent(name, path) {
      if (oversize.has(path)) {
        const [size, limit] = oversize.get(path);
        return V.Checks.failed(name, "verify.file_too_big", { file: path, size, limit });
      }
      return V.Checks.failed(name, "verify.missing_file", { file: path });
    },
    async *lines(path) {
      const size = present.get(path);
      if (size == null || size < 0) throw new Err("verify.missing_file", { file: path });
      const limit = Math.min(TAIL_BYTES, this.budget);
      if (size > limit) throw new Err("verify.file_too_big", { file: path, size, limit });
      const raw = unread.get(path) || data.get(path);
      let pos = 0, total = 0, count = 0;
      while (pos < raw.length) {
        const nl = raw.indexOf(10, pos);
        let stop = nl < 0 ? raw.length : nl + 1;
        if (stop - pos > TAIL_LINE + 1) stop = pos + TAIL_LINE + 1;
        const line = raw.subarray(pos, stop);
        pos = stop; total += line.length; count += 1;
        if (total > limit) throw new Err("verify.file_too_big", { file: path, size: total, limit });
        if (count > TAIL_LINES) throw new Err("verify.tail_too_many", { file: path, limit: TAIL_LINES });
        if (line[line.length - 1] !== 10) {
          const code = line.length > TAIL_LINE ? "verify.tail_line_too_long" : "verify.tail_torn";
          throw new Err(code, { file: path, line: count, limit: TAIL_LINE });
        }
        yield line.subarray(0, line.length - 1);
      }
    },
  };
}
"""


def _python_log_checks(
    root: Path, keys: dict[str, bytes], held: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Python's log checks of the bundle at ``root`` in ``randcheck verify``'s order, and what
    the JavaScript needs to run the same: the reader's state and the documents' parts."""
    found = reading.BundleFiles(root)
    found.load(layout.ANNOUNCEMENT, reading.FIXED[layout.ANNOUNCEMENT])
    reading.read(found, documents.soft_body(found.get(layout.ANNOUNCEMENT)))
    fmt, _check = files.format_check(found)
    docs = documents.documents(found)
    spec = {
        "files": {p: b64(found[p]) for p in found},
        "unread": {
            p: b64((root / p).read_bytes())
            for p in (layout.TAIL,)
            if p in found.present and p not in found
        },
        "present": dict(found.present),
        "oversize": {p: list(v) for p, v in found.oversize.items()},
        "budget": found.budget,
    }
    add_digests = [a.digest if a else None for a in docs.add_envs]
    ann = docs.ann
    rec = docs.rec_env.doc if docs.rec_env else None
    inputs: dict[str, Any] = {
        "keys": [k.hex() for k in keys.values()],
        "fmt": fmt,
        "ann_digest": docs.ann_env.digest if docs.ann_env else None,
        "rec_digest": docs.rec_env.digest if docs.rec_env else None,
        "add_digests": add_digests,
        "task_id": ann.task.id if ann else None,
        "ann": None
        if ann is None
        else json.dumps({"entropy": list(ann.entropy), "task": {"id": ann.task.id}}),
        "rec": None if docs.rec_env is None else docs.rec_env.body.decode("utf-8"),
        "committed_at": ordering.committed_at(found, docs),
        "held": [b64(h.encode()) for h in held],
    }
    lg = log.Log(found, keys)
    checks = [lg.cp_check, lg.check("log.announcement", inputs["ann_digest"]),
              lg.check("log.record", inputs["rec_digest"])]  # fmt: skip
    checks += [lg.check(f"log.addendum.{i}", d) for i, d in enumerate(add_digests, start=1)]
    checks.append(log.order_check(lg, ann, len(add_digests)))
    checks.append(log.reveal_check(rec, lg))
    checks.append(log.chain_check(rec, lg, fmt, inputs["committed_at"]))
    what = complete.subject(found, inputs["task_id"], inputs["rec_digest"], add_digests)
    helds = [complete.Held(f"checkpoint {i}", h) for i, h in enumerate(held, start=1)]
    checks += complete.checks(found, fmt, lg, what, keys, helds)
    want = {"checks": [c.to_json() for c in checks], "seqs": dict(lg.seqs)}
    return want, {"spec": spec, "inputs": inputs}


def _js_log_checks(js: JS, given_: dict[str, Any]) -> dict[str, Any]:
    return js(
        f"""(async () => {{
        {FAKE_FOUND}
        const spec = {jstr(given_["spec"])}, input = {jstr(given_["inputs"])};
        const found = makeFound(spec);
        const keys = {{}};
        for (const h of input.keys) {{ const raw = V.Bytes.fromHex(h); keys[V.Hash.keyId(raw)] = raw; }}
        const lg = await V.Log.open(found, keys);
        const out = [lg.cp_check];
        out.push(await lg.check("log.announcement", input.ann_digest));
        out.push(await lg.check("log.record", input.rec_digest));
        for (let i = 0; i < input.add_digests.length; i++) out.push(await lg.check(`log.addendum.${{i + 1}}`, input.add_digests[i]));
        const parse = (t) => (t === null ? null : V.Json.parse(V.Bytes.utf8(t)));
        const ann = parse(input.ann), rec = parse(input.rec);
        out.push(await V.Log.order_check(lg, ann, input.add_digests.length));
        out.push(await V.Log.reveal_check(rec, lg));
        out.push(await V.Log.chain_check(rec, lg, input.fmt, input.committed_at));
        const what = V.Complete.subject(found, input.task_id, input.rec_digest, input.add_digests);
        out.push(...await V.Complete.checks(found, input.fmt, lg, what, keys, input.held.map(V.Bytes.fromBase64)));
        return {{ checks: out, seqs: lg.seqs }};
        }})()"""
    )


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.conftest import fresh_db_url
    from tests.publish.conftest import build_drawn

    root = tmp_path_factory.mktemp("jslog") / "ws"
    with fresh_db_url(root) as url:
        d = build_drawn(root, url)
        yield d
        d.engine.dispose()


@pytest.fixture(scope="module")
def bundle(drawn: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from randcheck.services.publish import publish_record
    from tests.publish.conftest import PASSPHRASE

    key = keys_svc.load_private_key(drawn.ws, "office", PASSPHRASE.encode())
    out = tmp_path_factory.mktemp("jslog-out")
    return publish_record(
        drawn.ws, drawn.engine, drawn.rec_digest, key, out=out, actor="tester"
    ).path


@pytest.fixture(scope="module")
def office(drawn: Any) -> dict[str, bytes]:
    public = keys_svc.public_key(drawn.ws)
    return {signing.key_id(public): public}


def _same(
    js: JS, root: Path, keys: dict[str, bytes], held: list[str] | None = None
) -> dict[str, Any]:
    want, given_ = _python_log_checks(root, keys, held or [])
    got = _js_log_checks(js, given_)
    assert [c["name"] for c in got["checks"]] == [c["name"] for c in want["checks"]]
    for g, w in zip(got["checks"], want["checks"], strict=True):
        assert g == w
    assert got["seqs"] == want["seqs"]
    return {c["name"]: c for c in want["checks"]}


def test_a_published_bundle_passes_as_in_python(
    js: JS, bundle: Path, office: dict[str, bytes]
) -> None:
    checks = _same(js, bundle, office)
    assert all(c["ok"] for c in checks.values()), checks
    assert checks["log.complete"]["code"] == "verify.complete_ok"
    assert checks["reveal"]["code"] == "verify.reveal_ok"
    # with no trusted key, or a stranger's, the checkpoint (and so every proof) fails
    stranger = signing.public_raw(ed25519.Ed25519PrivateKey.generate())
    checks = _same(js, bundle, {signing.key_id(stranger): stranger})
    assert checks["log.checkpoint"]["code"] == "verify.checkpoint_bad"
    checks = _same(js, bundle, {})
    assert checks["log.record"]["code"] == "verify.no_checkpoint"


def _flip(path: Path, at: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    i = int(len(data) * at)
    data[i] ^= 0x01
    path.write_bytes(bytes(data))


def _tail_lines(root: Path) -> list[bytes]:
    return (root / layout.TAIL).read_bytes().split(b"\n")[:-1]


def _entry_path(root: Path, kind: str) -> Path:
    for p in sorted((root / "log" / "entries").iterdir()):
        if json.loads(p.read_bytes())["kind"] == kind:
            return p
    raise AssertionError(kind)


def _proof(root: Path, i: int) -> Path:
    return sorted(root.glob("log/*.tlog-proof"))[i]


def _write_tail(root: Path, lines: list[bytes]) -> None:
    (root / layout.TAIL).write_bytes(b"".join(x + b"\n" for x in lines))


def _tail_index(root: Path, prefix0: str) -> None:
    index = json.loads((root / layout.TAIL_INDEX).read_bytes())
    if index["prefix"]:
        index["prefix"][0] = prefix0
    else:
        index["size"] += 1
    (root / layout.TAIL_INDEX).write_bytes(canonical(index) + b"\n")


def _replace(path: Path, old: bytes, new: bytes) -> None:
    path.write_bytes(path.read_bytes().replace(old, new, 1))


TAMPER: dict[str, Callable[[Path], object]] = {
    "entry: the record's entry byte-flipped": lambda r: _flip(_entry_path(r, "draw.record"), 0.6),
    "entry: the announcement's entry not canonical": lambda r: _replace(
        _entry_path(r, "task.announce"), b'","', b'", "'
    ),
    "entry: the reveal's entry removed": lambda r: _entry_path(r, "draw.revealed").unlink(),
    "proof: a hash byte-flipped": lambda r: _flip(_proof(r, 0), 0.2),
    "proof: the checkpoint in it byte-flipped": lambda r: _flip(_proof(r, -1), 0.9),
    "proof: removed": lambda r: _proof(r, 1).unlink(),
    "proof: not UTF-8": lambda r: _proof(r, 0).write_bytes(b"\xff\xfe"),
    "checkpoint: the root byte-flipped": lambda r: _flip(r / layout.CHECKPOINT, 0.45),
    "checkpoint: the signature byte-flipped": lambda r: _flip(r / layout.CHECKPOINT, 0.85),
    "checkpoint: removed": lambda r: (r / layout.CHECKPOINT).unlink(),
    "checkpoint: not UTF-8": lambda r: (r / layout.CHECKPOINT).write_bytes(b"\xc3(\n"),
    "tail: a byte flipped in the middle": lambda r: _flip(r / layout.TAIL, 0.5),
    "tail: the first line dropped": lambda r: _write_tail(r, _tail_lines(r)[1:]),
    "tail: the last line dropped": lambda r: _write_tail(r, _tail_lines(r)[:-1]),
    "tail: a line added": lambda r: _write_tail(r, [*_tail_lines(r), _tail_lines(r)[-1]]),
    "tail: torn": lambda r: (r / layout.TAIL).write_bytes((r / layout.TAIL).read_bytes()[:-1]),
    "tail: removed": lambda r: (r / layout.TAIL).unlink(),
    "tail index: a prefix node changed": lambda r: _tail_index(r, "00" * 32),
    "tail index: not canonical": lambda r: _replace(r / layout.TAIL_INDEX, b":", b": "),
    "tail index: removed": lambda r: (r / layout.TAIL_INDEX).unlink(),
    "bundle.json: format v2": lambda r: (r / layout.FORMAT_FILE).write_bytes(
        layout.format_document(layout.FORMAT_V2)
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPER))
def test_tampered_bundles_fail_as_in_python(
    js: JS, bundle: Path, office: dict[str, bytes], tmp_path: Path, case: str
) -> None:
    root = shutil.copytree(bundle, tmp_path / "b")
    before = _python_log_checks(root, office, [])[0]["checks"]
    TAMPER[case](root)
    checks = _same(js, root, office)
    changed = [c for c in checks.values() if c not in before]
    assert changed, f"{case}: nothing changed"
    assert any(not c["ok"] or c["status"] == "warn" for c in changed), changed


def _held(drawn: Any, origin: str, size: int, root: bytes, key: Any = None) -> str:
    from tests.publish.conftest import PASSPHRASE

    key = key or keys_svc.load_private_key(drawn.ws, "office", PASSPHRASE.encode())
    return note.sign(note.Checkpoint(origin, size, root).body(), origin, key)


def test_held_checkpoints_as_in_python(
    js: JS, drawn: Any, bundle: Path, office: dict[str, bytes]
) -> None:
    cp = note.parse_checkpoint(note.parse((bundle / layout.CHECKPOINT).read_text()).text)
    index = json.loads((bundle / layout.TAIL_INDEX).read_bytes())
    a, n = index["from"], cp.size
    lines = (drawn.ws.audit_dir / "log.jsonl").read_bytes().split(b"\n")[:-1]
    hashes = [merkle.leaf_hash(x) for x in lines][:n]
    good = [_held(drawn, cp.origin, m, merkle.root_from_hashes(hashes[:m])) for m in (a, n - 1, n)]
    assert _same(js, bundle, office, good)["log.consistency"]["code"] == "verify.consistency_ok"
    forged = list(hashes)
    forged[a + 1] = merkle.leaf_hash(b'{"forged":true}')
    bad = _held(drawn, cp.origin, n - 1, merkle.root_from_hashes(forged[: n - 1]))
    assert (
        _same(js, bundle, office, [*good, bad])["log.consistency"]["code"]
        == "verify.held_inconsistent"
    )
    newer = _held(drawn, cp.origin, n + 5, b"\x01" * 32)
    assert _same(js, bundle, office, [newer])["log.consistency"]["code"] == "verify.held_newer"
    before = _held(drawn, cp.origin, a - 1, merkle.root_from_hashes(hashes[: a - 1]))
    assert (
        _same(js, bundle, office, [before])["log.consistency"]["code"] == "verify.held_before_tail"
    )
    stranger = _held(
        drawn, cp.origin, n, merkle.root_from_hashes(hashes), ed25519.Ed25519PrivateKey.generate()
    )
    assert _same(js, bundle, office, [stranger])["log.consistency"]["code"] == "verify.held_bad"
    other = _held(
        drawn, "randcheck/000000/" + cp.origin.rsplit("/", 1)[1], n, merkle.root_from_hashes(hashes)
    )
    assert _same(js, bundle, office, [other])["log.consistency"]["code"] == "verify.held_origin"
