// Entropy: the announced sources and their recorded evidence, checked and encoded (SPEC §6.1).
// Port of randcheck/core/draw/entropy.py, plus check_entropy (record.py's, which replay calls
// as the `entropy` check; record.js may re-export it).
//
// Sources and evidence are parsed JSON (plain objects). Python's exception classes map to:
// VerificationError / NotFoundError / InputError → Checks.RcError with the same code;
// the ValueError / TypeError / InputError that check_evidence turns into proto.evidence_shape
// are caught the same way here; a TypeError outside it (a non-string drawn_at) stays a
// TypeError, which Checks.run reports as proto.malformed like Python's _Run.check.
const Entropy = (() => {
  const set = (...xs) => new Set(xs);
  const SOURCE_KEYS = {
    nonce: set("type", "commitment"),
    dice: set("type", "witness", "count", "faces"),
    lottery: set("type", "name", "period", "count", "min", "max"),
    drand: set("type", "chain_hash", "round"),
  };
  const SOURCE_KEYS_V2 = { ...SOURCE_KEYS, drand: set("type", "chain_hash", "margin") };
  const MAX_MARGIN = 3600;
  const EVIDENCE_KEYS = {
    nonce: set("type", "value"),
    dice: set("type", "witness", "values"),
    lottery: set("type", "name", "period", "numbers"),
    drand: set("type", "chain_hash", "round", "signature", "previous_signature", "randomness"),
  };
  const err = (code, params) => new Checks.RcError(code, params);
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const keysEqual = (o, want) => {
    const ks = Object.keys(o);
    return ks.length === want.size && ks.every((k) => want.has(k));
  };
  /** Python == on two parsed JSON scalars (True == 1, 1 == 1.0; no str/number equality). */
  function pyEq(a, b) {
    const numeric = (x) => typeof x === "number" || typeof x === "boolean" || typeof x === "bigint";
    if (numeric(a) && numeric(b)) return Number(a) === Number(b);
    if (typeof a === "string" || typeof b === "string") return a === b;
    if (a === null || b === null) return a === b;
    return false; // lists/objects never equal the scalar fields compared here
  }
  /** Python's bytes.fromhex: pairs of hex digits, ASCII whitespace allowed between pairs;
   *  null where Python raises ValueError. */
  function pyFromHex(s) {
    const out = [];
    let i = 0;
    const ws = (c) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\x0b" || c === "\x0c";
    const hx = (c) => /^[0-9a-fA-F]$/.test(c);
    while (i < s.length) {
      while (i < s.length && ws(s[i])) i++;
      if (i >= s.length) break;
      if (!hx(s[i]) || i + 1 >= s.length || !hx(s[i + 1])) return null;
      out.push(parseInt(s.substr(i, 2), 16));
      i += 2;
    }
    return new Uint8Array(out);
  }
  class ValueError extends Error {}

  /** H(tag("nonce") || lp(nonce)) for the operator's secret 32-byte nonce (hex). */
  function nonce_commitment(nonce) {
    if (nonce.length !== 32) throw err("proto.bad_nonce", {});
    return Hash.sha256hex(Bytes.concat(Spec.tag("nonce"), Spec.lp(nonce)));
  }

  /** Refuse (proto.*) unless the announced sources are well formed (SPEC §6.1, SPEC-v2 §2). */
  function check_sources(sources, practice, spec = Spec.SPEC_ID) {
    if (!Array.isArray(sources) || !sources.length) throw err("proto.no_sources", {});
    const keys = spec === Spec.SPEC_V2_ID ? SOURCE_KEYS_V2 : SOURCE_KEYS;
    const types = [];
    sources.forEach((src, i) => {
      const kind = Json.isObject(src) ? src.type : undefined;
      // Python: `kind not in keys` raises TypeError for an unhashable kind (a list or an object)
      if (kind !== null && typeof kind === "object") throw new TypeError("unhashable type");
      if (typeof kind !== "string" || !has(keys, kind) || !keysEqual(src, keys[kind])) {
        throw err("proto.bad_source", { index: i, value: Spec.repr(src).slice(0, 120) });
      }
      types.push(kind);
      const where = `entropy[${i}]`;
      if (kind === "nonce") {
        Spec.check_hex32(src.commitment, where + ".commitment");
      } else if (kind === "dice") {
        Spec.check_text(src.witness, where + ".witness");
        Spec.check_int(src.count, where + ".count", 1, 64);
        Spec.check_int(src.faces, where + ".faces", 2, 1000);
      } else if (kind === "lottery") {
        Spec.check_text(src.name, where + ".name");
        Spec.check_text(src.period, where + ".period");
        Spec.check_int(src.count, where + ".count", 1, 64);
        const lo = Spec.check_int(src.min, where + ".min", 0, 2 ** 32 - 1);
        Spec.check_int(src.max, where + ".max", lo, 2 ** 32 - 1);
      } else {
        try {
          Drand.chain_by_hash(src.chain_hash);
        } catch (e) {
          if (e instanceof Checks.RcError && e.code === "drand.unknown_chain") {
            throw err("proto.unknown_chain", { value: Spec.pyStr(src.chain_hash) });
          }
          throw e;
        }
        if (has(src, "margin")) Spec.check_int(src.margin, where + ".margin", 0, MAX_MARGIN);
        else Spec.check_int(src.round, where + ".round", 1);
      }
    });
    if (types.filter((t) => t === "nonce").length !== 1) throw err("proto.nonce_count", {});
    if (!practice && types.length < 2) throw err("proto.public_source_required", {});
    if (spec === Spec.SPEC_V2_ID && !practice && !types.includes("drand")) throw err("proto.v2_drand_required", {});
  }

  /** Check one evidence item against its (checked) source; throws RcError. Async: the drand
   *  BLS check may take a few tens of milliseconds. */
  async function check_evidence(source, evidence, index, announced_at, drawn_at, verify_bls = true) {
    const kind = source.type;
    if (!Json.isObject(evidence) || !pyEq(evidence.type, kind) || !keysEqual(evidence, EVIDENCE_KEYS[kind])) {
      throw err("proto.evidence_shape", { index, type: kind });
    }
    try {
      if (kind === "nonce") {
        let value = typeof evidence.value === "string" ? pyFromHex(evidence.value) : new Uint8Array(0);
        if (value === null) throw new ValueError("non-hexadecimal number");
        if (value.length !== 32 || Bytes.hex(value) !== evidence.value) throw err("proto.bad_nonce_reveal", { index });
        if (nonce_commitment(value) !== source.commitment) throw err("proto.nonce_mismatch", { index });
      } else if (kind === "dice" || kind === "lottery") {
        const same = kind === "dice" ? ["witness"] : ["name", "period"];
        for (const key of same) {
          if (!pyEq(evidence[key], source[key])) throw err("proto.evidence_field", { index, field: key });
        }
        const values = evidence[kind === "dice" ? "values" : "numbers"];
        const [lo, hi] = kind === "dice" ? [1, source.faces] : [source.min, source.max];
        if (!Array.isArray(values) || values.length !== source.count) {
          throw err("proto.evidence_count", { index, count: source.count });
        }
        for (const v of values) {
          if (typeof v !== "number" || !Number.isInteger(v) || !(lo <= v && v <= hi)) {
            throw err("proto.evidence_range", { index, value: Spec.repr(v), lo, hi });
          }
        }
      } else {
        // a v2 source names no round: the evidence's round is checked against the
        // commitment's (SPEC-v2 §5, `commitment.round`); the timing rule is v1's
        for (const key of ["chain_hash", "round"]) {
          if (has(source, key) && !pyEq(evidence[key], source[key])) throw err("proto.evidence_field", { index, field: key });
        }
        // Python: True == 1, so a boolean round may pass the comparison; round_time refuses it
        const round_no = evidence.round;
        const chain = Drand.chain_by_hash(source.chain_hash);
        const published = Drand.round_time(chain, round_no);
        // Python's chained comparison: drawn_at is read only when the first half holds
        let ok = Spec.unix_time(announced_at) < published;
        if (ok) {
          let drawn;
          try {
            drawn = Spec.unix_time(drawn_at);
          } catch (e) {
            if (e instanceof Checks.RcError) throw new ValueError(e.code); // InputError: evidence_shape
            throw e;
          }
          ok = published <= drawn;
        }
        if (!ok) {
          throw err("proto.drand_timing", { round: round_no, published, announced_at, drawn_at });
        }
        const sig = evidence.signature;
        let sigBytes = null;
        if (typeof sig === "string") {
          sigBytes = pyFromHex(sig);
          if (sigBytes === null) throw new ValueError("non-hexadecimal number");
        }
        if (sigBytes === null || !pyEq(Hash.sha256hex(sigBytes), evidence.randomness)) {
          throw err("proto.drand_randomness", { index });
        }
        if (verify_bls) {
          await new Promise((resolve) => setTimeout(resolve, 0)); // let the page paint first
          Drand.verify_round(chain, round_no, sig, evidence.previous_signature);
        }
      }
    } catch (e) {
      if (e instanceof ValueError || e instanceof TypeError) throw err("proto.evidence_shape", { index, type: kind });
      throw e;
    }
  }

  /** record.check_entropy: the evidence list answers the announced sources (in order), the draw
   *  is not before the announcement, and each item checks (check_evidence). */
  async function check_entropy(ann, evidence, drawn_at, verify_bls) {
    if (!Array.isArray(evidence) || evidence.length !== ann.entropy.length) {
      throw err("proto.evidence_count_total", { expected: ann.entropy.length });
    }
    if (typeof drawn_at !== "string") throw new TypeError("'<' not supported between instances");
    if (drawn_at < ann.announced_at) throw err("proto.drawn_before_announced", {});
    for (let i = 0; i < ann.entropy.length; i++) {
      await check_evidence(ann.entropy[i], evidence[i], i, ann.announced_at, drawn_at, verify_bls);
    }
  }

  /** The evidence's canonical encoding E_i (SPEC §6.1); the evidence must be checked. */
  function encode(evidence, source) {
    const kind = evidence.type;
    const u32s = (xs) => xs.map((x) => Spec.u32(x));
    if (kind === "nonce") return Bytes.concat(Spec.tag("nonce"), Spec.lp(Bytes.fromHex(evidence.value)));
    if (kind === "dice") {
      const values = evidence.values;
      return Bytes.concat(Spec.tag("dice"), Spec.lp(evidence.witness), Spec.u32(source.faces),
        Spec.u32(values.length), ...u32s(values));
    }
    if (kind === "lottery") {
      const numbers = evidence.numbers;
      return Bytes.concat(Spec.tag("lottery"), Spec.lp(evidence.name), Spec.lp(evidence.period),
        Spec.u32(numbers.length), ...u32s(numbers));
    }
    return Bytes.concat(Spec.tag("drand"), Spec.lp(Bytes.fromHex(evidence.chain_hash)),
      Spec.u64(evidence.round), Spec.lp(Bytes.fromHex(evidence.randomness)));
  }

  return {
    SOURCE_KEYS, SOURCE_KEYS_V2, MAX_MARGIN, EVIDENCE_KEYS,
    nonce_commitment, check_sources, check_evidence, check_entropy, encode, pyFromHex,
  };
})();
