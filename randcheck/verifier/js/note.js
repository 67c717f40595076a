// Note: C2SP signed notes (Ed25519), tlog-checkpoint bodies and tlog-proof bundles — a port of
// randcheck/core/note.py (verifying only: the browser never signs).
//
// * Signed note (c2sp.org/signed-note): UTF-8 text ending in "\n", a blank line, then signature
//   lines "— <name> <base64(key id (4) || signature)>".  The Ed25519 key id is
//   SHA-256(name || 0x0A || 0x01 || public key)[:4].  Verifiers ignore signatures by unknown
//   keys and reject a note that no known key verifies.
// * Checkpoint (c2sp.org/tlog-checkpoint): origin line, decimal tree size, base64 root hash,
//   then optional extension lines.
// * Proof bundle (c2sp.org/tlog-proof@v1): header, optional "extra <b64>", "index N", one base64
//   hash per line, a blank line, then the signed checkpoint verbatim.
// Notes are JS strings (decoded strictly from UTF-8 by the caller, as Python decodes them).
const Note = (() => {
  const ALG_ED25519 = 0x01;
  const SIG_PREFIX = "\u2014 "; // EM DASH, space
  const PROOF_HEADER = "c2sp.org/tlog-proof@v1";
  const MAX_SIGNATURES = 100;
  const fail = (code, params) => new Checks.RcError(code, params);

  // Python's str.isprintable(): false for categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs but the
  // ASCII space.
  const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;
  function isprintable(s) {
    for (const ch of s) if (ch !== " " && NOT_PRINTABLE.test(ch)) return false;
    return true;
  }
  // Python's str.splitlines() (no keepends)
  const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
  // Python's str.strip() without arguments (its whitespace differs from String.prototype.trim)
  const pystrip = Spec.pyStrip;
  function splitlines(s) {
    const out = s.split(LINE_BREAK);
    if (out.length && out[out.length - 1] === "") out.pop();
    return out;
  }

  // -- base64 as Python's base64.b64decode(…, validate=True) (3.11 strict mode) -------------
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const B64_VALUE = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

  /** Strict standard base64 → bytes, refusing exactly what binascii's strict mode refuses;
   *  throws RcError(code). */
  function _unb64(text, code) {
    if (typeof text !== "string") throw fail(code);
    const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
    let o = 0, quad = 0, acc = 0, pads = 0, padding = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x3d) { // '='
        if (i === 0) throw fail(code); // leading padding
        padding = true;
        pads += 1;
        if (quad >= 2 && quad + pads >= 4) {
          if (i + 1 < text.length) throw fail(code); // excess data after padding
          return out.slice(0, o);
        }
        continue;
      }
      const v = c < 128 ? B64_VALUE[c] : -1;
      if (v < 0) throw fail(code); // only base64 data (non-ASCII: UnicodeEncodeError)
      if (padding) throw fail(code); // discontinuous padding
      pads = 0;
      acc = (acc << 6) | v;
      quad += 1;
      if (quad === 2) { out[o++] = (acc >> 4) & 0xff; acc &= 0xf; }
      else if (quad === 3) { out[o++] = (acc >> 2) & 0xff; acc &= 0x3; }
      else if (quad === 4) { out[o++] = acc & 0xff; acc = 0; quad = 0; }
    }
    if (quad !== 0) throw fail(code); // 1 more than a multiple of 4, or incorrect padding
    return out.slice(0, o);
  }
  function _b64(u8) { return Bytes.toBase64(u8); }
  function hashes_b64(hashes) { return hashes.map(_b64); }

  // -- keys ----------------------------------------------------------------------------------
  const NAME = /^[^\s+]+$/u;

  /** A note key name: non-empty, no spaces, no "+" (throws note.bad_name). */
  function check_name(name) {
    if (typeof name !== "string" || !NAME.test(name) || !isprintable(name)) {
      throw fail("note.bad_name", { name: String(name) });
    }
  }

  /** The 4-byte Ed25519 note key id: SHA-256(name || 0x0A || 0x01 || public)[:4]. */
  function key_hash(name, pub) {
    check_name(name);
    return Hash.sha256(Bytes.concat(Bytes.utf8(name), new Uint8Array([0x0a, ALG_ED25519]), pub)).slice(0, 4);
  }

  /** The verifier key string <name>+<hex key id>+<base64(0x01 || public)>. */
  function vkey(name, pub) {
    return `${name}+${Bytes.hex(key_hash(name, pub))}+${_b64(Bytes.concat(new Uint8Array([ALG_ED25519]), pub))}`;
  }

  /** [name, public key] from a verifier key string; the key id must match (note.bad_vkey). */
  function parse_vkey(text) {
    const s = pystrip(String(text));
    // Python's split("+", 2): at most three parts, the last keeping any further "+"
    const i = s.indexOf("+"), j = i < 0 ? -1 : s.indexOf("+", i + 1);
    if (i < 0 || j < 0) throw fail("note.bad_vkey");
    const name = s.slice(0, i), hexid = s.slice(i + 1, j), b64 = s.slice(j + 1);
    const raw = _unb64(b64, "note.bad_vkey");
    if (raw.length !== 33 || raw[0] !== ALG_ED25519) throw fail("note.bad_vkey");
    const pub = raw.slice(1);
    if (Bytes.hex(key_hash(name, pub)) !== hexid.toLowerCase()) throw fail("note.bad_vkey");
    return [name, pub];
  }

  // -- signed notes --------------------------------------------------------------------------
  function _check_text(text) {
    if (!text.endsWith("\n") || text.includes("\n\n") || text.startsWith("\n")) throw fail("note.bad_text");
    for (const ch of text) if (ch !== "\n" && ch !== " " && NOT_PRINTABLE.test(ch)) throw fail("note.bad_text");
  }

  /** Split a signed note into {text, signatures: [{name, key_hash, signature}]} (nothing is
   *  verified yet). */
  function parse(note) {
    if (typeof note !== "string" || !note.endsWith("\n")) throw fail("note.malformed");
    const split = note.lastIndexOf("\n\n");
    if (split < 0) throw fail("note.malformed");
    const text = note.slice(0, split + 1), block = note.slice(split + 2);
    _check_text(text);
    const signatures = [];
    for (const line of splitlines(block)) {
      if (!line.startsWith(SIG_PREFIX)) throw fail("note.malformed");
      const fields = line.slice(SIG_PREFIX.length).split(" ");
      if (fields.length !== 2) throw fail("note.malformed");
      const [name, b64] = fields;
      check_name(name);
      const raw = _unb64(b64, "note.malformed");
      if (raw.length < 5) throw fail("note.malformed");
      signatures.push({ name, key_hash: raw.slice(0, 4), signature: raw.slice(4) });
    }
    if (!signatures.length || signatures.length > MAX_SIGNATURES) throw fail("note.malformed");
    return { text, signatures };
  }

  /** Verify a signed note against `known` {name: Ed25519 public key}: [text, verified names].
   *  Unknown keys are ignored; a known key's bad signature throws signature.invalid; no
   *  verified signature at all throws note.no_known_signature. */
  async function open_note(note, known) {
    const parsed = parse(note);
    const data = Bytes.utf8(parsed.text);
    const verified = [];
    for (const sig of parsed.signatures) {
      const pub = Object.prototype.hasOwnProperty.call(known, sig.name) ? known[sig.name] : undefined;
      if (pub === undefined || !Bytes.equal(key_hash(sig.name, pub), sig.key_hash)) continue;
      if (!(await Hash.ed25519Verify(pub, data, sig.signature))) {
        throw fail("signature.invalid", { key_id: Hash.keyId(pub).slice(0, 16) });
      }
      if (!verified.includes(sig.name)) verified.push(sig.name);
    }
    if (!verified.length) throw fail("note.no_known_signature");
    return [parsed.text, verified];
  }

  // -- checkpoints -----------------------------------------------------------------------------
  /** A size or index of up to 19 decimal digits: a Number, or a BigInt past 2^53 − 1. */
  function _int(s) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : BigInt(s);
  }

  /** Checkpoint body → {origin, size, root, extensions} (decimal size without leading zeros). */
  function parse_checkpoint(text) {
    const lines = text.split("\n");
    if (lines.length < 4 || lines[lines.length - 1] !== "") throw fail("checkpoint.malformed");
    const [origin, size_s, root_s, ...ext] = lines.slice(0, -1);
    if (!origin || !/^(0|[1-9][0-9]{0,18})$/.test(size_s)) throw fail("checkpoint.malformed");
    const root = _unb64(root_s, "checkpoint.malformed");
    if (root.length !== 32 || ext.some((e) => !e)) throw fail("checkpoint.malformed");
    return { origin, size: _int(size_s), root, extensions: ext };
  }

  /** The checkpoint text (the part that is signed). */
  function checkpoint_body(cp) {
    if (!cp.origin || cp.origin.includes("\n") || cp.size < 0 || cp.root.length !== 32) throw fail("checkpoint.malformed");
    return [cp.origin, String(cp.size), _b64(cp.root), ...(cp.extensions || [])].map((l) => l + "\n").join("");
  }

  /** randcheck's documented origin (also the note key name) for a log signing key. */
  function origin_for(region_code, key_id_hex) { return `randcheck/${region_code}/${key_id_hex.slice(0, 16)}`; }

  // -- proof bundles -----------------------------------------------------------------------------
  /** A c2sp.org/tlog-proof@v1 bundle → {index, hashes, checkpoint (the signed note verbatim),
   *  extra (Uint8Array|null)}; signatures are checked separately. */
  function parse_proof(text) {
    const cut = text.indexOf("\n\n");
    if (cut < 0) throw fail("proof.malformed");
    const head = text.slice(0, cut), checkpoint = text.slice(cut + 2);
    const lines = head.split("\n");
    if (lines[0] !== PROOF_HEADER) throw fail("proof.malformed");
    let pos = 1, extra = null;
    if (pos < lines.length && lines[pos].startsWith("extra ")) {
      extra = _unb64(lines[pos].slice(6), "proof.malformed");
      pos += 1;
    }
    if (pos >= lines.length || !/^index (0|[1-9][0-9]{0,18})$/.test(lines[pos])) throw fail("proof.malformed");
    const index = _int(lines[pos].slice(6));
    const hashes = lines.slice(pos + 1).map((h) => _unb64(h, "proof.malformed"));
    if (hashes.some((h) => h.length !== 32) || hashes.length > 64) throw fail("proof.malformed");
    return { index, hashes, checkpoint, extra };
  }

  /** The text of a proof bundle (ProofBundle.format). */
  function format_proof(b) {
    const lines = [PROOF_HEADER];
    if (b.extra != null) lines.push(`extra ${_b64(b.extra)}`);
    lines.push(`index ${b.index}`);
    for (const h of b.hashes) lines.push(_b64(h));
    return lines.join("\n") + "\n\n" + b.checkpoint;
  }

  return {
    ALG_ED25519, SIG_PREFIX, PROOF_HEADER, MAX_SIGNATURES, isprintable, pystrip, splitlines, _unb64, _b64,
    hashes_b64, check_name, key_hash, vkey, parse_vkey, _check_text, parse, open_note,
    parse_checkpoint, checkpoint_body, origin_for, parse_proof, format_proof,
  };
})();
