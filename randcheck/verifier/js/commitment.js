// Commitment: the entropy commitment of randcheck/draw/v2 — a port of
// randcheck/core/draw/commitment.py (docs/SPEC-v2.md §3–§8): the commitment body checked
// against its announcement and record, the round its committed_at fixes, the witnesses'
// co-signatures, the timestamp token (Tsa) and the `commitment.*` checks.
//
// check_ordering(...) → an OrderingResult {checks, token, witnesses, unconfirmed,
// committed_at, missing, confirmed, absent} with Python's field names; committed_at is whole
// Unix seconds (a Number), a token's latest_exact a rational {num, den} (Tsa).
const Commitment = (() => {
  const KIND = "commitment";
  const COMMITMENT_KEYS = ["spec", "kind", "tool", "task_id", "announcement", "committed_at", "values"];
  const COMMITTED_TYPES = ["dice", "lottery"];
  const ANCHOR_TSA = "tsa";
  const ANCHOR_WITNESSES = "witnesses";
  const ANCHOR_CLOCK = "clock";
  const { SPEC_V2_ID } = Spec;
  // a window wide enough for any value-only evidence check (dice and lottery have no timing)
  const EVER = ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"];

  const fail = (code, params = {}) => new Checks.RcError(code, params);
  /** Python's KeyError / TypeError, for `proto.malformed`'s detail. */
  function pyError(name, message = "") { const e = new Error(message); e.name = name; return e; }
  function keysOf(o) { return Json.keys(o); }
  /** o[key] as Python's o[key]: KeyError when absent, TypeError when o is no mapping. */
  function item(o, key) {
    if (!Json.isObject(o)) throw pyError("TypeError", "not subscriptable");
    if (!Object.prototype.hasOwnProperty.call(o, key)) throw pyError("KeyError", key);
    return o[key];
  }
  /** o.get(key) (undefined → null). */
  function get(o, key) {
    return Json.isObject(o) && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : null;
  }
  const isInt = (v) => typeof v === "number" && Number.isInteger(v);

  /** A checked commitment body (SPEC-v2 §3) against its announcement; RcError. */
  async function parse_commitment(doc, ann, ann_digest) {
    if (!Json.isObject(doc)) throw fail("proto.commitment_fields");
    const ks = keysOf(doc);
    if (ks.length !== COMMITMENT_KEYS.length || !COMMITMENT_KEYS.every((k) => ks.includes(k))) {
      throw fail("proto.commitment_fields");
    }
    if (doc.spec !== SPEC_V2_ID || doc.kind !== KIND) throw fail("proto.commitment_fields");
    Spec.check_text(doc.tool, "tool");
    const committed_at = Spec.check_time(doc.committed_at, "committed_at");
    if (doc.task_id !== ann.task.id) throw fail("proto.commitment_mismatch", { field: "task_id" });
    if (doc.announcement !== ann_digest) throw fail("proto.commitment_mismatch", { field: "announcement" });
    if (Spec.unix_time(committed_at) < Spec.unix_time(ann.announced_at)) {
      throw fail("proto.commitment_mismatch", { field: "committed_at" });
    }
    const values = doc.values;
    if (!Array.isArray(values) || values.length !== ann.entropy.length) {
      throw fail("proto.commitment_mismatch", { field: "values" });
    }
    for (let i = 0; i < values.length; i++) {
      const src = ann.entropy[i], value = values[i];
      if (COMMITTED_TYPES.includes(src.type)) {
        if (!Json.isObject(value)) throw fail("proto.commitment_mismatch", { field: `values[${i}]` });
        await Entropy.check_evidence(src, value, i, EVER[0], EVER[1], false);
      } else if (value !== null) {
        throw fail("proto.commitment_mismatch", { field: `values[${i}]` });
      }
    }
    return { task_id: doc.task_id, announcement: ann_digest, committed_at, values: values.slice(), tool: doc.tool };
  }

  function jcs(v) {
    const out = Json.canonical(v);
    return typeof out === "string" ? Bytes.utf8(out) : out;
  }
  /** The record's dice and lottery evidence equal the committed values (JCS); RcError. */
  function check_record_values(c, evidence) {
    if (!Array.isArray(evidence) || evidence.length !== c.values.length) {
      throw fail("proto.commitment_mismatch", { field: "values" });
    }
    for (let i = 0; i < evidence.length; i++) {
      const value = c.values[i], ev = evidence[i];
      if (value === null) continue;
      if (!Json.isObject(ev)) throw pyError("TypeError", "dict() of a non-mapping");
      if (!Bytes.equal(jcs(value), jcs(ev))) throw fail("proto.commitment_values_differ", { index: i + 1 });
    }
  }

  /** The round a v2 draw must use (core/draw/v2.round_after, SPEC-v2 §5). */
  function round_after(chain, committed_at, margin) {
    if (!isInt(margin) || margin < 0) {
      throw fail("proto.bad_int", { field: "margin", value: Spec.repr(margin), lo: 0, hi: "-" });
    }
    const x = committed_at + margin;
    const genesis = Number(chain.genesis_time), period = Number(chain.period);
    if (x < genesis) return 1;
    return Math.floor((x - genesis) / period) + 2;
  }

  /** [[source index, round]] each drand source must use, from committed_at (SPEC-v2 §5). */
  function expected_rounds(ann, committed_at) {
    const out = [];
    ann.entropy.forEach((src, i) => {
      if (src.type === "drand") {
        const chain = Drand.chain_by_hash(Spec.pyStr(src.chain_hash));
        out.push([i, round_after(chain, committed_at, src.margin)]);
      }
    });
    return out;
  }

  /** The earliest publication time (unix) among the fixed rounds. */
  function first_publication(ann, rounds) {
    const times = rounds.map(([i, r]) => Number(Drand.round_time(Drand.chain_by_hash(Spec.pyStr(ann.entropy[i].chain_hash)), r)));
    if (!times.length) throw fail("proto.v2_drand_required");
    return Math.min(...times);
  }

  /** A token anchors only if latest (genTime + accuracy, exact) is strictly before the
   *  publication of the round committed_at fixes; proto.token_late otherwise. */
  function check_token_in_time(ann, committed_at, latest) {
    const deadline = first_publication(ann, expected_rounds(ann, committed_at));
    if (!Tsa.lessQ(latest, deadline)) {
      throw fail("proto.token_late", { latest: Tsa.utc(latest), published: Tsa.utc(deadline) });
    }
  }

  /** The record's drand rounds are the ones committed_at fixes; RcError. */
  function check_rounds(ann, committed_at, evidence) {
    for (const [i, want] of expected_rounds(ann, committed_at)) {
      if (!Array.isArray(evidence)) throw pyError("TypeError", "not subscriptable");
      if (i >= evidence.length) throw pyError("IndexError", "list index out of range");
      const got = Json.isObject(evidence[i]) ? get(evidence[i], "round") : null;
      if (got !== want) throw fail("proto.commitment_round", { got: Spec.repr(got), want });
    }
  }

  /** The operator: the key that signed the announcement (its first signature). */
  function operator_of(ann_env) {
    if (!ann_env.signatures.length) throw fail("proto.no_trusted_signature", { kind: ann_env.kind });
    return ann_env.signatures[0][0];
  }

  /** No key signs a commitment twice. */
  function check_signers_unique(env) {
    const seen = new Set();
    for (const [keyid] of env.signatures) {
      if (seen.has(keyid)) throw fail("proto.commitment_signer_repeated", { key_id: keyid.slice(0, 16) });
      seen.add(keyid);
    }
  }

  /** No declared witness key may be the operator's or sign any of the office's documents. */
  function check_witness_keys(ann, operator, office_signers = null) {
    if (ann.ordering == null) return;
    for (const w of ann.ordering.witnesses) {
      if (w.keyid === operator) throw fail("proto.witness_is_office", { name: w.name, key_id: w.keyid.slice(0, 16) });
      const document = office_signers && Object.prototype.hasOwnProperty.call(office_signers, w.keyid) ? office_signers[w.keyid] : null;
      if (document != null) {
        throw fail("proto.witness_signs_for_office", { name: w.name, key_id: w.keyid.slice(0, 16), document });
      }
    }
  }

  function witnessNames(ann) {
    const o = ann.ordering;
    if (typeof o.names === "function") return o.names();
    const out = {}; for (const w of o.witnesses) out[w.keyid] = w.name; return out;
  }

  /** [[key id, name]] of the declared witnesses whose signatures verify; RcError otherwise. */
  async function _witness_signatures(env, ann, operator, witness_keys) {
    const declared = witnessNames(ann);
    check_signers_unique(env);
    const signed = [];
    for (const [keyid, sig] of env.signatures) {
      if (keyid === operator) continue;
      if (!Object.prototype.hasOwnProperty.call(declared, keyid)) throw fail("proto.witness_undeclared", { key_id: keyid.slice(0, 16) });
      const pub = Object.prototype.hasOwnProperty.call(witness_keys, keyid) ? witness_keys[keyid] : null;
      if (pub == null || Hash.keyId(pub) !== keyid) throw fail("proto.witness_key_missing", { key_id: keyid.slice(0, 16) });
      const raw = Bytes.fromHex(sig);
      if (!raw || !(await Hash.ed25519Verify(pub, Spec.signing_input(env.kind, env.body), raw))) {
        throw fail("proto.witness_bad_signature", { key_id: keyid.slice(0, 16) });
      }
      signed.push([keyid, declared[keyid]]);
    }
    return signed;
  }

  /** Run one check as commitment._run: its returned check, or passed; from an RcError the
   *  failed check; proto.malformed for any other error. Returns whether it passed. */
  async function _run(result, name, fn) {
    let found;
    try {
      found = await fn();
    } catch (e) {
      if (e instanceof Checks.RcError) result.checks.push(Checks.fromError(name, e));
      else result.checks.push(Checks.failed(name, "proto.malformed", { part: name, detail: (e && e.name) || "Error" }));
      return false;
    }
    result.checks.push(found || Checks.passed(name));
    return found == null || found.ok;
  }

  /** Verify a timestamp token offline over the commitment digest → TokenInfo; RcError. */
  async function _token(der, digest, trusted) {
    const tok = await Tsa.verify_token(der, digest);
    return {
      gen_time: tok.gen_time,
      tsa_name: tok.tsa_name,
      fingerprint: tok.signer_fingerprint,
      trusted: trusted.length > 0 && await Tsa.is_trusted(tok, trusted),
      latest: tok.latest_time,
      latest_exact: tok.latest_exact,
    };
  }

  /** The commitment.* checks of a v2 record (SPEC-v2 §8); never throws.
   *  options: {operator_keys, witness_keys ({key id: raw}), trusted_tsa ([DER]),
   *  trusted_witnesses (a Set or array of key ids), office_signers ({key id: file})}. */
  async function check_ordering(ann_env, ann, record, commitment, token, options = {}) {
    const operator_keys = options.operator_keys || {};
    const witness_keys = options.witness_keys || {};
    const trusted_tsa = Array.from(options.trusted_tsa || []);
    const trusted_witnesses = new Set(options.trusted_witnesses || []);
    const office_signers = options.office_signers || null;
    const res = { checks: [], token: null, witnesses: [], unconfirmed: [], committed_at: null, missing: [], confirmed: [], absent: [] };
    const holder = {};

    const opened = await _run(res, "commitment.envelope", () => {
      if (commitment == null) throw fail("proto.commitment_missing");
      const env = Envelope.open_envelope(commitment, KIND);
      check_signers_unique(env);
      holder.env = env;
    });
    if (!opened) {
      for (const n of ["signature", "binding", "witnesses", "anchor", "round"]) res.checks.push(Checks.skipped(`commitment.${n}`));
      return res;
    }
    const env = holder.env;

    await _run(res, "commitment.signature", async () => {
      const op = operator_of(ann_env);
      if (!env.signatures.length || env.signatures[0][0] !== op) throw fail("proto.commitment_not_operator");
      const pub = Object.prototype.hasOwnProperty.call(operator_keys, op) ? operator_keys[op] : null;
      await Envelope.verify(env, pub == null ? {} : { [op]: pub });
    });

    const bound = await _run(res, "commitment.binding", async () => {
      const c = await parse_commitment(env.doc, ann, ann_env.digest);
      holder.c = c;
      if (get(record, "commitment") !== env.digest) throw fail("proto.commitment_mismatch", { field: "record.commitment" });
      const drawn_at = get(record, "drawn_at");
      if (typeof drawn_at !== "string" || Spec.unix_time(c.committed_at) > Spec.unix_time(drawn_at)) {
        throw fail("proto.commitment_mismatch", { field: "committed_at" });
      }
      check_record_values(c, item(record, "entropy"));
    });

    await _run(res, "commitment.witnesses", async () => {
      const op = operator_of(ann_env);
      check_witness_keys(ann, op, office_signers);
      const signed = await _witness_signatures(env, ann, op, witness_keys);
      res.witnesses = signed.map(([, name]) => name);
      res.unconfirmed = signed.filter(([k]) => !trusted_witnesses.has(k)).map(([, name]) => name);
      res.confirmed = signed.filter(([k]) => trusted_witnesses.has(k)).map(([, name]) => name);
      const cosigned = new Set(signed.map(([k]) => k));
      res.absent = ann.ordering.witnesses.filter((w) => !cosigned.has(w.keyid)).map((w) => w.name);
      if (!signed.length) return Checks.passed("commitment.witnesses", "proto.witnesses_none");
      if (res.unconfirmed.length) {
        return Checks.notVerified("commitment.witnesses", "proto.witnesses_unconfirmed", { names: res.unconfirmed.join("、") });
      }
      return Checks.passed("commitment.witnesses", "proto.witnesses_signed", { names: res.witnesses.join("、"), count: res.witnesses.length });
    });

    const c = holder.c;
    if (c == null) {
      res.checks.push(Checks.skipped("commitment.anchor"));
      res.checks.push(Checks.skipped("commitment.round"));
      return res;
    }
    res.committed_at = Spec.unix_time(c.committed_at);
    const committed_at = res.committed_at;

    await _run(res, "commitment.anchor", async () => {
      if (token != null) {
        const info = await _token(token, Bytes.fromHex(env.digest), trusted_tsa);
        if (!ann.ordering.tsa.includes(info.fingerprint)) throw fail("proto.tsa_undeclared", { fingerprint: info.fingerprint.slice(0, 16) });
        check_token_in_time(ann, committed_at, info.latest_exact);
        res.token = info;
      } else if (ann.ordering.tsa.length) {
        res.missing.push(ANCHOR_TSA);
      }
      if (ann.ordering.witnesses.length && !res.witnesses.length) res.missing.push(ANCHOR_WITNESSES);
      if (res.token != null && !res.token.trusted) {
        return Checks.notVerified("commitment.anchor", "proto.tsa_untrusted", { tsa: res.token.tsa_name, fingerprint: res.token.fingerprint.slice(0, 16) });
      }
      return null;
    });
    if (!bound) {
      res.checks.push(Checks.skipped("commitment.round"));
      return res;
    }
    await _run(res, "commitment.round", () => check_rounds(ann, committed_at, item(record, "entropy")));
    return res;
  }

  return {
    KIND, COMMITMENT_KEYS, COMMITTED_TYPES, ANCHOR_TSA, ANCHOR_WITNESSES, ANCHOR_CLOCK,
    parse_commitment, check_record_values, round_after, expected_rounds, first_publication,
    check_token_in_time, check_rounds, operator_of, check_signers_unique, check_witness_keys,
    check_ordering,
  };
})();
