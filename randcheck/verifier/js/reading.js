// Reading: a downloaded bundle read with bounded memory (randcheck/services/verify/reading.py,
// docs/SPEC.md §14.3): no file is read past what the signed documents allow.
//
// The files come from a *source* (js/sources.js: a picked folder, a dropped .zip, the bundle's
// own folder over http(s)); `Reading.sources` is Sources, under the name the page and
// RandcheckVerifier.sources have always used.
// BundleFiles is Python's class of the same name over a source; its methods that touch the
// source are async (`await found.list()`, `await found.load(p, n)`, `await found.sha256(p)`,
// `for await (const line of found.lines(p))`).
const Reading = (() => {
  const KIB = 1024;
  const MIB = 1024 * KIB;
  const MAX_FILES = 100000; // more entries than this in the folder: not a bundle
  const JSON_DEPTH = 32; // deeper than any document of a bundle
  const CODE_LINE = 65; // the longest population-file line: a 64-byte code and its newline
  const ROW = 4 * KIB; // one target's row in results.csv, or its rows on the page
  const XLSX_EXPANSION = 20; // the unpacked XML of results.xlsx may be this many times results.csv

  // -- the layout's names (randcheck/bundle/layout.py, randcheck/bundle/results.py) -----------
  const L = {
    FORMAT_FILE: "bundle.json", ANNOUNCEMENT: "announcement.json", RECORD: "record.json",
    ROSTER: "roster.json", INSPECTORS: "inspectors.json", INDEX: "index.html",
    NOTICE: "notice.html", RESULTS_CSV: "results.csv", RESULTS_XLSX: "results.xlsx",
    OPERATOR_KEY: "keys/operator.pub", CHECKPOINT: "log/checkpoint.txt", TAIL: "log/tail.jsonl",
    TAIL_INDEX: "log/tail.json", SUMS: "SHA256SUMS", SUMS_SIG: "SHA256SUMS.sig",
    COMMITMENT: "commitment.json", COMMITMENT_TOKEN: "commitment.tsr",
    TABLE_CSV: "inspection-results.csv", TABLE_XLSX: "inspection-results.xlsx",
    VERIFY_HTML: "verify.html", VERIFY_JS: "verify.js",
  };
  // Python's re.match with `$` also matches before one final newline: kept here (`\n?$`)
  const ADDENDUM_RE = /^addenda\/([0-9]{4})\.json\n?$/;
  const ENTRY_RE = /^log\/entries\/(0|[1-9][0-9]{0,18})\.json\n?$/;
  const DOC_RE = /^results\/([0-9]{4})\.json\n?$/;
  const VOCAB_RE = /^results\/vocabulary-[0-9a-f]{64}\.json\n?$/;
  const isAddendumFile = (p) => ADDENDUM_RE.test(p);
  const entrySeq = (p) => { const m = ENTRY_RE.exec(p); return m ? Number(m[1]) : null; };
  const docSeq = (p) => { const m = DOC_RE.exec(p); return m ? Number(m[1]) : null; };
  const isVocabularyFile = (p) => VOCAB_RE.test(p);
  /** urllib.parse.quote(s, safe=""): every byte but A-Z a-z 0-9 _ . - ~ percent-encoded. */
  function quote(s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  }
  /** `population/<stratum>.txt` (`.txt.gz` when compressed), the stratum id percent-encoded. */
  function stratumFile(stratum, gz = false) {
    return `population/${quote(stratum)}.txt` + (gz ? ".gz" : "");
  }
  /** Python's sorted() order of str: by code point (JS sorts UTF-16 units). */
  function cmpStr(a, b) {
    if (a === b) return 0;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a.codePointAt(i), y = b.codePointAt(i);
      if (x !== y) return x - y;
      if (x > 0xffff) i++;
    }
    return a.length - b.length;
  }
  const sorted = (it) => Array.from(it).sort(cmpStr);

  //: caps that do not depend on the signed documents
  const FIXED = {
    [L.FORMAT_FILE]: KIB,
    [L.SUMS_SIG]: KIB,
    [L.CHECKPOINT]: 64 * KIB,
    [L.OPERATOR_KEY]: 64 * KIB,
    [L.ANNOUNCEMENT]: 16 * MIB,
    [L.TAIL_INDEX]: 16 * KIB, // two numbers and at most 64 hashes
    // format v4 only (Files.has_verifier): the browser verifier, read only to be hashed; their bytes
    // count in the budget, which grows by VERIFIER_BYTES for them
    [L.VERIFY_HTML]: 4 * MIB,
    [L.VERIFY_JS]: 4 * MIB,
  };
  const VERIFIER_FILES = [L.VERIFY_HTML, L.VERIFY_JS];
  const VERIFIER_BYTES = 8 * MIB;
  /** The format bundle.json names; an unreadable one: the newest (Python's reading._format). */
  function formatOf(files) {
    if (files.oversize.has(L.FORMAT_FILE)) return null;
    try { return Files.read_format(files.get(L.FORMAT_FILE)); } catch (e) { return null; }
  }
  const ADDENDUM = 256 * KIB;
  const ENTRY = MIB;
  const PROOF = 64 * KIB;
  const RESULT_ROW = 4 * KIB;
  const VOCABULARY = MIB;
  const SUM_LINE = 64 + 2 + 4 * KIB + 1; // hash, two spaces, a path, newline
  const TAIL_LINE = ENTRY; // one entry line, without its newline
  const TAIL_LINES = 100000;
  const TAIL_BYTES = 256 * MIB;

  const err = (code, params) => new Checks.RcError(code, params);

  /** Why `found.lines` would refuse a log tail of these lines (each without its newline), as
   *  [code, params]; null when within the bounds (Python's tail_refusal). */
  function tail_refusal(lines) {
    if (lines.length > TAIL_LINES) return ["verify.tail_too_many", { file: L.TAIL, limit: TAIL_LINES }];
    let total = 0;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].length > TAIL_LINE) return ["verify.tail_line_too_long", { file: L.TAIL, line: i + 1, limit: TAIL_LINE }];
      total += lines[i].length + 1;
    }
    if (total > TAIL_BYTES) return ["verify.file_too_big", { file: L.TAIL, size: total, limit: TAIL_BYTES }];
    return null;
  }

  /** Python's `fh.readline(max)` over a stream of chunks: pieces that end at a newline
   *  (included) or are `max` bytes long, the last one possibly shorter. Copies. */
  async function* readlines(chunks, max) {
    let buf = new Uint8Array(0);
    for await (const chunk of chunks) {
      if (!chunk || !chunk.length) continue;
      buf = buf.length ? Bytes.concat(buf, chunk) : chunk;
      let start = 0;
      for (;;) {
        const end = Math.min(buf.length, start + max);
        const nl = buf.subarray(start, end).indexOf(10);
        if (nl >= 0) { yield buf.slice(start, start + nl + 1); start += nl + 1; }
        else if (end - start >= max) { yield buf.slice(start, end); start = end; }
        else break;
      }
      buf = buf.subarray(start);
    }
    if (buf.length) yield buf.slice();
  }

  /** The chunks of a source's file: its own stream when it has one, else the file read whole
   *  (at most `limit` + 1 bytes). With `reuse` the source may hand out one buffer again and
   *  again: each chunk is then only valid until the next is asked for. */
  async function* chunksOf(source, path, limit, reuse = false) {
    if (typeof source.stream === "function") {
      yield* await source.stream(path, reuse);
      return;
    }
    yield await source.read(path, limit);
  }

  /** The files of one bundle, read on demand and only within their bounds.
   *  `present`: Map path → size of every regular file (-1: a symlink, where the source can tell);
   *  `oversize`: Map path → [size, limit] of the files refused for their size;
   *  `digests`: Map path → SHA-256 hex of the files read line by line, once read to the end,
   *  and of the files whose bytes were handed over by release(path).
   *  A released file stays read (has(path), keys()) and keeps its SHA-256 (sha256(path)), but
   *  get(path) no longer gives its bytes: the big files (population files, the verifier's own
   *  script) are not held twice, or until the end, only for the `files` check's hashes.
   *  A gzipped population file is not even read then (load(path, limit, true), when the source
   *  can stream a file and read its tail): it is checked against its bounds and charged to the
   *  budget as if read, and unpacked later by gunzip(path, limit) straight from the source,
   *  its SHA-256 taken on the way, its compressed bytes never held whole. */
  class BundleFiles {
    constructor(source) {
      this.source = source;
      this.root = source && source.name ? source.name : "";
      this.present = new Map();
      this.oversize = new Map();
      this.digests = new Map();
      this._data = new Map();
      this._lazy = new Map(); // path → size of the files loaded but left in the source
      // bytes that may still be read in all: set by read() from the signed documents
      this.budget = FIXED[L.ANNOUNCEMENT];
    }

    /** The walk: every file and its size, from the source. */
    async list() {
      const listed = await this.source.list();
      this.present = new Map();
      for (const [path, size] of listed) {
        this.present.set(path, size);
        if (this.present.size > MAX_FILES) throw err("verify.too_many_files", { path: this.root, limit: MAX_FILES });
      }
      return this.present;
    }

    // the Mapping: the files read so far (a released file's bytes: undefined)
    get(path) { const d = this._data.get(path); return d === null ? undefined : d; }
    has(path) { return this._data.has(path); }
    keys() { return this._data.keys(); }
    get size() { return this._data.size; }
    [Symbol.iterator]() { return this._data.keys(); }

    /** The file's bytes when it exists, is a regular file and is at most `limit` bytes (and
     *  within the budget); null otherwise (`oversize` then says why). */
    async load(path, limit, lazy = false) {
      if (this._data.has(path)) return this.get(path);
      const size = this.present.get(path);
      if (size === undefined || size < 0) return null;
      limit = Math.min(limit, this.budget);
      if (size > limit) { this.oversize.set(path, [size, limit]); return null; }
      if (lazy && this._streams()) { // read when unpacked (gunzip), its bytes charged now
        this._data.set(path, null);
        this._lazy.set(path, size);
        this.budget -= size;
        return null;
      }
      const data = await this._read(path, limit);
      if (data.length > limit) { this.oversize.set(path, [data.length, limit]); return null; } // grew since listed
      this._data.set(path, data);
      this.budget -= data.length;
      return data;
    }

    /** Hands the bytes of a read file over to the caller, who may then change them: its
     *  SHA-256 is kept (sha256(path) answers as before) and the reader lets go of the bytes.
     *  undefined when the file was not read or was released already. */
    async release(path) {
      const data = this._data.get(path);
      if (data == null) return undefined;
      this.digests.set(path, Bytes.hex(await Hash.sha256Async(data)));
      this._data.set(path, null);
      return data;
    }

    _streams() {
      return this.source != null && typeof this.source.stream === "function" && typeof this.source.tail === "function";
    }

    /** The unpacked bytes of the read .gz file `path` (at most `limit` of them), for the caller
     *  to keep: Reading.gunzip's answer, Error when it refuses the member. A file left in the
     *  source by load(path, limit, true) is streamed from it through the SHA-256 (kept for
     *  sha256(path)) into the browser's DecompressionStream, one reused buffer at a time; any
     *  other is released (its SHA-256 kept) and unpacked. undefined when not read. */
    async gunzip(path, limit) {
      const size = this._lazy.get(path);
      if (size === undefined) {
        const data = await this.release(path);
        return data === undefined ? undefined : gunzip(data, limit);
      }
      if (size === 0) throw new Error("not one gzip member");
      const tail = await this._io(path, () => this.source.tail(path, 4));
      const digest = Hash.sha256Stream();
      let total = 0;
      const out = await unpack(this._chunks(path, size, true), limit, size, isizeOf(tail), (chunk) => {
        total += chunk.length;
        digest.update(chunk);
      });
      if (total !== size) throw this._changed(path);
      this.digests.set(path, Bytes.hex(digest.digest()));
      return out;
    }

    /** The SHA-256 of a file left in the source, streamed (a member gunzip refused stops early). */
    async _hash_lazy(path) {
      const size = this._lazy.get(path);
      const digest = Hash.sha256Stream();
      let total = 0;
      for await (const chunk of this._chunks(path, size, true)) {
        total += chunk.length;
        if (total > size) break;
        digest.update(chunk);
      }
      if (total !== size) throw this._changed(path);
      this.digests.set(path, Bytes.hex(digest.digest()));
    }

    _changed(path) {
      return err("io.cannot_read", { path: joinPath(this.root, path), reason: "its size changed while it was read" });
    }

    async _io(path, f) {
      try {
        return await f();
      } catch (e) {
        if (e instanceof Checks.RcError) throw e;
        throw err("io.cannot_read", { path: joinPath(this.root, path), reason: (e && e.message) || "" });
      }
    }

    async _read(path, limit) {
      try {
        return await this.source.read(path, limit);
      } catch (e) {
        if (e instanceof Checks.RcError) throw e;
        throw err("io.cannot_read", { path: joinPath(this.root, path), reason: (e && e.message) || "" });
      }
    }

    /** The log tail's lines, without their newlines, one at a time, within Python's bounds:
     *  at most TAIL_LINES lines of at most TAIL_LINE bytes, TAIL_BYTES (and the remaining
     *  budget) in all. Throws RcError (verify.missing_file, verify.file_too_big,
     *  verify.tail_line_too_long, verify.tail_too_many, verify.tail_torn) on the first line
     *  past a bound. Once read to the end its SHA-256 is in `digests` and its size charged. */
    async* lines(path) {
      const size = this.present.get(path);
      if (size === undefined || size < 0) throw err("verify.missing_file", { file: path });
      const limit = Math.min(TAIL_BYTES, this.budget);
      if (size > limit) {
        this.oversize.set(path, [size, limit]);
        throw err("verify.file_too_big", { file: path, size, limit });
      }
      const digest = Hash.sha256Stream();
      let total = 0, count = 0;
      const pieces = readlines(this._chunks(path, limit), TAIL_LINE + 1);
      try {
        for await (const line of pieces) {
          total += line.length;
          count += 1;
          if (total > limit) {
            this.oversize.set(path, [total, limit]);
            throw err("verify.file_too_big", { file: path, size: total, limit });
          }
          if (count > TAIL_LINES) throw err("verify.tail_too_many", { file: path, limit: TAIL_LINES });
          if (line[line.length - 1] !== 10) {
            const code = line.length > TAIL_LINE ? "verify.tail_line_too_long" : "verify.tail_torn";
            throw err(code, { file: path, line: count, limit: TAIL_LINE });
          }
          digest.update(line);
          yield line.subarray(0, line.length - 1);
        }
      } finally {
        await pieces.return();
      }
      this._hashed(path, total, Bytes.hex(digest.digest()));
    }

    async* _chunks(path, limit, reuse = false) {
      try {
        yield* chunksOf(this.source, path, limit, reuse);
      } catch (e) {
        if (e instanceof Checks.RcError) throw e;
        throw err("io.cannot_read", { path: joinPath(this.root, path), reason: (e && e.message) || "" });
      }
    }

    /** The file's SHA-256 (hex) if it was read (the log tail: read to the end, reading it now
     *  if need be); null when it was not, or could not be, read. */
    async sha256(path) {
      if (this.digests.has(path)) return this.digests.get(path);
      if (this._lazy.has(path)) { await this._hash_lazy(path); return this.digests.get(path); }
      if (this._data.has(path)) return Bytes.hex(await Hash.sha256Async(this._data.get(path)));
      if (path === L.TAIL && !this.digests.has(path)) {
        try {
          for await (const _line of this.lines(path)) { /* hashing */ }
        } catch (e) {
          if (!(e instanceof Checks.RcError) || e.code === "io.cannot_read") throw e;
          if (e.code !== "verify.file_too_big") await this._hash_within(path, Math.min(TAIL_BYTES, this.budget));
        }
      }
      return this.digests.has(path) ? this.digests.get(path) : null;
    }

    async _hash_within(path, limit) {
      const digest = Hash.sha256Stream();
      let total = 0;
      for await (const chunk of this._chunks(path, limit)) {
        total += chunk.length;
        if (total > limit) { this.oversize.set(path, [total, limit]); return; }
        digest.update(chunk);
      }
      this._hashed(path, total, Bytes.hex(digest.digest()));
    }

    _hashed(path, total, hex) {
      this.budget -= total;
      this.digests.set(path, hex);
    }

    /** The failed check `name` for a file that is missing, or was refused for its size. */
    absent(name, path) {
      if (this.oversize.has(path)) {
        const [size, limit] = this.oversize.get(path);
        return Checks.failed(name, "verify.file_too_big", { file: path, size, limit });
      }
      return Checks.failed(name, "verify.missing_file", { file: path });
    }
  }

  function joinPath(root, path) { return root ? `${root}/${path}` : path; }

  const count = (v) => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : 0);
  const iter = (v) => (Array.isArray(v) ? v : typeof v === "string" ? Array.from(v) : Json.isObject(v) ? Json.keys(v) : []);

  /** Read every file of the layout within the bounds that `ann` (the announcement's body,
   *  parsed but not verified; null when unreadable) allows: Python's read(), same order (the
   *  budget depends on it), same caps. */
  async function read(files, ann) {
    for (const [path, cap] of Object.entries(FIXED)) {
      if (!VERIFIER_FILES.includes(path)) await files.load(path, cap);
    }
    ann = Json.isObject(ann) ? ann : {};
    const strata = iter(ann.strata === undefined ? [] : ann.strata).filter(Json.isObject);
    const pool = strata.reduce((n, s) => n + count(s.count), 0);
    const drawn = strata.reduce((n, s) => n + count(s.sample_size) + count(s.reserve_size), 0);
    const roster = ann.roster === undefined ? {} : ann.roster;
    const inspectors = Json.isObject(roster) ? count(roster.inspectors) : 0;
    const rules = ann.teams === undefined ? {} : ann.teams;
    const members = Json.isObject(rules) ? count(rules.min_inspectors) + count(rules.experts) : 0;
    const present = sorted(files.present.keys());
    const addenda = present.filter(isAddendumFile);
    const rows = drawn + addenda.length + 1;
    const record = 64 * KIB + drawn * (KIB + members * 256);
    const rosterCap = MIB + inspectors * 2 * KIB + pool * 8 * 100;
    const inspectorsCap = 64 * KIB + inspectors * 2 * KIB;
    const task = ann.task === undefined ? {} : ann.task;
    const items = Json.isObject(task) ? (task.items === undefined ? [] : task.items) : [];
    const resultRows = rows * Math.max(Array.isArray(items) ? items.length : 1, 1);
    const resultDocs = present.filter((p) => docSeq(p) !== null);
    const page = MIB + (drawn + rows + (resultDocs.length ? resultRows : 0)) * ROW;
    files.budget = record + rosterCap + 2 * inspectorsCap + 4 * page + (drawn + 1) * 2 * ADDENDUM + 16 * MIB;
    await files.load(L.RECORD, record);
    await files.load(L.ROSTER, rosterCap);
    await files.load(L.INSPECTORS, inspectorsCap);
    await files.load(L.INDEX, page);
    await files.load(L.NOTICE, MIB + 64 * KIB * strata.length);
    await files.load(L.RESULTS_CSV, 64 * KIB + rows * ROW);
    await files.load(L.RESULTS_XLSX, 2 * (64 * KIB + rows * ROW));
    for (const path of addenda) await files.load(path, ADDENDUM);
    const docCap = 64 * KIB + resultRows * RESULT_ROW;
    files.budget += resultDocs.length * docCap + 2 * (64 * KIB + resultRows * ROW);
    for (const path of resultDocs) await files.load(path, docCap);
    // each document names one vocabulary: no more vocabularies than documents are read
    const vocabularies = present.filter(isVocabularyFile);
    for (const path of vocabularies.slice(0, resultDocs.length)) {
      files.budget += VOCABULARY;
      await files.load(path, VOCABULARY);
    }
    await files.load(L.TABLE_CSV, 64 * KIB + resultRows * ROW);
    await files.load(L.TABLE_XLSX, 2 * (64 * KIB + resultRows * ROW));
    const fmt = formatOf(files);
    if (fmt === null || Files.has_verifier(fmt)) { // older formats: foreign files, never read
      files.budget += VERIFIER_BYTES;
      for (const path of VERIFIER_FILES) { // only hashed (by `files`): their SHA-256 is kept, not their bytes
        if (await files.load(path, FIXED[path]) != null && typeof files.release === "function") await files.release(path);
      }
    }
    if (files.present.has(L.TAIL)) files.budget += TAIL_BYTES; // read later, line by line
    for (const path of present) {
      if (entrySeq(path) !== null) await files.load(path, ENTRY);
      else if (path.startsWith("log/") && path.endsWith(".tlog-proof")) await files.load(path, PROOF);
    }
    files.budget += pool * CODE_LINE;
    for (const s of strata) {
      if (typeof s.id === "string") {
        const cap = count(s.count) * CODE_LINE;
        let plain, packed;
        try { plain = stratumFile(s.id); packed = stratumFile(s.id, true); } catch (e) { continue; } // a lone surrogate
        await files.load(plain, cap);
        await files.load(packed, cap, true); // unpacked later straight from the source (gunzip)
      }
    }
    await files.load(L.SUMS, (files.present.size + 1) * SUM_LINE);
  }

  // -- gunzip: one gzip member (RFC 1952), unpacked by the browser's DecompressionStream ------
  /** The member's ISIZE field (its last 4 bytes: the unpacked size mod 2^32), 0 without them.
   *  Only a hint for the buffer's first size: whoever made the file chose it. */
  function isizeOf(tail) {
    const m = tail.length;
    return m >= 4 ? (tail[m - 4] | (tail[m - 3] << 8) | (tail[m - 2] << 16) | (tail[m - 1] << 24)) >>> 0 : 0;
  }

  /** Decompress one gzip member, refusing (Error) output longer than `limit`, a truncated or
   *  corrupt member, and anything after it (Python's gunzip; the browser's zlib refuses what
   *  Python's does). */
  async function gunzip(data, limit) {
    if (!(data instanceof Uint8Array) || data.length === 0) throw new Error("not one gzip member");
    return unpack([data], limit, data.length, isizeOf(data));
  }

  /** Lets go of the memory of a chunk that was copied and that nothing else holds (the whole
   *  of its own ArrayBuffer): detached by transfer(0), its bytes are freed at once instead of
   *  when the garbage collector gets to them — V8 collects such short-lived buffers late, and
   *  DecompressionStream's 16 KB chunks of a 1,000,000-entity population (18 MB) stayed in the
   *  page's heap long after they were copied. A browser without transfer(): left to the GC. */
  function free(chunk) {
    const buf = chunk.buffer;
    if (typeof buf.transfer === "function" && chunk.byteOffset === 0 && chunk.byteLength === buf.byteLength) buf.transfer(0);
  }

  /** gunzip() of a member given as chunks (an iterable or async iterable of Uint8Array, in
   *  order), `size` bytes in all, `isize` its ISIZE field. Each chunk is handed to the stream
   *  and consumed (the write settled) before the next is asked for, so a reader may hand out
   *  one buffer again and again; `onChunk(chunk)` sees each first (the file's hash). The
   *  stream's 16 KB output chunks are copied into one buffer sized by ISIZE — capped by
   *  `limit` and by deflate's ratio (at most 1032 bytes out per byte in: a larger ISIZE is a lie,
   *  not a reason to ask for memory), grown by doubling when it was too small — and freed at
   *  once (free()), so the codes are parsed in place without a second join. ISIZE decides
   *  nothing else: zlib checks it against the output. An error of the chunks' own source (an RcError) is
   *  thrown as it is. */
  async function unpack(chunks, limit, size, isize, onChunk = null) {
    let out = new Uint8Array(Math.min(isize, limit, 1032 * size));
    let total = 0;
    const ds = new DecompressionStream("gzip");
    const writer = ds.writable.getWriter();
    const reader = ds.readable.getReader();
    let sourceError = null;
    const feeding = (async () => {
      try {
        for await (const chunk of chunks) {
          if (!chunk || !chunk.length) continue;
          if (onChunk) onChunk(chunk);
          await writer.write(chunk);
        }
        await writer.close();
      } catch (e) {
        if (e instanceof Checks.RcError) sourceError = e;
        writer.abort(e).catch(() => {}); // the readable side errors, so the loop below ends
      }
    })();
    try {
      for (;;) {
        let step;
        try { step = await reader.read(); } catch (e) {
          if (sourceError) throw sourceError;
          throw new Error("not one gzip member");
        }
        if (step.done) break;
        const chunk = step.value;
        if (total + chunk.length > limit) {
          reader.cancel().catch(() => {});
          throw new Error("too big");
        }
        if (total + chunk.length > out.length) {
          const grown = new Uint8Array(Math.min(limit, Math.max(2 * out.length, total + chunk.length)));
          grown.set(out.subarray(0, total));
          free(out);
          out = grown;
        }
        out.set(chunk, total);
        total += chunk.length;
        free(chunk);
        await Checks.progress("population", total, isize);
      }
    } finally {
      await feeding; // never throws: the source is let go before we return
    }
    if (sourceError) throw sourceError;
    return total === out.length ? out : out.subarray(0, total);
  }

  return {
    KIB, MIB, MAX_FILES, JSON_DEPTH, CODE_LINE, ROW, XLSX_EXPANSION, FIXED, ADDENDUM, ENTRY, PROOF,
    RESULT_ROW, VOCABULARY, SUM_LINE, TAIL_LINE, TAIL_LINES, TAIL_BYTES, LAYOUT: L, VERIFIER_FILES,
    tail_refusal, BundleFiles, read, gunzip, unpack, isizeOf,
    get sources() { return Sources; }, // defined later (js/sources.js): read when called
    stratum_file: stratumFile, is_addendum_file: isAddendumFile, entry_seq: entrySeq,
    doc_seq: docSeq, is_vocabulary_file: isVocabularyFile, quote, cmpStr, readlines,
  };
})();
