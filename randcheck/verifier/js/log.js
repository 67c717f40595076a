// Log: the log part of a bundle — its checkpoint, its entries with their inclusion proofs, and
// the checks that read them: log.checkpoint, log.<document>, log.order, reveal and chain.
// A port of randcheck/services/verify/log.py, with the pure log checks it uses from
// randcheck/core/logverify.py (check_entry, log_name_for, open_checkpoint, verify_proof) and
// the log paths of randcheck/bundle/layout.py.
//
// Entries are a Map seq → [exact canonical line (Uint8Array), parsed entry or null]; parsed
// JSON is Json.parse's (objects with a null prototype: read them through get()).
const Log = (() => {
  const fail = (code, params) => new Checks.RcError(code, params);

  // -- layout (bundle/layout.py) ----------------------------------------------------------------
  const { CHECKPOINT, TAIL, TAIL_INDEX } = Reading.LAYOUT;
  const entry_file = (seq) => `log/entries/${seq}.json`;
  const proof_file = (seq) => `log/${seq}.tlog-proof`;
  const { entry_seq } = Reading; // the seq of an entry file's path, or null

  // -- attempts (services/attempts.py) ------------------------------------------------------------
  const REVEALED = "draw.revealed";
  const ABORTED = "draw.aborted";
  const RECORD = "draw.record";
  const COMMITTED = "draw.committed";
  const SEEN_SEED_STAGES = ["reveal", "seed", "targets", "teams", "sign"];
  const PRE_SEED_STAGES = ["checks", "entropy"];

  // -- Python semantics on parsed JSON -------------------------------------------------------------
  const { isObject: isDict, has } = Json; // a dict; `k in obj` for a dict
  /** dict.get(k): undefined when absent (None and absent are both `== null`). */
  const get = (obj, k) => (has(obj, k) ? obj[k] : undefined);
  const isNone = (v) => v === undefined || v === null;
  const isInt = Spec.isInt; // isinstance(v, int) and not isinstance(v, bool)
  /** Python's == */
  function pyEq(a, b) {
    if (isNone(a) && isNone(b)) return true;
    if (isNone(a) || isNone(b)) return false;
    return Json.equal(a, b);
  }
  /** Python's truth value */
  function truthy(v) {
    if (isNone(v) || v === false || v === 0 || v === 0n || v === "") return false;
    if (Array.isArray(v)) return v.length > 0;
    if (isDict(v)) return Object.keys(v).length > 0;
    return true;
  }
  const pyStr = Spec.pyStr; // Python's str()
  /** Python's `value or []` iterated: a list, a string's characters, a dict's keys; TypeError
   *  for what Python cannot iterate. */
  function pyIter(v) {
    if (!truthy(v)) return [];
    if (Array.isArray(v)) return v;
    if (typeof v === "string") return Array.from(v);
    if (isDict(v)) return Json.keys(v);
    throw new TypeError(`'${typeof v}' object is not iterable`);
  }
  const sortedSeqs = (entries) => Array.from(entries.keys()).sort((x, y) => x - y);
  const plain = (v) => (typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v);
  const list = (seqs) => seqs.join(", ");

  // -- core/logverify.py ----------------------------------------------------------------------------
  const ENTRY_FIELDS = { seq: "int", kind: "string", actor: "string", time: "string", payload: "dict" };
  const TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\n?$/;
  const ORIGIN = /^randcheck\/[0-9]{6}\/([0-9a-f]{16})\n?$/;
  const ENTRIES = "log.entries";

  /** A failed log check naming the entry (seq, 0-based) and file line (1-based). */
  function problem(name, code, seq, line, params = {}) {
    return Checks.failed(name, code, { seq: plain(seq), line: plain(line), ...params });
  }

  /** [parsed entry or null, failed check or null]: whether `line` (bytes) is entry `index` in
   *  canonical form. */
  function check_entry(line, index) {
    const seq = index, ln = typeof index === "bigint" ? index + 1n : index + 1;
    let value;
    try {
      value = Json.parse(line);
    } catch (e) {
      if (!(e instanceof Checks.RcError)) throw e;
      return [null, problem(ENTRIES, "log.v.not_json", seq, ln)];
    }
    if (!Json.is_canonical(line, value)) return [null, problem(ENTRIES, "log.v.not_canonical", seq, ln)];
    if (!isDict(value)) return [null, problem(ENTRIES, "log.v.bad_entry", seq, ln)];
    const names = Object.keys(value);
    if (names.length !== 5 || !names.every((k) => Object.prototype.hasOwnProperty.call(ENTRY_FIELDS, k))) {
      return [null, problem(ENTRIES, "log.v.bad_entry", seq, ln)];
    }
    for (const [k, typ] of Object.entries(ENTRY_FIELDS)) {
      const v = value[k];
      const ok = typ === "int" ? isInt(v) : typ === "dict" ? isDict(v) : typeof v === "string";
      if (!ok) return [null, problem(ENTRIES, "log.v.bad_entry", seq, ln)];
    }
    if (!TIME.test(value.time)) return [value, problem(ENTRIES, "log.v.bad_entry", seq, ln)];
    // eslint-disable-next-line eqeqeq
    if (value.seq != index) { // Number or BigInt on either side: compared by value
      return [value, problem(ENTRIES, "log.v.wrong_seq", seq, ln, { found: plain(value.seq) })];
    }
    return [value, null];
  }

  /** The randcheck note key name in `note_text` that belongs to `pub`, if any. */
  function log_name_for(pub, note_text) {
    const kid16 = Hash.keyId(pub).slice(0, 16);
    let parsed;
    try { parsed = Note.parse(note_text); } catch (e) {
      if (e instanceof Checks.RcError) return null;
      throw e;
    }
    for (const sig of parsed.signatures) {
      const m = ORIGIN.exec(sig.name);
      if (m && m[1] === kid16) return sig.name;
    }
    return null;
  }

  /** Verify a signed checkpoint against {key id: public key}: [checkpoint, signer name].  The
   *  origin must be randcheck's name for the signing key.  Throws RcError. */
  async function open_checkpoint(note_text, keys) {
    const known = Object.create(null);
    let any = false;
    for (const pub of Object.values(keys)) {
      const name = log_name_for(pub, note_text);
      if (name !== null) { known[name] = pub; any = true; }
    }
    if (!any) {
      Note.parse(note_text); // malformed notes report as such
      throw fail("note.no_known_signature");
    }
    const [text, names] = await Note.open_note(note_text, known);
    const cp = Note.parse_checkpoint(text);
    if (!names.includes(cp.origin)) throw fail("checkpoint.origin_mismatch", { origin: cp.origin });
    return [cp, cp.origin];
  }

  /** Verify a tlog-proof bundle for `entry` (canonical bytes) against one public key:
   *  [bundle, checkpoint].  Throws RcError. */
  async function verify_proof(bundle_text, pub, entry) {
    const bundle = Note.parse_proof(bundle_text);
    const [cp] = await open_checkpoint(bundle.checkpoint, { [Hash.keyId(pub)]: pub });
    const [value, bad] = check_entry(entry, bundle.index);
    if (bad !== null || value === null) throw fail("proof.bad_entry", { index: plain(bundle.index) });
    Merkle.verify_inclusion(bundle.index, cp.size, Merkle.leaf_hash(entry), bundle.hashes, cp.root);
    return [bundle, cp];
  }

  // -- services/verify/log.py -------------------------------------------------------------------------
  /** Log entries in the bundle: Map seq → [exact canonical line, parsed entry or null]. */
  function entries(found) {
    const out = new Map();
    for (const path of found.present.keys()) {
      const seq = entry_seq(path);
      if (seq === null) continue;
      const data = found.get(path);
      if (data == null) continue; // not read (too big): as Python, which lists what it read
      const line = data.length && data[data.length - 1] === 0x0a ? data.subarray(0, data.length - 1) : data;
      const [value, bad] = check_entry(line, seq);
      out.set(seq, [line, bad === null ? value : null]);
    }
    return out;
  }

  /** The earliest entry whose payload names `digest` (as a top-level value); with `kind` only
   *  an entry of that kind, of `task` and not a practice run. */
  function naming(entries, digest, { kind = null, task = undefined } = {}) {
    for (const seq of sortedSeqs(entries)) {
      const value = entries.get(seq)[1];
      if (value === null) continue;
      const payload = get(value, "payload");
      if (!isDict(payload)) continue;
      if (kind !== null && (get(value, "kind") !== kind || !pyEq(get(payload, "task"), task)
        || get(payload, "practice") === true)) continue;
      for (const v of Object.values(payload)) if (typeof v === "string" && v === digest) return seq;
    }
    return null;
  }

  /** The checkpoint, the entries and the inclusion proofs of one bundle (Python's Log). */
  class LogData {
    constructor(found) {
      this.files = found;
      this.entries = entries(found);
      this.cp_text = null;
      this.cp_key = null;
      this.checkpoint = null;
      this.seqs = {}; // check name without "log." → proven entry
      this.cp_check = null;
    }

    async _open(keys) {
      const raw = this.files.get(CHECKPOINT);
      if (raw == null) { this.cp_check = this.files.absent("log.checkpoint", CHECKPOINT); return this; }
      let text, cp, origin;
      try { text = Bytes.text(raw); } catch (e) {
        this.cp_check = Checks.failed("log.checkpoint", "checkpoint.malformed");
        return this;
      }
      try { [cp, origin] = await open_checkpoint(text, keys); } catch (e) {
        if (!(e instanceof Checks.RcError)) throw e;
        this.cp_check = Checks.failed("log.checkpoint", "verify.checkpoint_bad", { reason_code: e.code });
        return this;
      }
      this.cp_text = text;
      this.checkpoint = cp;
      for (const pub of Object.values(keys)) if (log_name_for(pub, text) === origin) this.cp_key = pub;
      this.cp_check = Checks.passed("log.checkpoint", "verify.checkpoint_ok", { size: plain(cp.size), origin });
      return this;
    }

    payload(seq) {
      const item = isNone(seq) ? undefined : this.entries.get(seq);
      const payload = item && item[1] ? get(item[1], "payload") : undefined;
      return isDict(payload) ? payload : Object.create(null);
    }

    kind(seq) {
      const item = this.entries.get(seq);
      return item && item[1] ? item[1].kind : ""; // a parsed entry's kind is a string
    }

    /** [failure code or null, params] for the inclusion of entry `seq`. */
    async prove_seq(seq) {
      if (!this.entries.has(seq)) return ["verify.missing_file", { file: entry_file(seq) }];
      if (this.entries.get(seq)[1] === null) return ["verify.entry_bad", { seq }];
      if (this.cp_text === null || this.cp_key === null) return ["verify.no_checkpoint", { seq }];
      const path = proof_file(seq);
      const proof = this.files.get(path);
      if (proof == null) {
        const gone = this.files.absent("", path);
        return [gone.code, { ...gone.params }];
      }
      let text;
      try { text = Bytes.text(proof); } catch (e) { return ["proof.malformed", {}]; }
      try {
        if (Note.parse_proof(text).checkpoint !== this.cp_text) return ["verify.proof_other_checkpoint", { seq }];
        await verify_proof(text, this.cp_key, this.entries.get(seq)[0]);
      } catch (e) {
        if (!(e instanceof Checks.RcError)) throw e;
        return ["verify.proof_bad", { seq, reason_code: e.code }];
      }
      return [null, { seq }];
    }

    /** [seq, failure code or null, params] for the earliest entry naming `digest` (with
     *  `kind`: the earliest such entry of that kind and task, not a practice run). */
    async prove(digest, { kind = null, task = undefined } = {}) {
      if (isNone(digest)) return [null, "proto.check_skipped", {}];
      const seq = naming(this.entries, digest, { kind, task });
      if (seq === null) {
        const d = pyStr(digest).slice(0, 16);
        if (kind !== null) return [null, "verify.no_entry_of_kind", { digest: d, kind }];
        return [null, "verify.no_entry", { digest: d }];
      }
      const [code, params] = await this.prove_seq(seq);
      return [seq, code, params];
    }

    /** log.<name>: the entry naming `digest` exists and is proven. */
    async check(name, digest, { kind = null, task = undefined } = {}) {
      const [seq, code, params] = await this.prove(digest, { kind, task });
      if (code !== null) return Checks.failed(name, code, params);
      this.seqs[name.startsWith("log.") ? name.slice(4) : name] = seq;
      const value = this.entries.get(seq)[1] || {};
      return Checks.passed(name, "verify.logged", {
        seq, kind: pyStr(get(value, "kind") ?? ""), time: pyStr(get(value, "time") ?? ""),
      });
    }
  }

  /** Python's Log(files, keys): `await Log.open(found, keys)`. */
  async function open(found, keys) { return new LogData(found)._open(keys || {}); }

  /** log.order: announcement < record < addenda, and announced before every drand round. */
  async function order_check(lg, ann, n_addenda) {
    const seqs = lg.seqs;
    if (!("announcement" in seqs) || !("record" in seqs) || isNone(ann)) return Checks.skipped("log.order");
    const a = seqs.announcement, r = seqs.record;
    if (!(a < r)) return Checks.failed("log.order", "verify.order_record", { announcement: a, record: r });
    let last = r;
    for (let i = 1; i <= n_addenda; i++) {
      const s = seqs[`addendum.${i}`];
      if (s === undefined) return Checks.skipped("log.order");
      if (!(s > last)) return Checks.failed("log.order", "verify.order_addendum", { seq: i, entry: s });
      last = s;
    }
    const entry = lg.entries.get(a)[1] || {};
    const logged = pyStr(get(entry, "time") ?? "");
    for (const src of ann.entropy || []) {
      if (get(src, "type") !== "drand" || !has(src, "round")) continue; // v2: ordering.js checks it
      try {
        const chain = Drand.chain_by_hash(get(src, "chain_hash"));
        const published = Drand.round_time(chain, src.round);
        if (!(Spec.unix_time(logged) < published)) {
          return Checks.failed("log.order", "verify.order_drand", { logged, round: plain(src.round) });
        }
      } catch (e) {
        if (!(e instanceof Checks.RcError)) throw e;
        return Checks.fromError("log.order", e);
      }
    }
    return Checks.passed("log.order", "verify.order_ok", { announcement: a, record: r, logged });
  }

  /** reveal: the record's own attempt was logged (draw.revealed) before its seed was shown,
   *  for this task, announcement and seed, and before the record. */
  async function reveal_check(rec, lg) {
    const r = lg.seqs.record;
    if (isNone(rec) || r === undefined) return Checks.skipped("reveal");
    const seq = get(lg.payload(r), "revealed");
    if (isNone(seq)) return Checks.passed("reveal", "verify.reveal_unlogged");
    if (!isInt(seq)) return Checks.failed("reveal", "verify.reveal_bad", { seq: pyStr(seq).slice(0, 20) });
    const [code, params] = await lg.prove_seq(seq);
    if (code !== null) return Checks.failed("reveal", code, params);
    const p = lg.payload(seq);
    if (!(lg.kind(seq) === REVEALED && pyEq(get(p, "task"), get(rec, "task_id"))
      && pyEq(get(p, "announcement"), get(rec, "announcement")) && pyEq(get(p, "seed"), get(rec, "seed"))
      && seq < r)) {
      return Checks.failed("reveal", "verify.reveal_bad", { seq: plain(seq) });
    }
    return Checks.passed("reveal", "verify.reveal_ok", { seq: plain(seq) });
  }

  /** An official ceremony stopped before its seed with the entropy values shown logged, or a
   *  commitment (services/attempts.py: discarded_entropy). */
  function discarded_entropy(kind, p) {
    if (kind === COMMITTED) return true;
    return kind === ABORTED && !has(p, "attempt") && PRE_SEED_STAGES.includes(get(p, "stage"))
      && get(p, "practice") === false && truthy(get(p, "entered"));
  }

  /** Entry `seq` stands for an earlier official attempt of `task`. */
  function _predecessor_ok(lg, seq, task, record_seq) {
    const p = lg.payload(seq);
    const kind = lg.kind(seq);
    if (!pyEq(get(p, "task"), task) || !(seq < record_seq)) return false;
    if (kind === ABORTED) {
      const seen = SEEN_SEED_STAGES.includes(get(p, "stage")) && get(p, "practice") === false;
      return seen || discarded_entropy(kind, p);
    }
    return kind === RECORD || kind === REVEALED || kind === COMMITTED;
  }

  /** [the proven entries a record's log entry names as the attempts it replaces, failed check
   *  or null]. */
  async function predecessors(lg, task, record_seq) {
    const payload = lg.payload(record_seq);
    const seqs = [];
    const supersedes = pyIter(get(payload, "supersedes"));
    for (const digest of supersedes) {
      const seq = typeof digest === "string" ? naming(lg.entries, digest) : null;
      if (seq === null) return [[], Checks.failed("chain", "verify.no_entry", { digest: pyStr(digest).slice(0, 16) })];
      seqs.push(seq);
    }
    const answers = get(payload, "answers");
    if (isNone(answers)) { // a record logged before reveals were: every earlier attempt shown
      const more = sortedSeqs(lg.entries).filter((s) => [ABORTED, RECORD, REVEALED].includes(lg.kind(s))
        && !seqs.includes(s) && _predecessor_ok(lg, s, task, record_seq));
      seqs.push(...more);
    } else if (Array.isArray(answers)) {
      seqs.push(...answers.filter(isInt));
      if (seqs.length !== supersedes.length + answers.length) {
        return [[], Checks.failed("chain", "verify.predecessor_bad", { seq: "?" })];
      }
    }
    for (const seq of seqs) {
      const [code, params] = await lg.prove_seq(seq);
      if (code !== null) return [[], Checks.failed("chain", code, params)];
      if (!_predecessor_ok(lg, seq, task, record_seq)) {
        return [[], Checks.failed("chain", "verify.predecessor_bad", { seq: plain(seq) })];
      }
    }
    const unique = Array.from(new Set(seqs)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    return [unique, null];
  }

  /** The committed_at of the commitment a draw.committed entry carries, if readable. */
  async function _committed_at(payload) {
    let env;
    try {
      env = await Envelope.open_envelope(Bytes.utf8(pyStr(has(payload, "envelope") ? payload.envelope : "")), null);
    } catch (e) {
      if (!(e instanceof Checks.RcError)) throw e;
      return null;
    }
    const at = get(env.doc, "committed_at");
    return typeof at === "string" ? at : null;
  }

  /** A v2 redraw's commitment is made after every commitment it answers. */
  async function _redraw_too_early(lg, seqs, committed_at) {
    let ours;
    try { ours = Spec.unix_time(committed_at); } catch (e) {
      if (!(e instanceof Checks.RcError)) throw e;
      return null; // commitment.binding says why
    }
    for (const seq of seqs) {
      if (lg.kind(seq) !== COMMITTED) continue;
      const value = lg.entries.get(seq)[1] || {};
      for (const t of [(await _committed_at(lg.payload(seq))) || "", pyStr(get(value, "time") ?? "")]) {
        let earlier;
        try { earlier = Spec.unix_time(t); } catch (e) {
          if (!(e instanceof Checks.RcError)) throw e;
          continue;
        }
        if (!(ours > earlier)) {
          return Checks.failed("chain", "verify.redraw_committed_early",
            { committed_at, seq, kind: lg.kind(seq), time: t });
        }
      }
    }
    return null;
  }

  const HEX64 = /^[0-9a-f]{64}\n?$/;

  /** chain: the record chain, and a redraw exactly when earlier attempts exist; a v2 redraw's
   *  commitment (committed_at) later than every attempt it answers. */
  async function chain_check(rec, lg, fmt, committed_at = null) {
    if (isNone(rec)) return Checks.skipped("chain");
    const prev = get(rec, "previous_record");
    const redraw = get(rec, "redraw");
    const r = lg.seqs.record;
    if (!isNone(prev) && (typeof prev !== "string" || !HEX64.test(prev))) {
      return Checks.failed("chain", "verify.chain_format", { value: pyStr(prev).slice(0, 80) });
    }
    let prev_seq = null;
    if (!isNone(prev) && naming(lg.entries, prev) !== null) {
      let code, params;
      [prev_seq, code, params] = await lg.prove(prev);
      if (code !== null) return Checks.failed("chain", code, params);
      if (prev_seq === null || r === undefined || !(prev_seq < r)) {
        return Checks.failed("chain", "verify.chain_order", { previous: prev.slice(0, 16) });
      }
    }
    if (fmt === Files.FORMAT_V1) { // v1 bundles carry no attempts: a redraw needs a previous
      if (isNone(prev) && !isNone(redraw)) return Checks.failed("chain", "verify.redraw_no_previous");
    } else {
      if (r === undefined) return Checks.skipped("chain");
      const [seqs, failed] = await predecessors(lg, get(rec, "task_id"), r);
      if (failed !== null) return failed;
      if (isNone(redraw) && seqs.length) return Checks.failed("chain", "verify.unmarked_redraw", { seqs: list(seqs) });
      if (!isNone(redraw) && !seqs.length) return Checks.failed("chain", "verify.redraw_unexplained");
      if (seqs.length && !isNone(committed_at)) {
        const early = await _redraw_too_early(lg, seqs, committed_at);
        if (early !== null) return early;
      }
      if (seqs.length) return Checks.passed("chain", "verify.chain_redraw", { seqs: list(seqs) });
    }
    if (isNone(prev)) return Checks.passed("chain", "verify.chain_first");
    if (prev_seq === null) return Checks.passed("chain", "verify.chain_format_only", { previous: prev.slice(0, 16) });
    return Checks.passed("chain", "verify.chain_logged", { previous: prev.slice(0, 16), seq: prev_seq });
  }

  return {
    CHECKPOINT, TAIL, TAIL_INDEX, entry_file, proof_file, entry_seq,
    REVEALED, ABORTED, RECORD, COMMITTED, SEEN_SEED_STAGES, PRE_SEED_STAGES,
    has, get, isNone, isInt, pyEq, truthy, pyIter, plain,
    ENTRIES, problem, check_entry, log_name_for, open_checkpoint, verify_proof,
    entries, naming, open, LogData, order_check, reveal_check, discarded_entropy, _predecessor_ok,
    predecessors, _committed_at, _redraw_too_early, chain_check,
  };
})();
