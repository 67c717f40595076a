// Ordering: `commitment.*` and the v2 `log.order` — a port of
// randcheck/services/verify/ordering.py (docs/SPEC-v2.md §8).
//
// Reported only for v2 records. commitment.json, commitment.tsr and keys/witnesses/<key id>.pub
// are read within small fixed bounds; a witness key is used only for the key id the signed
// announcement declares, so a key in the bundle is never trusted for being there.
//   checks(found, docs, keys, trusted_tsa, trusted_witnesses) → [check…] (async)
//   committed_at(found, docs) → text | null (sync), order(base, lg, docs) → check (async)
const Ordering = (() => {
  const KIB = 1024;
  const COMMITMENT_CAP = 256 * KIB;
  const TOKEN_CAP = 64 * KIB;
  const KEY_CAP = 4 * KIB;
  const SIGNER_CHECKS = new Set(["commitment.signature"]);
  const { COMMITMENT, COMMITMENT_TOKEN, ANNOUNCEMENT, RECORD, SUMS_SIG, CHECKPOINT } = Reading.LAYOUT;
  const { SPEC_V2_ID } = Spec;
  const LOG_NAME = /^randcheck\/[0-9]{6}\/([0-9a-f]{16})$/;
  const own = (o, k) => o != null && Object.prototype.hasOwnProperty.call(o, k);

  const witness_key_file = (keyid) => `keys/witnesses/${keyid}.pub`;

  function is_v2(docs) { return docs.ann != null && docs.ann.spec === SPEC_V2_ID; }

  /** The declared witnesses' keys found in the bundle whose key id is the declared one. */
  async function _witness_keys(found, docs) {
    const out = {};
    if (docs.ann == null || docs.ann.ordering == null) return out;
    for (const w of docs.ann.ordering.witnesses) {
      const raw = await found.load(witness_key_file(w.keyid), KEY_CAP);
      if (raw == null) continue;
      let pub;
      try { pub = Keys.parse_public_text(Bytes.text(raw), w.keyid)[0]; } catch (e) { continue; }
      if (Hash.keyId(pub) === w.keyid) out[w.keyid] = pub;
    }
    return out;
  }

  /** The bundle's loaded paths, sorted (Python: sorted(found), the files read so far). */
  function loaded(found) {
    const paths = typeof found.keys === "function" ? Array.from(found.keys()) : Array.from(found);
    return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Every key that signs one of the office's documents in the bundle, as {key id: file}
   *  (SPEC-v2 §8); read without checking a signature. */
  function office_signers(found, docs) {
    const out = {};
    const add = (env, path) => {
      if (env != null && env.signatures.length && !own(out, env.signatures[0][0])) out[env.signatures[0][0]] = path;
    };
    add(docs.ann_env, ANNOUNCEMENT);
    add(docs.rec_env, RECORD);
    const paths = loaded(found);
    const addenda = paths.filter(Reading.is_addendum_file);
    for (let i = 0; i < Math.min(docs.add_envs.length, addenda.length); i++) add(docs.add_envs[i], addenda[i]);
    for (const path of paths) {
      if (Reading.doc_seq(path) === null) continue;
      let env;
      try { env = Envelope.open_envelope(found.get(path)); } catch (e) { continue; }
      add(env, path);
    }
    const sumsSig = found.get(SUMS_SIG);
    if (sumsSig != null) {
      try {
        let end = sumsSig.length;
        while (end > 0 && sumsSig[end - 1] === 0x0a) end--;
        const doc = Json.parse(sumsSig.subarray(0, end));
        if (Json.isObject(doc) && typeof doc.keyid === "string" && own(doc, "keyid") && !own(out, doc.keyid)) out[doc.keyid] = SUMS_SIG;
      } catch (e) { /* unreadable: no signer */ }
    }
    const prefixes = _checkpoint_signers(found.get(CHECKPOINT));
    if (docs.ann != null && docs.ann.ordering != null) {
      for (const w of docs.ann.ordering.witnesses) {
        if (prefixes.has(w.keyid.slice(0, 16)) && !own(out, w.keyid)) out[w.keyid] = CHECKPOINT;
      }
    }
    return out;
  }

  /** The 16-hex key id prefixes of the randcheck log names that sign a checkpoint, or that it
   *  names as its origin. */
  function _checkpoint_signers(raw) {
    const out = new Set();
    if (raw == null) return out;
    let parsed;
    try { parsed = Note.parse(Bytes.text(raw)); } catch (e) { return out; }
    const names = parsed.signatures.map((s) => s.name).concat(parsed.text.split("\n").slice(0, 1));
    for (const n of names) { const m = LOG_NAME.exec(n); if (m) out.add(m[1]); }
    return out;
  }

  /** The commitment.* checks (none for a v1 bundle), commitment.anchor in words. */
  async function checks(found, docs, keys, trusted_tsa, trusted_witnesses = new Set()) {
    if (!is_v2(docs) || docs.ann == null || docs.ann_env == null) return [];
    const raw = await found.load(COMMITMENT, COMMITMENT_CAP);
    const token = await found.load(COMMITMENT_TOKEN, TOKEN_CAP);
    const rec = docs.rec_env != null ? docs.rec_env.doc : Json.object([]);
    const res = await Commitment.check_ordering(docs.ann_env, docs.ann, rec, raw == null ? null : raw, token == null ? null : token, {
      operator_keys: keys, witness_keys: await _witness_keys(found, docs), trusted_tsa: trusted_tsa || [],
      trusted_witnesses: trusted_witnesses || new Set(), office_signers: office_signers(found, docs),
    });
    const out = [];
    for (let c of res.checks) {
      if (c.name === "commitment.envelope" && raw == null) c = found.absent(c.name, COMMITMENT);
      if (c.name === "commitment.anchor" && c.ok) c = anchor_words(res, rec);
      out.push(c);
    }
    return out;
  }

  /** The committed_at of a v2 bundle's commitment, unchecked; null for v1 or when unreadable. */
  function committed_at(found, docs) {
    const raw = found.get(COMMITMENT);
    if (!is_v2(docs) || raw == null) return null;
    let value;
    try { value = Envelope.open_envelope(raw, Commitment.KIND).doc.committed_at; } catch (e) { return null; }
    return typeof value === "string" ? value : null;
  }

  /** YYYY-MM-DD HH:MM:SS in 北京时间 (core/chinatime.beijing_time). */
  function beijing_time(unix) {
    return new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 19).replace("T", " ");
  }
  /** 北京时间 to the second, rounded UP (an upper bound is never cut). */
  function _when_up(t) { return beijing_time(typeof t === "object" ? Tsa.ceilQ(t) : Math.ceil(t)); }

  /** commitment.anchor in words (ordering.anchor_words). */
  function anchor_words(res, rec) {
    const entropy = Json.isObject(rec) && Array.isArray(rec.entropy) ? rec.entropy : [];
    const rounds = entropy.filter((e) => Json.isObject(e) && e.type === "drand").map((e) => (own(e, "round") ? e.round : null));
    const params = { round: rounds.length ? rounds[0] : "-" };
    const name = "commitment.anchor";
    const absent = res.witnesses.length ? res.absent : [];
    const tail_key = "verify.ordering_tail" + (res.unconfirmed.length ? "_unconfirmed" : "") + (absent.length ? "_absent" : "");
    const tail = { tail_key, tail_params: { round: params.round, unconfirmed: res.unconfirmed.join("、"), absent: absent.join("、") } };
    const names = res.confirmed.join("、");
    if (res.token != null) {
      Object.assign(params, { tsa: res.token.tsa_name, time: _when_up(res.token.latest_exact) }, tail);
      if (names) return Checks.passed(name, "verify.ordering_tsa_witnesses", { ...params, names });
      if (res.missing.includes(Commitment.ANCHOR_WITNESSES)) return Checks.warning(name, "verify.ordering_tsa_no_witness", params);
      return Checks.passed(name, "verify.ordering_tsa", params);
    }
    params.time = res.committed_at == null ? "-" : _when_up(res.committed_at);
    if (names) {
      Object.assign(params, tail);
      if (res.missing.includes(Commitment.ANCHOR_TSA)) return Checks.warning(name, "verify.ordering_witnesses_no_tsa", { ...params, names });
      return Checks.passed(name, "verify.ordering_witnesses", { ...params, names });
    }
    if (res.witnesses.length) {
      const code = "verify.ordering_witnesses_unconfirmed" + (absent.length ? "_absent" : "");
      return Checks.notVerified(name, code, { ...params, names: res.unconfirmed.join("、"), absent: absent.join("、") });
    }
    const m = res.missing;
    if (m.length === 1 && m[0] === Commitment.ANCHOR_TSA) return Checks.warning(name, "verify.ordering_clock_no_tsa", params);
    if (m.length === 1 && m[0] === Commitment.ANCHOR_WITNESSES) return Checks.warning(name, "verify.ordering_clock_no_witness", params);
    if (m.length) return Checks.warning(name, "verify.ordering_clock_no_anchor", params);
    return Checks.warning(name, "verify.ordering_clock", params);
  }

  function seqOf(lg, name) {
    const seqs = lg.seqs;
    const v = seqs instanceof Map ? seqs.get(name) : (own(seqs, name) ? seqs[name] : undefined);
    return v == null ? null : v;
  }
  /** Python's isinstance(v, int) (a bool is an int). */
  const pyInt = (v) => (typeof v === "boolean" ? Number(v) : (typeof v === "number" && Number.isInteger(v) ? v : null));

  /** log.order for v2: v1's rules (base), then announcement < committed < revealed < record. */
  async function order(base, lg, docs) {
    if (!is_v2(docs) || !base.ok || docs.rec_env == null) return base;
    const doc = docs.rec_env.doc;
    const digest = own(doc, "commitment") ? doc.commitment : null;
    const committed = seqOf(lg, "commitment");
    const record = seqOf(lg, "record");
    const announced = seqOf(lg, "announcement");
    if (typeof digest !== "string" || committed == null || record == null || announced == null) return Checks.skipped("log.order");
    const recPayload = await lg.payload(record);
    const revealed = pyInt(own(recPayload, "revealed") ? recPayload.revealed : null);
    const steps = [announced, committed, ...(revealed != null ? [revealed] : []), record];
    const sorted = Array.from(new Set(steps)).sort((a, b) => a - b);
    const bad = () => Checks.failed("log.order", "verify.order_commitment", { committed, record });
    if (steps.length !== sorted.length || steps.some((s, i) => s !== sorted[i])) return bad();
    if (revealed != null) {
      const p = await lg.payload(revealed);
      if (!own(p, "commitment") || p.commitment !== digest) return bad();
    }
    return base;
  }

  return {
    COMMITMENT_CAP, TOKEN_CAP, KEY_CAP, SIGNER_CHECKS, is_v2, office_signers, checks, committed_at,
    anchor_words, order, beijing_time, witness_key_file, _witness_keys, _checkpoint_signers,
  };
})();
