// Complete: log.complete and log.consistency — the log tail proves that nothing of the task is
// missing from the bundle, and that the log agrees with checkpoints the reader already holds
// (SPEC §14.4, §14.6, format v3).  A port of randcheck/services/verify/complete.py.
//
// The tail log/tail.jsonl (up to 256 MiB) is read once, line by line (found.lines), keeping
// only the roots at the sizes asked for and the task's entries, never the lines themselves.
const Complete = (() => {
  const COMPLETE = "log.complete";
  const CONSISTENCY = "log.consistency";
  const ADDENDUM = "draw.addendum";
  const RESULTS = "results.published";
  const { RECORD, REVEALED, ABORTED, COMMITTED, get, has, isInt, pyEq } = Log;
  const { pyStr } = Spec;
  const TASK_KINDS = new Set([RECORD, ADDENDUM, REVEALED, ABORTED, COMMITTED]);
  const ATTEMPT_KINDS = new Set([REVEALED, ABORTED, COMMITTED]);
  const RESULTS_KIND = "results"; // core/results.py: KIND
  const HEX32 = /^[0-9a-f]{64}\n?$/;
  const fail = (code, params) => new Checks.RcError(code, params);

  const _is_task_kind = (kind) => TASK_KINDS.has(kind) || kind.startsWith("results.");
  const _list = (v) => (Array.isArray(v) ? v : []);
  const _seq = (v) => (isInt(v) ? v : null);
  /** Python's `x in collection` for a str collection (a Set of strings). */
  const inStrings = (v, set) => typeof v === "string" && set.has(v);

  /** What the bundle says it holds: {task_id, record, addenda, results, commitment}; its
   *  results documents by digest (unreadable ones are left out). */
  async function subject(found, task_id, record, addenda) {
    const digests = new Set();
    const paths = Array.from(found.present.keys()).filter((p) => Reading.doc_seq(p) !== null).sort();
    for (const path of paths) {
      const data = found.get(path);
      if (data == null) continue;
      try {
        digests.add((await Envelope.open_envelope(data, RESULTS_KIND)).digest);
      } catch (e) {
        if (!(e instanceof Checks.RcError)) throw e;
      }
    }
    return {
      task_id: task_id == null ? null : task_id,
      record: record == null ? null : record,
      addenda: new Set((addenda || []).filter((a) => a)),
      results: digests,
      commitment: await _commitment(found),
    };
  }

  /** The commitment digest the bundle's record names (v2), if it names one. */
  async function _commitment(found) {
    const raw = found.get(Reading.LAYOUT.RECORD);
    if (raw == null) return null;
    let value;
    try { value = get((await Envelope.open_envelope(raw, null)).doc, "commitment"); } catch (e) {
      if (!(e instanceof Checks.RcError)) throw e;
      return null;
    }
    return typeof value === "string" ? value : null;
  }

  /** bundle/layout.py read_tail_index: [from, size, prefix nodes] of log/tail.json, or RcError
   *  verify.tail_index_bad unless it is exactly such a document. */
  function read_tail_index(data) {
    const bad = () => fail("verify.tail_index_bad", { file: Log.TAIL_INDEX });
    let doc;
    try {
      const text = Bytes.text(data.length && data[data.length - 1] === 0x0a ? data.subarray(0, data.length - 1) : new Uint8Array(0));
      doc = JSON.parse(text); // what it says is checked below against the exact bytes
    } catch (e) { throw bad(); }
    if (!Json.isObject(doc) || Object.keys(doc).length !== 3 || !["from", "size", "prefix"].every((k) => has(doc, k))) throw bad();
    const start = doc.from, size = doc.size, prefix = doc.prefix;
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(size) && start >= 0 && start <= size
      && Array.isArray(prefix) && prefix.length === Merkle.bit_count(start)
      && prefix.every((h) => typeof h === "string" && HEX32.test(h)))) throw bad();
    const nodes = prefix.map((h) => Bytes.fromHex(h.trim()));
    const exact = `{"from":${start},"prefix":[${nodes.map((h) => `"${Bytes.hex(h)}"`).join(",")}],"size":${size}}\n`;
    if (!Bytes.equal(Bytes.utf8(exact), data)) throw bad();
    return [start, size, nodes];
  }

  /** [log.complete, log.consistency] for one bundle.  `checkpoints`: the held checkpoints, each
   *  a Uint8Array (or a string, or {label, data|text}); labelled "checkpoint <n>" unless given. */
  async function checks(found, fmt, lg, what, keys, checkpoints = []) {
    what = await what;
    const held = (checkpoints || []).map((c, i) => {
      if (c instanceof Uint8Array || typeof c === "string") return { label: `checkpoint ${i + 1}`, data: c };
      return { label: c.label || `checkpoint ${i + 1}`, data: c.text !== undefined ? c.text : c.data };
    });
    let [complete, consistency] = await _checks(found, fmt, lg, what, keys, held);
    if (!held.length) consistency = Checks.passed(CONSISTENCY, "verify.consistency_none");
    return [complete, consistency];
  }

  async function _checks(found, fmt, lg, what, keys, held) {
    if (fmt === Files.FORMAT_V1 || fmt === Files.FORMAT_V2) {
      return [Checks.warning(COMPLETE, "verify.complete_before_v3", { format: fmt }),
        Checks.warning(CONSISTENCY, "verify.consistency_before_v3", { format: fmt })];
    }
    const cp = lg.checkpoint;
    const start = lg.seqs.announcement;
    if (cp === null || start === undefined || what.task_id === null || what.record === null) {
      return [Checks.skipped(COMPLETE), Checks.skipped(CONSISTENCY)];
    }
    const raw = found.get(Log.TAIL_INDEX);
    if (raw == null) return [found.absent(COMPLETE, Log.TAIL_INDEX), Checks.skipped(CONSISTENCY)];
    let a, n, prefix;
    try { [a, n, prefix] = read_tail_index(raw); } catch (e) {
      if (!(e instanceof Checks.RcError)) throw e;
      return [Checks.fromError(COMPLETE, e), Checks.skipped(CONSISTENCY)];
    }
    // eslint-disable-next-line eqeqeq
    if (n != cp.size) {
      return [Checks.failed(COMPLETE, "verify.tail_size", { size: n, checkpoint: Log.plain(cp.size) }), Checks.skipped(CONSISTENCY)];
    }
    if (a !== start) {
      return [Checks.failed(COMPLETE, "verify.tail_from", { start: a, announcement: start }), Checks.skipped(CONSISTENCY)];
    }
    const [opened, bad] = await _open_held(held, keys, cp.origin);
    const sizes = new Set([n]);
    for (const [, c] of opened) if (c.size >= a && c.size <= n) sizes.add(Number(c.size));
    let tail;
    try { tail = await _read(found, lg, a, n, prefix, sizes, what.task_id); } catch (e) {
      if (!(e instanceof Checks.RcError)) throw e;
      return [Checks.fromError(COMPLETE, e), Checks.skipped(CONSISTENCY)];
    }
    const root = tail.roots.get(n);
    if (!root || !Bytes.equal(root, cp.root)) {
      return [Checks.failed(COMPLETE, "verify.tail_root", { size: n }), Checks.skipped(CONSISTENCY)];
    }
    return [_accounted(tail, what, a, n), bad || _consistency(opened, tail, a, n)];
  }

  /** The held checkpoints opened under the trusted keys: [[label, checkpoint]…], or the failed
   *  check of the first that is not a checkpoint of this log signed by a trusted key. */
  async function _open_held(held, keys, origin) {
    const out = [];
    for (const h of held) {
      let text;
      try { text = typeof h.data === "string" ? h.data : Bytes.text(h.data); } catch (e) {
        // the CLI refuses such a file before verifying (verify.bad_checkpoint_file)
        return [[], Checks.failed(CONSISTENCY, "verify.held_bad", { file: h.label, reason_code: "verify.bad_checkpoint_file" })];
      }
      let cp;
      try { [cp] = await Log.open_checkpoint(text, keys); } catch (e) {
        if (!(e instanceof Checks.RcError)) throw e;
        return [[], Checks.failed(CONSISTENCY, "verify.held_bad", { file: h.label, reason_code: e.code })];
      }
      if (cp.origin !== origin) {
        return [[], Checks.failed(CONSISTENCY, "verify.held_origin", { file: h.label, origin: cp.origin, expected: origin })];
      }
      out.push([h.label, cp]);
    }
    return [out, null];
  }

  /** One pass over the tail: each line a canonical entry whose seq is its place, equal to the
   *  bundle's own copy of that entry if it has one; the roots at `sizes`.  Throws RcError
   *  naming the first line that is not. */
  async function _read(found, lg, a, n, prefix, sizes, task_id) {
    const tail = { roots: new Map(), task: [] };
    const rng = new Merkle.CompactRange(prefix, a);
    if (sizes.has(a)) tail.roots.set(a, rng.root());
    const total = n - a;
    for await (const line of found.lines(Log.TAIL)) {
      const seq = rng.size;
      if (seq >= n) throw fail("verify.tail_length", { file: Log.TAIL, lines: n - a });
      const [value, problem] = Log.check_entry(line, seq);
      if (problem !== null || value === null) throw fail("verify.tail_entry_bad", { seq });
      const own = lg.entries.get(seq);
      if (own !== undefined && !Bytes.equal(own[0], line)) {
        throw fail("verify.tail_entry_differs", { seq, file: Log.entry_file(seq) });
      }
      rng.append(Merkle.leaf_hash(line));
      if (sizes.has(rng.size)) tail.roots.set(rng.size, rng.root());
      const kind = value.kind, payload = value.payload;
      if ((_is_task_kind(kind) && pyEq(get(payload, "task"), task_id)) || kind === ADDENDUM) {
        tail.task.push([seq, kind, payload]);
      }
      const done = seq - a + 1;
      if (done % 1024 === 0) await Checks.progress("log.complete", done, total);
    }
    if (rng.size !== n) throw fail("verify.tail_length", { file: Log.TAIL, lines: n - a });
    return tail;
  }

  /** Every entry of the task in the tail is accounted for by the bundle. */
  function _accounted(tail, what, a, n) {
    const records = tail.task.filter(([, k, p]) => k === RECORD && pyEq(get(p, "task"), what.task_id)).map(([s, , p]) => [s, p]);
    const ours = records.filter(([, p]) => pyEq(get(p, "record"), what.record)).map(([s]) => s);
    if (!ours.length) return Checks.failed(COMPLETE, "verify.complete_no_record", { record: pyStr(what.record).slice(0, 16) });
    const [last_seq, last] = records[records.length - 1];
    if (!pyEq(get(last, "record"), what.record)) {
      return Checks.failed(COMPLETE, "verify.complete_superseded", { seq: last_seq, record: pyStr(get(last, "record")).slice(0, 16) });
    }
    let addenda = 0;
    for (const [seq, kind, p] of tail.task) {
      if (!pyEq(get(p, "record"), what.record)) continue;
      if (kind === ADDENDUM) {
        addenda += 1;
        if (!inStrings(get(p, "addendum"), what.addenda)) {
          return Checks.failed(COMPLETE, "verify.complete_addendum_missing",
            { seq, number: pyStr(get(p, "seq")), file: _addendum_file(p) });
        }
      } else if (kind === RESULTS && !inStrings(get(p, "results"), what.results)) {
        return Checks.failed(COMPLETE, "verify.complete_results_missing", { seq, number: pyStr(get(p, "seq")) });
      }
    }
    const unanswered = _unanswered(tail, what, ours[ours.length - 1]);
    if (unanswered !== null) {
      const [seq, kind] = unanswered;
      return Checks.failed(COMPLETE, "verify.complete_unanswered", { seq, kind });
    }
    const own = tail.task.filter(([, , p]) => pyEq(get(p, "task"), what.task_id)).map(([s]) => s);
    const last_ours = ours[ours.length - 1];
    const pending = tail.task.filter(([s, k, p]) => (k === REVEALED || k === COMMITTED) && s > last_ours
      && pyEq(get(p, "task"), what.task_id)).map(([s]) => s);
    if (pending.length) return Checks.warning(COMPLETE, "verify.complete_pending", { seq: pending[0], start: a, size: n });
    return Checks.passed(COMPLETE, "verify.complete_ok", { start: a, size: n, entries: own.length, addenda });
  }

  /** An entry that stands for an official attempt of its task: a commitment, a reveal, or an
   *  abort of an attempt (attempt) or with entropy values logged (entered). */
  function _is_attempt(kind, payload) {
    if (get(payload, "practice") === true || !ATTEMPT_KINDS.has(kind)) return false;
    return kind !== ABORTED || has(payload, "attempt") || has(payload, "entered");
  }

  /** Python's dict key: a value usable as a Map key with Python's equality for str/int/None
   *  (the record digests a draw.record entry names); null for what Python could not hash. */
  function hashKey(v) {
    if (v === undefined || v === null) return "n:";
    if (typeof v === "string") return "s:" + v;
    if (typeof v === "boolean") return "i:" + (v ? 1 : 0);
    if (typeof v === "number" || typeof v === "bigint") return "i:" + BigInt(v).toString();
    return null;
  }

  /** The first official attempt of the task logged before the record's entry that the record
   *  does not account for, as [seq, kind]; null when there is none. */
  function _unanswered(tail, what, record_seq) {
    const of_task = new Map(); // seq → [kind, payload], in log order
    for (const [s, k, p] of tail.task) if (s <= record_seq && pyEq(get(p, "task"), what.task_id)) of_task.set(s, [k, p]);
    const records = new Map();
    for (const [s, [k, p]] of of_task) {
      if (k !== RECORD) continue;
      const key = hashKey(get(p, "record"));
      if (key === null) throw new TypeError("unhashable type");
      records.set(key, s);
    }
    const accounted = new Set([record_seq]);
    if (what.commitment !== null && what.commitment !== undefined) {
      for (const [s, [k, p]] of of_task) if (k === COMMITTED && pyEq(get(p, "commitment"), what.commitment)) accounted.add(s);
    }
    let grew = true;
    while (grew) {
      grew = false;
      for (const [s, [kind, p]] of of_task) {
        let fresh;
        if (accounted.has(s)) {
          fresh = Array.from(_named(kind, p, records)).filter((x) => !accounted.has(x));
        } else if (kind === ABORTED && accounted.has(_seq(get(p, "attempt")))) {
          fresh = [s];
        } else {
          continue;
        }
        for (const x of fresh) accounted.add(x);
        grew = grew || fresh.length > 0;
      }
    }
    for (const s of Array.from(of_task.keys()).sort((x, y) => x - y)) {
      const [kind, p] = of_task.get(s);
      if (s < record_seq && !accounted.has(s) && _is_attempt(kind, p)) return [s, kind];
    }
    return null;
  }

  /** The seqs an entry accounts for by name (see _unanswered). */
  function _named(kind, payload, records) {
    const named = [get(payload, "resumed")];
    if (kind === RECORD) {
      named.push(get(payload, "revealed"), ..._list(get(payload, "answers")));
      for (const d of _list(get(payload, "supersedes"))) {
        if (typeof d === "string") named.push(records.get(hashKey(d)));
      }
    }
    const out = new Set();
    for (const v of named) {
      const s = _seq(v);
      if (s !== null) out.add(typeof s === "bigint" && Number.isSafeInteger(Number(s)) ? Number(s) : s);
    }
    return out;
  }

  function _addendum_file(payload) {
    const number = get(payload, "seq");
    if (isInt(number) && number >= 0 && number <= 9999) return `addenda/${String(number).padStart(4, "0")}.json`;
    return "addenda/?";
  }

  /** Each held checkpoint against the roots recomputed from the tail. */
  function _consistency(opened, tail, a, n) {
    if (!opened.length) return Checks.passed(CONSISTENCY, "verify.consistency_none");
    let warning = null;
    for (const [label, cp] of opened) {
      if (cp.size > n) {
        warning = warning || Checks.warning(CONSISTENCY, "verify.held_newer", { file: label, size: Log.plain(cp.size), covered: n });
      } else if (cp.size < a) {
        warning = warning || Checks.warning(CONSISTENCY, "verify.held_before_tail", { file: label, size: cp.size, start: a });
      } else {
        const root = tail.roots.get(cp.size);
        if (!root || !Bytes.equal(root, cp.root)) {
          return Checks.failed(CONSISTENCY, "verify.held_inconsistent", { file: label, size: cp.size });
        }
      }
    }
    if (warning !== null) return warning;
    const sizes = opened.map(([, cp]) => String(cp.size)).join(", ");
    return Checks.passed(CONSISTENCY, "verify.consistency_ok", { sizes, size: n });
  }

  return {
    COMPLETE, CONSISTENCY, ADDENDUM, RESULTS, TASK_KINDS, ATTEMPT_KINDS, subject, read_tail_index,
    checks, _open_held, _read, _accounted, _is_attempt, _unanswered, _named, _consistency,
  };
})();
