// Drand: offline verification of drand beacon rounds against a pinned chain (no network).
// Port of randcheck/core/draw/drand.py (SPEC §6.1), same names, same drand.* catalog codes.
//
// pedersen-bls-chained (LoE "mainnet"): key in G1 (48 bytes), signature in G2 (96 bytes),
//   msg = SHA-256(previous_signature || uint64_be(round)), IETF G2Basic (noble longSignatures).
// bls-unchained-g1-rfc9380 (LoE "quicknet"): key in G2 (96 bytes), signature in G1 (48 bytes),
//   msg = SHA-256(uint64_be(round)), hashed to G1 (noble shortSignatures).
// randomness = SHA-256(signature) in both.
//
// Every input is validated before any curve arithmetic, in Python's order. Points are decoded
// with noble's strict signature coders (compressed flag required, coordinates < p, on the curve,
// in the prime-order subgroup) and the point at infinity (flag 0x40) is refused, for the key
// and the signature, exactly as Python refuses them (blst and py_ecc alike).
// A chain is {name, chain_hash, public_key, period, genesis_time, scheme} (DrandChain).
const Drand = (() => {
  const SCHEME_CHAINED = "pedersen-bls-chained";
  const SCHEME_G1_RFC9380 = "bls-unchained-g1-rfc9380";
  const DST_G1 = Bytes.utf8("BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_");
  const DST_G2 = Bytes.utf8("BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_");
  const LENGTHS = { [SCHEME_CHAINED]: [48, 96], [SCHEME_G1_RFC9380]: [96, 48] };
  const MAX_ROUND = (1n << 64n) - 1n;
  const HEX = /^(?:[0-9a-f]{2})*$/;
  const err = (code, params) => new Checks.RcError(code, params);

  const CHAINS = Object.freeze({
    quicknet: Object.freeze({
      name: "quicknet",
      chain_hash: "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
      public_key: "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c" +
        "8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb" +
        "5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
      period: 3,
      genesis_time: 1692803367,
      scheme: SCHEME_G1_RFC9380,
    }),
    mainnet: Object.freeze({
      name: "mainnet",
      chain_hash: "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce",
      public_key: "868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5c" +
        "ce96366b5d7a569937c529eeda66c7293784a9402801af31",
      period: 30,
      genesis_time: 1595431050,
      scheme: SCHEME_CHAINED,
    }),
  });

  /** The pinned chain whose hash is `chain_hash` (exact); drand.unknown_chain otherwise. */
  function chain_by_hash(chain_hash) {
    for (const name of Object.keys(CHAINS).sort()) {
      if (CHAINS[name].chain_hash === chain_hash) return CHAINS[name];
    }
    const known = Object.keys(CHAINS).sort().map((n) => `${n}=${CHAINS[n].chain_hash}`).join(", ");
    throw err("drand.unknown_chain", { chain_hash: typeof chain_hash === "string" ? chain_hash : Spec.repr(chain_hash), known });
  }

  /** A round number as a BigInt, or drand.bad_round (Python: `type(round) is int`, 1 ≤ r < 2^64). */
  function _round(round) {
    let r;
    if (typeof round === "bigint") r = round;
    else if (typeof round === "number" && Number.isInteger(round)) r = BigInt(round);
    else throw err("drand.bad_round", { round: Spec.repr(round) });
    if (r < 1n || r > MAX_ROUND) throw err("drand.bad_round", { round: Spec.repr(round) });
    return r;
  }
  function _check_round(round) { _round(round); return round; }
  const _num = (b) => (b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b);

  /** Unix time (seconds) at which `round` is published: genesis + (round − 1)·period. */
  function round_time(chain, round) {
    const r = _round(round);
    return _num(BigInt(chain.genesis_time) + (r - 1n) * BigInt(chain.period));
  }

  /** The first round whose publication time is at or after `unix_time` (≥ 1). */
  function round_at(chain, unix_time) {
    if (!(typeof unix_time === "bigint" || (typeof unix_time === "number" && Number.isInteger(unix_time)))) {
      throw err("drand.bad_time", { time: Spec.repr(unix_time) });
    }
    const t = BigInt(unix_time), g = BigInt(chain.genesis_time), p = BigInt(chain.period);
    if (t <= g) return 1;
    // −((g − t) // p) + 1 with Python's floor division; here g − t < 0
    const d = g - t;
    const q = d / p - ((d % p !== 0n) ? 1n : 0n);
    return _num(-q + 1n);
  }

  function _hex_bytes(field, value, expected, scheme) {
    if (typeof value !== "string" || !HEX.test(value)) throw err("drand.bad_hex", { field });
    const raw = Bytes.fromHex(value);
    if (raw.length !== expected) {
      throw err("drand.bad_length", { field, expected, actual: raw.length, scheme });
    }
    return raw;
  }

  function _key_lengths(chain) {
    const lengths = Object.prototype.hasOwnProperty.call(LENGTHS, chain.scheme) ? LENGTHS[chain.scheme] : null;
    if (lengths === null) throw err("drand.unsupported_scheme", { scheme: chain.scheme });
    return lengths;
  }

  /** A compressed point decoded and checked (on curve, in subgroup, not infinity), or null.
   *  `coder` is noble's signature coder of the point's group (compressed encoding only). */
  function _point(coder, raw) {
    if (raw[0] & 0x40) return null; // the infinity flag: a subgroup element, refused explicitly
    try {
      const p = coder.fromBytes(raw); // decodes, then assertValidity: on curve and torsion-free
      if (p.is0()) return null;
      p.assertValidity();
      return p;
    } catch (e) {
      return null;
    }
  }
  const _g1_point = (raw) => _point(noble.bls12_381.shortSignatures.Signature, raw);
  const _g2_point = (raw) => _point(noble.bls12_381.longSignatures.Signature, raw);
  // The pinned keys are few and fixed: decode and subgroup-check each once.
  const keyCache = new Map();
  function _key(group, raw) {
    const id = group + Bytes.hex(raw);
    if (!keyCache.has(id)) keyCache.set(id, group === 1 ? _g1_point(raw) : _g2_point(raw));
    return keyCache.get(id);
  }

  /** The 32-byte message the network signs for `round` (previous_signature: bytes or null). */
  function round_message(chain, round, previous_signature = null) {
    const roundBe = Bytes.uintBE(_round(round), 8);
    if (chain.scheme === SCHEME_CHAINED) {
      if (previous_signature === null || previous_signature === undefined) {
        throw err("drand.missing_previous", { round });
      }
      return Hash.sha256(Bytes.concat(previous_signature, roundBe));
    }
    return Hash.sha256(roundBe);
  }

  /** Verify `signature` (lowercase hex) for `round` of `chain` offline; return the round's
   *  randomness SHA-256(signature bytes) (Uint8Array, 32 bytes). Throws RcError drand.*. */
  function verify_round(chain, round, signature, previous_signature = null) {
    const [pkLen, sigLen] = _key_lengths(chain);
    _check_round(round);
    const sig = _hex_bytes("signature", signature, sigLen, chain.scheme);
    let prev = null;
    if (chain.scheme === SCHEME_CHAINED) {
      if (previous_signature === null || previous_signature === undefined) {
        throw err("drand.missing_previous", { round });
      }
      prev = _hex_bytes("previous_signature", previous_signature, sigLen, chain.scheme);
    } else if (previous_signature !== null && previous_signature !== undefined) {
      throw err("drand.unexpected_previous", { scheme: chain.scheme });
    }
    const pk = _hex_bytes("public_key", chain.public_key, pkLen, chain.scheme);

    const msg = round_message(chain, round, prev);
    const bls = noble.bls12_381;
    let ok;
    if (chain.scheme === SCHEME_CHAINED) { // key in G1, signature in G2: e(g1, sig) == e(pk, H2(msg))
      const key = _key(1, pk);
      if (key === null) throw err("drand.bad_public_key", { chain: chain.name });
      const point = _g2_point(sig);
      if (point === null) throw err("drand.signature_not_point", { round });
      ok = bls.longSignatures.verify(point, bls.longSignatures.hash(msg, DST_G2), key);
    } else { // key in G2, signature in G1: e(sig, g2) == e(H1(msg), pk)
      const key = _key(2, pk);
      if (key === null) throw err("drand.bad_public_key", { chain: chain.name });
      const point = _g1_point(sig);
      if (point === null) throw err("drand.signature_not_point", { round });
      ok = bls.shortSignatures.verify(point, bls.shortSignatures.hash(msg, DST_G1), key);
    }
    if (!ok) throw err("drand.bad_signature", { round, chain: chain.name });
    return Hash.sha256(sig);
  }

  // --- beacon JSON --------------------------------------------------------------------------
  const V1_FIELDS = new Set(["round", "randomness", "signature", "previous_signature"]);

  /** Python's json.loads as parse_beacon calls it: strict JSON, integers as BigInt, and a
   *  float, NaN/Infinity or a duplicate key refused; throws drand.bad_json. */
  function _loads(text) {
    let i = 0;
    const bad = (reason) => err("drand.bad_json", { reason });
    const ws = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
    function value(depth) {
      if (depth > 900) throw bad("maximum recursion depth exceeded");
      ws();
      const c = text[i];
      if (c === "{") {
        i++; ws();
        const obj = new Map();
        if (text[i] === "}") { i++; return obj; }
        for (;;) {
          ws();
          if (text[i] !== '"') throw bad("Expecting property name enclosed in double quotes");
          const key = string();
          ws();
          if (text[i] !== ":") throw bad("Expecting ':' delimiter");
          i++;
          const v = value(depth + 1);
          if (obj.has(key)) throw bad(`duplicate key ${Spec.repr(key)}`);
          obj.set(key, v);
          ws();
          if (text[i] === ",") { i++; continue; }
          if (text[i] === "}") { i++; return obj; }
          throw bad("Expecting ',' delimiter");
        }
      }
      if (c === "[") {
        i++; ws();
        const arr = [];
        if (text[i] === "]") { i++; return arr; }
        for (;;) {
          arr.push(value(depth + 1));
          ws();
          if (text[i] === ",") { i++; continue; }
          if (text[i] === "]") { i++; return arr; }
          throw bad("Expecting ',' delimiter");
        }
      }
      if (c === '"') return string();
      for (const [word, v] of [["true", true], ["false", false], ["null", null]]) {
        if (text.startsWith(word, i)) { i += word.length; return v; }
      }
      for (const word of ["NaN", "Infinity", "-Infinity"]) {
        if (text.startsWith(word, i)) throw bad(`non-integer number ${word}`);
      }
      const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i, i + 4400));
      if (!m) throw bad("Expecting value");
      i += m[0].length;
      if (m[1] !== undefined || m[2] !== undefined) throw bad(`non-integer number ${m[0]}`);
      return BigInt(m[0]);
    }
    function string() {
      i++; // the opening quote
      let out = "";
      for (;;) {
        if (i >= text.length) throw bad("Unterminated string");
        const c = text[i++];
        if (c === '"') return out;
        if (c.charCodeAt(0) < 0x20) throw bad("Invalid control character");
        if (c !== "\\") { out += c; continue; }
        const e = text[i++];
        const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && Object.prototype.hasOwnProperty.call(simple, e)) { out += simple[e]; continue; }
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) {
          out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16)); i += 4; continue;
        }
        throw bad("Invalid \\escape");
      }
    }
    const v = value(0);
    ws();
    if (i !== text.length) throw bad("Extra data");
    return v;
  }

  function _hex_field(obj, field) {
    const value = obj.get(field);
    if (typeof value !== "string") throw err("drand.bad_field_type", { field, expected: "string" });
    if (!value || !HEX.test(value)) throw err("drand.bad_hex", { field });
    return value;
  }

  /** Parse a drand HTTP beacon (v1 /public/{round} or v2 /v2/beacons/{id}/rounds/{n}) into
   *  [round, signature, previous_signature or null]; throws drand.* as Python's parse_beacon. */
  function parse_beacon(text) {
    if (typeof text !== "string") {
      throw err("drand.bad_json", { reason: `expected text, got ${text instanceof Uint8Array ? "bytes" : typeof text}` });
    }
    let obj;
    try {
      obj = _loads(text);
    } catch (e) {
      if (e instanceof Checks.RcError) throw e;
      throw err("drand.bad_json", { reason: String(e && e.message) }); // e.g. a RangeError (deep nesting)
    }
    if (!(obj instanceof Map)) {
      const kind = obj === null ? "NoneType" : Array.isArray(obj) ? "list" : typeof obj === "bigint" ? "int" : typeof obj === "boolean" ? "bool" : "str";
      throw err("drand.bad_json", { reason: `expected an object, got ${kind}` });
    }
    for (const field of Array.from(obj.keys()).sort()) {
      if (!V1_FIELDS.has(field)) throw err("drand.unknown_field", { field });
    }
    for (const field of ["round", "signature"]) {
      if (!obj.has(field)) throw err("drand.missing_field", { field });
    }
    const round = obj.get("round");
    if (typeof round !== "bigint") throw err("drand.bad_field_type", { field: "round", expected: "integer" });
    _check_round(round);
    const signature = _hex_field(obj, "signature");
    const previous = obj.has("previous_signature") ? _hex_field(obj, "previous_signature") : null;
    if (obj.has("randomness")) {
      const randomness = _hex_field(obj, "randomness");
      if (randomness !== Hash.sha256hex(Bytes.fromHex(signature))) throw err("drand.randomness_mismatch", {});
    }
    return [_num(round), signature, previous];
  }

  return {
    SCHEME_CHAINED, SCHEME_G1_RFC9380, DST_G1, DST_G2, CHAINS, parse_beacon,
    chain_by_hash, round_time, round_at, round_message, verify_round,
    _check_round, _hex_bytes, _g1_point, _g2_point,
  };
})();
