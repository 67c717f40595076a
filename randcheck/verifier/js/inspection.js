// Inspection: the 检查结果公示 part of a bundle (docs/RESULTS-SPEC.md §5), a port of
// randcheck/services/verify/results.py: `inspection.documents`, `inspection.log`,
// `inspection.table` and `inspection.timely`, with what they use from
// randcheck/core/results.py (the document and the chain), randcheck/core/vocabulary.py (the
// result vocabulary), randcheck/bundle/results.py (file names, the table) and
// randcheck/core/text.py (visible).
//
// inspection.timely needs no calendar: it compares the first publication's Beijing date with
// the deadline each signed entry states (core/results.py check_chain), as Python does.
const Inspection = (() => {
  const NAMES = ["inspection.documents", "inspection.log", "inspection.table", "inspection.timely"];
  const KIND = "results";
  const { RESULTS_SPEC_ID } = Spec;
  const FIELDS = ["spec", "kind", "tool", "task", "authority", "record", "addenda", "seq", "previous", "issued_at", "vocabulary", "results"];
  const ENTRY_FIELDS = ["target", "item", "completed_on", "terms", "deadline", "correction"];
  const { INDEX, TABLE_CSV, TABLE_XLSX } = Reading.LAYOUT;

  // -- randcheck/bundle/results.py ------------------------------------------------------------
  const DIR = "results/";
  const SHEET = "检查结果公示";
  const PAGE_TABLE = "inspection-results";
  const COLUMNS = ["no", "task", "code", "name", "item", "completed_on", "terms", "published_on", "note"];
  const TITLES = {
    no: "序号", task: "任务编号", code: "统一社会信用代码/注册号", name: "名称", item: "抽查事项",
    completed_on: "检查完成日期", terms: "检查结果", published_on: "公示日期", note: "备注",
  };
  const HEADER = COLUMNS.map((c) => TITLES[c]);
  const TERM_SEPARATOR = "、";
  const NOTE_CORRECTED = "第 {seq} 号公示更正：{reason}";

  const own = (o, k) => o !== null && typeof o === "object" && Object.prototype.hasOwnProperty.call(o, k);
  const err = (code, params = {}) => new Checks.RcError(code, params);

  const vocabulary_file = (digest) => `${DIR}vocabulary-${digest}.json`;
  const { is_vocabulary_file, doc_seq } = Reading;
  const doc_file = (seq) => `${DIR}${String(seq).padStart(4, "0")}.json`;

  /** The current targets once the first n addenda apply, for n = 0 .. len(addenda). */
  function targets_after(record, addenda) {
    const out = [];
    for (let n = 0; n <= addenda.length; n++) out.push(new Set(Tables.final_state(record, addenda.slice(0, n))[0].keys()));
    return out;
  }

  // -- randcheck/core/text.py ------------------------------------------------------------------
  const BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069";
  const INVISIBLE = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff";
  const BREAKS = /\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]/g;
  const BAD = new RegExp(`[\\x00-\\x1f\\x7f-\\x9f${BIDI}${INVISIBLE}]`, "gu");
  const one_line = (v) => v.replace(BREAKS, " ");
  function problem(v) { BAD.lastIndex = 0; return BAD.test(one_line(v)); }
  function visible(v) {
    const flat = one_line(v);
    return flat.replace(BAD, (ch) => `<U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}>`);
  }

  // -- randcheck/core/vocabulary.py ------------------------------------------------------------
  const CODE = /^[0-9A-Za-z][0-9A-Za-z._-]{0,15}$/;
  const SEPARATORS = "、,，;；|｜﹐﹑﹔︐︑︔､";
  const SPLIT_CLASS = `[${SEPARATORS.replace(/[|\]\\^-]/g, "\\$&")}\\r\\n\\x0b\\x0c\\x1c-\\x1e\\x85\\u2028\\u2029]`;
  const SPLIT = new RegExp(SPLIT_CLASS, "u");
  const SPLIT_ALL = new RegExp(SPLIT_CLASS, "gu");
  const DROP = new RegExp(`[${BIDI}${INVISIBLE}]`, "gu");
  const WS = new RegExp(`[${Spec.PY_WS}]+`, "gu");
  const DOC_KEYS = ["id", "title", "source", "terms"];
  const TERM_KEYS = ["code", "text", "parent", "exclusive", "aliases"];

  function normalise(word) { return word.replace(DROP, "").normalize("NFKC").replace(WS, ""); }

  class Bad extends Error { constructor(reason) { super(reason); this.reason = reason; } }
  const badVocabulary = (reason) => err("results.bad_vocabulary", { file: "", reason });

  function word(value, where) {
    if (typeof value !== "string") throw new Bad(`${where}: expected a string`);
    if (problem(value)) throw new Bad(`${where}: holds a control, bidirectional or invisible character`);
    if (!normalise(value)) throw new Bad(`${where}: empty`);
    if (SPLIT.test(value) || SPLIT.test(normalise(value))) throw new Bad(`${where}: holds a line break or a term separator (${SEPARATORS})`);
    return value;
  }
  function sameKeys(obj, keys) {
    const ks = Object.keys(obj);
    return ks.length === keys.length && keys.every((k) => own(obj, k));
  }
  function term(value, where) {
    if (!Json.isObject(value)) throw new Bad(`${where}: expected an object`);
    if (!sameKeys(value, TERM_KEYS)) throw new Bad(`${where}: fields`);
    const code = word(value.code, `${where}.code`);
    if (!CODE.test(code)) throw new Bad(`${where}.code: not 1-16 ASCII letters, digits, '.', '_' or '-'`);
    const parent = value.parent;
    if (parent !== null && typeof parent !== "string") throw new Bad(`${where}.parent: expected a code or null`);
    if (typeof value.exclusive !== "boolean") throw new Bad(`${where}.exclusive: expected true or false`);
    if (!Array.isArray(value.aliases)) throw new Bad(`${where}.aliases: expected a list`);
    return {
      code, text: word(value.text, `${where}.text`), parent, exclusive: value.exclusive,
      aliases: value.aliases.map((a, i) => word(a, `${where}.aliases[${i}]`)),
    };
  }
  function terms(value, where) {
    if (!Array.isArray(value)) throw new Bad(`${where}: expected a list`);
    if (!value.length) throw new Bad(`${where}: no terms`);
    return value.map((t, i) => term(t, `${where}[${i}]`));
  }
  function index(ts) {
    if (!ts.length) throw new Bad("terms: no terms");
    const byKey = new Map();
    const order = new Map();
    ts.forEach((t, i) => {
      if (order.has(t.code)) throw new Bad(`terms[${i}].code: used twice`);
      order.set(t.code, i);
      for (const w of [t.code, t.text, ...t.aliases]) {
        const key = normalise(w);
        if (byKey.has(key)) throw new Bad(`terms[${i}]: ${w} is the same word as another`);
        byKey.set(key, t);
      }
    });
    const parents = new Map(ts.map((t) => [t.code, t.parent]));
    const ancestors = new Map();
    ts.forEach((t, i) => {
      if (t.parent !== null && !parents.has(t.parent)) throw new Bad(`terms[${i}].parent: no term has the code ${t.parent}`);
      const chain = [];
      let p = t.parent;
      while (p !== null) {
        if (p === t.code || chain.includes(p)) throw new Bad(`terms[${i}].parent: parents form a cycle`);
        chain.push(p);
        p = parents.get(p);
      }
      ancestors.set(t.code, chain);
    });
    return { byKey, order, ancestors };
  }

  /** core/vocabulary.Vocabulary: {id, title, terms, source, digest, document(), parse_terms(cell)}. */
  function Vocabulary(id, title, ts, source) {
    let ix;
    try { ix = index(ts); } catch (e) { if (e instanceof Bad) throw badVocabulary(e.reason); throw e; }
    const document = () => {
      const doc = { id, title };
      if (source !== null) doc.source = source;
      doc.terms = ts.map((t) => ({ code: t.code, text: t.text, parent: t.parent, exclusive: t.exclusive, aliases: t.aliases.slice() }));
      return doc;
    };
    const digest = Hash.sha256hex(Json.canonical(document()));
    /** [canonical term texts in vocabulary order, whether there were problems]. */
    function parse_terms(cell) {
      const found = new Set();
      let unknown = false;
      for (const piece of cell.split(SPLIT_ALL)) {
        const key = normalise(piece);
        if (!key) continue;
        const t = ix.byKey.get(key);
        if (t === undefined) unknown = true; else found.add(t.code);
      }
      if (!found.size && !unknown) return [[], [["", "results.no_terms", {}]]];
      const codes = Array.from(found).sort((a, b) => ix.order.get(a) - ix.order.get(b));
      const problems = [];
      if (unknown) problems.push(["", "results.unknown_term", {}]);
      const text = new Map(ts.map((t) => [t.code, t.text]));
      if (codes.length > 1) for (const c of codes) if (ts[ix.order.get(c)].exclusive) problems.push(["", "results.exclusive_term", { term: text.get(c) }]);
      for (const c of codes) for (const a of ix.ancestors.get(c)) if (found.has(a)) problems.push(["", "results.term_with_parent", { term: text.get(c), parent: text.get(a) }]);
      return [codes.map((c) => text.get(c)), problems];
    }
    return { id, title, terms: ts, source, digest, document, parse_terms };
  }
  Vocabulary.from_document = function (doc) {
    let ts;
    try {
      if (!Json.isObject(doc)) throw new Bad("expected an object");
      const keys = Object.keys(doc);
      if (!["id", "title", "terms"].every((k) => own(doc, k)) || !keys.every((k) => DOC_KEYS.includes(k))) throw new Bad("fields");
      for (const name of ["id", "title"]) {
        const v = doc[name];
        if (typeof v !== "string" || !Spec.pyStrip(v) || problem(v)) throw new Bad(`${name}: expected a non-empty single-line string`);
      }
      const source = own(doc, "source") ? doc.source : null;
      if (source !== null && (typeof source !== "string" || problem(source))) throw new Bad("source: expected a single-line string");
      ts = terms(doc.terms, "terms");
      index(ts);
    } catch (e) {
      if (e instanceof Bad) throw badVocabulary(e.reason);
      throw e;
    }
    return Vocabulary(doc.id, doc.title, ts, own(doc, "source") ? doc.source : null);
  };

  // -- randcheck/core/draw/spec.py: the field checks (js/spec.js) ---------------------------
  const check_text = (v, f) => Spec.check_text(v, f);
  const check_time = (v, f) => Spec.check_time(v, f);
  const check_date = (v, f) => Spec.check_date(v, f);
  const check_hex32 = (v, f) => Spec.check_hex32(v, f);
  const check_int = (v, f, lo) => Spec.check_int(v, f, lo);

  // -- randcheck/core/results.py ---------------------------------------------------------------
  function keysOf(value, expected, where) {
    if (!Json.isObject(value) || !sameKeys(value, expected)) throw err("results.bad_fields", { where });
    return value;
  }
  /** UTF-8 byte order of (target, item): code point order, which JS's < on strings is not. */
  function cmpStr(a, b) { return Bytes.compare(Bytes.utf8(a), Bytes.utf8(b)); }
  const keyOf = (e) => [e.target, e.item];
  const keyStr = (k) => JSON.stringify(k);

  /** Strictly parse a results body: [its header fields, its entries]. */
  function parse(doc) {
    const d = keysOf(doc, FIELDS, "results");
    if (d.spec !== RESULTS_SPEC_ID || d.kind !== KIND) throw err("results.bad_fields", { where: "spec/kind" });
    check_text(d.tool, "tool");
    check_text(d.task, "task");
    check_text(d.authority, "authority");
    check_hex32(d.record, "record");
    check_int(d.addenda, "addenda", 0);
    check_int(d.seq, "seq", 1);
    if (d.seq === 1) { if (d.previous !== null) throw err("results.bad_fields", { where: "previous" }); }
    else check_hex32(d.previous, "previous");
    check_time(d.issued_at, "issued_at");
    const voc = keysOf(d.vocabulary, ["id", "digest"], "vocabulary");
    check_text(voc.id, "vocabulary.id");
    check_hex32(voc.digest, "vocabulary.digest");
    if (!Array.isArray(d.results) || !d.results.length) throw err("results.bad_fields", { where: "results" });
    const entries = d.results.map((raw, i) => {
      const where = `results[${i}]`;
      const r = keysOf(raw, ENTRY_FIELDS, where);
      check_text(r.target, `${where}.target`);
      check_text(r.item, `${where}.item`);
      check_date(r.completed_on, `${where}.completed_on`);
      if (r.deadline !== null) check_date(r.deadline, `${where}.deadline`);
      if (!Array.isArray(r.terms) || !r.terms.length) throw err("results.bad_fields", { where: `${where}.terms` });
      for (const t of r.terms) check_text(t, `${where}.terms`);
      const corr = r.correction;
      if (corr !== null) {
        const c = keysOf(corr, ["replaces", "reason"], `${where}.correction`);
        check_int(c.replaces, `${where}.correction.replaces`, 1);
        check_text(c.reason, `${where}.correction.reason`);
      }
      return { target: r.target, item: r.item, completed_on: r.completed_on, terms: r.terms.slice(), deadline: r.deadline, correction: corr };
    });
    for (let i = 1; i < entries.length; i++) {
      const a = entries[i - 1], b = entries[i];
      const c = cmpStr(a.target, b.target) || cmpStr(a.item, b.item);
      if (c >= 0) throw err("results.bad_order"); // out of order, or the same key twice
    }
    return [d, entries];
  }

  /** The Beijing date of a YYYY-MM-DDTHH:MM:SSZ time. */
  function china_date(utc) {
    const t = Date.UTC(Number(utc.slice(0, 4)), Number(utc.slice(5, 7)) - 1, Number(utc.slice(8, 10)), Number(utc.slice(11, 13)) + 8,
      Number(utc.slice(14, 16)), Number(utc.slice(17, 19)));
    const d = new Date(t);
    const y = d.getUTCFullYear();
    return `${String(y).padStart(4, "0")}-${String(d.getUTCMonth() + 1).padStart(2, "0")}-${String(d.getUTCDate()).padStart(2, "0")}`;
  }

  /** Published: {current: Map keyStr → entry, first_on, last_seq, late: [[target, item]…], keys: Map keyStr → key}. */
  function check_chain(docs, { task, record, drawn_at, targets_after: after, items, vocabularies }) {
    const out = { current: new Map(), first_on: new Map(), last_seq: new Map(), late: [] };
    let previous = null;
    let lastTime = drawn_at;
    const drawnOn = china_date(drawn_at);
    for (let n = 1; n <= docs.length; n++) {
      const [digest, body] = docs[n - 1];
      let head, entries;
      try {
        [head, entries] = parse(body);
      } catch (e) {
        if (e instanceof Checks.RcError) return [out, { code: e.code, params: { seq: n, ...e.params } }];
        throw e;
      }
      if (head.seq !== n || head.previous !== previous) return [out, { code: "results.chain_broken", params: { seq: n } }];
      if (head.task !== task || head.record !== record) return [out, { code: "results.wrong_record", params: { seq: n } }];
      if (head.addenda >= after.length) return [out, { code: "results.unknown_addenda", params: { seq: n, n: head.addenda } }];
      const vocabulary = vocabularies.get(head.vocabulary.digest);
      if (vocabulary === undefined || vocabulary.id !== head.vocabulary.id) {
        return [out, { code: "results.wrong_vocabulary", params: { seq: n, id: head.vocabulary.id } }];
      }
      if (head.issued_at < lastTime) return [out, { code: "results.time_backwards", params: { seq: n } }];
      lastTime = head.issued_at;
      const issuedOn = china_date(head.issued_at);
      const targets = after[head.addenda];
      for (const e of entries) {
        const where = { seq: n, target: e.target, item: e.item };
        if (!targets.has(e.target)) return [out, { code: "results.not_a_target", params: where }];
        if (!items.has(e.item)) return [out, { code: "results.not_an_item", params: where }];
        const [words, problems] = vocabulary.parse_terms(e.terms.join("|"));
        if (problems.length || words.length !== e.terms.length || words.some((w, i) => w !== e.terms[i])) {
          return [out, { code: "results.bad_terms", params: { ...where, terms: e.terms.join("、") } }];
        }
        if (!(drawnOn <= e.completed_on && e.completed_on <= issuedOn)) {
          return [out, { code: "results.date_out_of_range", params: { ...where, date: e.completed_on } }];
        }
        const key = keyStr(keyOf(e));
        const before = out.last_seq.has(key) ? out.last_seq.get(key) : null;
        if (before === null && e.correction !== null) return [out, { code: "results.correction_of_nothing", params: where }];
        if (before !== null && (e.correction === null || e.correction.replaces !== before)) {
          return [out, { code: "results.silent_change", params: { ...where, first: before } }];
        }
        out.current.set(key, e);
        out.last_seq.set(key, n);
        if (before === null) {
          out.first_on.set(key, issuedOn);
          if (e.deadline !== null && issuedOn > e.deadline) out.late.push(keyOf(e));
        }
      }
      previous = digest;
    }
    return [out, null];
  }

  // -- randcheck/bundle/results.py: the table ------------------------------------------------
  const fmtText = Spec.pyFormat;
  function pyCmp(a, b) {
    if (typeof a === "number") return a - b;
    const x = Array.from(a), y = Array.from(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
    return x.length - y.length;
  }

  /** Header plus one row per published target × item. */
  function table(task, target_order, item_order, published, names, reasons) {
    const tRank = new Map(target_order.map((c, i) => [c, i]));
    const iRank = new Map(item_order.map((c, i) => [c, i]));
    const big = 2 ** 40;
    const sortKey = (e) => [tRank.has(e.target) ? tRank.get(e.target) : big, e.target, iRank.has(e.item) ? iRank.get(e.item) : big, e.item];
    const entries = Array.from(published.current.entries()).map(([k, e]) => [sortKey(e), k, e]);
    entries.sort((a, b) => { for (let i = 0; i < 4; i++) { const c = pyCmp(a[0][i], b[0][i]); if (c) return c; } return 0; });
    const rows = [HEADER.slice()];
    entries.forEach(([, key, e], i) => {
      const corr = reasons.get(key);
      const note = corr ? fmtText(NOTE_CORRECTED, { seq: corr[0], reason: corr[1] }) : "";
      rows.push([String(i + 1), task, e.target, own(names, e.target) ? names[e.target] : "", e.item, e.completed_on, e.terms.join(TERM_SEPARATOR),
        published.first_on.get(key), note]);
    });
    return rows;
  }

  /** The latest correction [seq, reason] of each target × item in docs (bodies). */
  function corrections(docs) {
    const out = new Map();
    for (const d of docs) {
      for (const e of own(d, "results") ? d.results : []) {
        const corr = own(e, "correction") ? e.correction : null;
        if (Json.isObject(corr)) {
          const key = keyStr([Spec.pyStr(own(e, "target") ? e.target : null), Spec.pyStr(own(e, "item") ? e.item : null)]);
          out.set(key, [own(d, "seq") ? d.seq : 0, Spec.pyStr(own(corr, "reason") ? corr.reason : "")]);
        }
      }
    }
    return out;
  }

  function to_csv(rows) { return Tables.to_csv(rows.map((r) => r.map(Tables.inert))); }

  // -- services/verify/results.py --------------------------------------------------------------
  function vocabularies(found) {
    const out = new Map();
    const paths = Files.pySorted(Array.from(found.present.keys()).filter((p) => is_vocabulary_file(p) && found.get(p) != null));
    for (const path of paths) {
      const raw = found.get(path);
      let vocab;
      try {
        vocab = Vocabulary.from_document(Json.parse(raw));
      } catch (e) {
        if (e instanceof Checks.RcError) return Checks.failed(NAMES[0], e.code, { ...e.params, file: path });
        throw e;
      }
      if (vocabulary_file(vocab.digest) !== path || !Bytes.equal(Json.canonical(vocab.document()), raw)) {
        return Checks.failed(NAMES[0], "verify.results_vocabulary_name", { file: path });
      }
      out.set(vocab.digest, vocab);
    }
    return out;
  }

  /** The four inspection.* checks, in order. */
  async function checks(found, keys, ann, rec_env, add_envs, lg, names) {
    const seqs = Array.from(found.present.keys()).map(doc_seq).filter((s) => s !== null).sort((a, b) => a - b);
    if (!seqs.length) {
      const none = NAMES.map((n) => Checks.passed(n, "verify.results_none"));
      for (const path of [TABLE_CSV, TABLE_XLSX]) {
        if (found.present.has(path)) none[2] = Checks.failed("inspection.table", "verify.results_table_unsigned", { file: path });
      }
      return none;
    }
    const failed = NAMES.slice(1).map((n) => Checks.skipped(n));
    const first = seqs.findIndex((s, i) => s !== i + 1);
    if (first >= 0) return [Checks.failed(NAMES[0], "results.chain_broken", { seq: first + 1 }), ...failed];
    if (ann == null || rec_env == null || add_envs.some((a) => a == null)) return [Checks.skipped(NAMES[0]), ...failed];
    const bodies = [];
    for (const seq of seqs) {
      const path = doc_file(seq);
      const raw = found.get(path);
      if (raw == null) return [found.absent(NAMES[0], path), ...failed];
      let env;
      try {
        env = await Envelope.open_envelope(raw, KIND);
        await Envelope.verify(env, keys);
      } catch (e) {
        if (e instanceof Checks.RcError) return [Checks.failed(NAMES[0], e.code, { ...e.params, seq }), ...failed];
        throw e;
      }
      bodies.push([env.digest, env.doc]);
    }
    const vocabs = vocabularies(found);
    if (!(vocabs instanceof Map)) return [vocabs, ...failed];
    const rec = rec_env.doc;
    const adds = add_envs.map((a) => a.doc);
    const [published, bad] = check_chain(bodies, {
      task: ann.task.id,
      record: rec_env.digest,
      drawn_at: Spec.pyStr(rec.drawn_at),
      targets_after: targets_after(rec, adds),
      items: new Set(ann.task.items.map((i) => i.code)),
      vocabularies: vocabs,
    });
    if (bad !== null) return [Checks.failed(NAMES[0], bad.code, bad.params), ...failed];
    return [
      Checks.passed(NAMES[0], "verify.results_documents_ok", { documents: bodies.length, results: published.current.size }),
      await log(lg, bodies),
      await tableCheck(found, ann, rec, adds, published, bodies, names),
      timely(published),
    ];
  }

  async function log(lg, bodies) {
    for (let n = 1; n <= bodies.length; n++) {
      const c = await lg.check(`log.results.${n}`, bodies[n - 1][0]);
      if (!c.ok) return Checks.failed("inspection.log", c.code, { ...c.params, seq: n });
    }
    return Checks.passed("inspection.log", "verify.results_logged", { documents: bodies.length });
  }

  const sameRows = (a, b) => a.length === b.length && a.every((r, i) => Tables.sameRow(r, b[i]));

  async function tableCheck(found, ann, rec, adds, published, bodies, names) {
    const order = Tables.result_rows(ann.strata.map((p) => p.id), rec, adds).map((r) => r.code);
    const csvRaw = found.get(TABLE_CSV);
    if (csvRaw == null) return found.absent("inspection.table", TABLE_CSV);
    const rows = Tables.from_csv(csvRaw);
    if (rows === null || !rows.length || !Tables.sameRow(rows[0], HEADER)) {
      return Checks.failed("inspection.table", "verify.results_table_header", { file: TABLE_CSV });
    }
    const shown = {};
    for (const r of rows.slice(1)) if (r.length > 3) shown[Tables.raw(r[2])] = Tables.raw(r[3]);
    const want = table(ann.task.id, order, ann.task.items.map((i) => i.code), published, { ...shown, ...names }, corrections(bodies.map((b) => b[1])));
    if (!Bytes.equal(to_csv(want), csvRaw)) {
      const got = rows.map((r) => r.map(Tables.raw));
      let row = null;
      for (let i = 0; i < Math.min(got.length, want.length); i++) if (!Tables.sameRow(got[i], want[i])) { row = i; break; }
      return Checks.failed("inspection.table", "verify.results_table_differs", {
        file: TABLE_CSV, row: (row !== null ? row : Math.min(got.length, want.length)) + 1,
      });
    }
    const xlsx = found.get(TABLE_XLSX);
    if (xlsx == null) return found.absent("inspection.table", TABLE_XLSX);
    const bound = Tables.XLSX_EXPANSION * (csvRaw.length + 64 * 1024);
    if (!Zip.xlsx_within(xlsx, bound)) return Checks.failed("inspection.table", "verify.xlsx_bomb", { file: TABLE_XLSX, limit: bound });
    const cells = await Tables.from_xlsx(xlsx, SHEET);
    if (typeof cells === "string") return Checks.failed("inspection.table", cells, { file: TABLE_XLSX, sheet: SHEET });
    if (!sameRows(cells.map((r) => r.map(Tables.raw)), Tables.trimmed(want))) {
      return Checks.failed("inspection.table", "verify.results_table_differs", { file: TABLE_XLSX, row: 0 });
    }
    const shownRows = Page.table_cells(found, PAGE_TABLE);
    if (shownRows !== null && !sameRows(shownRows, want.slice(1).map((r) => r.map(visible)))) {
      return Checks.failed("inspection.table", "verify.results_table_differs", { file: INDEX, row: 0 });
    }
    return Checks.passed("inspection.table", "verify.results_table_ok", { rows: want.length - 1 });
  }

  /** Information, never a failure: first publications after the deadline the office stated. */
  function timely(published) {
    if (published.late.length) {
      const [target, item] = published.late[0];
      return Checks.warning("inspection.timely", "verify.results_late", { count: published.late.length, target, item });
    }
    return Checks.passed("inspection.timely", "verify.results_timely", { count: published.first_on.size });
  }

  return {
    NAMES, KIND, HEADER, SHEET, TABLE_CSV, TABLE_XLSX, PAGE_TABLE,
    vocabulary_file, is_vocabulary_file, doc_file, doc_seq, targets_after, one_line, visible, normalise, Vocabulary,
    parse, china_date, check_chain, table, corrections, to_csv, checks,
  };
})();
