// Commit: population and roster commitments (SPEC §3, §7.1) — a port of
// randcheck/core/draw/commit.py and of the population file type of core/draw/codes.py.
//
// THE CONTRACT — a stratum's codes are a CodeList:
//   {n, bytes: Uint8Array, start: Uint32Array(n + 1)}
//   code i = bytes.subarray(start[i], start[i + 1]) (no newline), sorted ascending by bytes,
//   unique, each 1–64 bytes of visible ASCII (checked when made by parse_population_file;
//   never changed afterwards). `bytes` holds the codes back to back, without separators.
// Documents.population returns {stratum id: CodeList}; Select.select_all, Announce.check_disjoint,
// Record.check_population and Replay take them. from_codes() makes one from an array of codes
// (Uint8Array or ASCII strings, already sorted) — for tests and small inputs.
const Commit = (() => {
  const CHUNK = 1024;
  const Err = (code, params) => new Checks.RcError(code, params);
  const NL = 10;

  function code_at(list, i) { return list.bytes.subarray(list.start[i], list.start[i + 1]); }
  /** Code i as a string (codes are ASCII). */
  function code_text(list, i) {
    const b = code_at(list, i); let s = "";
    for (let k = 0; k < b.length; k++) s += String.fromCharCode(b[k]);
    return s;
  }
  /** Byte comparison of code i of `list` with `raw` (<0, 0, >0) without allocating. */
  function compare_at(list, i, raw) {
    const bytes = list.bytes; const s = list.start[i]; const len = list.start[i + 1] - s;
    const n = Math.min(len, raw.length);
    for (let k = 0; k < n; k++) { const d = bytes[s + k] - raw[k]; if (d) return d; }
    return len - raw.length;
  }
  /** Python's bisect.bisect_left over the codes. */
  function bisect_left(list, raw) {
    let lo = 0; let hi = list.n;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (compare_at(list, mid, raw) < 0) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function contains(list, raw) {
    const k = bisect_left(list, raw);
    return k < list.n && compare_at(list, k, raw) === 0;
  }
  const EMPTY = () => ({ n: 0, bytes: new Uint8Array(0), start: new Uint32Array(1) });
  /** A CodeList of codes given in order (not checked: see check_sorted_codes). */
  function from_codes(codes) {
    const raws = codes.map((c) => (typeof c === "string" ? Bytes.utf8(c) : c));
    const start = new Uint32Array(raws.length + 1);
    let total = 0;
    raws.forEach((r, i) => { start[i] = total; total += r.length; });
    start[raws.length] = total;
    const bytes = new Uint8Array(total);
    raws.forEach((r, i) => bytes.set(r, start[i]));
    return { n: raws.length, bytes, start };
  }
  function isCodeList(x) { return x != null && x.start instanceof Uint32Array && x.bytes instanceof Uint8Array; }
  function ascii(raw) { let s = ""; for (const b of raw) s += b < 0x80 ? String.fromCharCode(b) : "\ufffd"; return s; }

  /** Lines [line, …) of `data` from offset `pos` into the CodeList arrays, until offset `stop`;
   *  records the first order error and the first bad code in `st`. Synchronous (one tight loop). */
  function scanLines(data, pos, stop, bytes, start, st) {
    let o = st.o; let line = st.line; let prevS = st.prevS; let prevL = st.prevL;
    while (pos < stop) {
      start[line] = o;
      let bad = false;
      let d = 0; // this code against the previous one: the first differing byte
      let j = 0;
      for (;;) {
        const b = data[pos + j];
        if (b === NL) break;
        if (b < 0x21 || b > 0x7e) bad = true;
        if (d === 0 && j < prevL) d = b - bytes[prevS + j];
        bytes[o++] = b;
        j++;
      }
      if ((bad || j < 1 || j > 64) && st.codeErr < 0) st.codeErr = line;
      if (line > 0 && st.orderErr < 0 && (d < 0 || (d === 0 && j <= prevL))) st.orderErr = line;
      prevS = o - j; prevL = j; pos += j + 1; line++;
    }
    st.o = o; st.line = line; st.prevS = prevS; st.prevL = prevL;
    return pos;
  }

  /** The codes of a population file, checked sorted, unique and well-formed (codes.py's
   *  Codes(data): the order is checked over the whole file first, then each code).
   *  With `in_place` the codes are packed into `data` itself (each code moves left by the
   *  newlines before it, so nothing is overwritten before it is read): the CodeList's `bytes`
   *  is then a view of `data`, whose contents are no longer the file's — for a buffer the
   *  caller owns and needs no more (a file released by the reader, an unpacked .gz). */
  async function parse_population_file(data, stratum = "", in_place = false) {
    const size = data.length;
    if (size && data[size - 1] !== NL) throw Err("proto.population_newline", { stratum });
    let n = 0;
    for (let i = data.indexOf(NL); i >= 0; i = data.indexOf(NL, i + 1)) n++;
    const start = new Uint32Array(n + 1);
    const bytes = in_place ? data.subarray(0, size - n) : new Uint8Array(size - n);
    const st = { o: 0, line: 0, prevS: 0, prevL: 0, orderErr: -1, codeErr: -1 };
    const STEP = 4 << 20; // about 4 MB between progress reports
    let pos = 0;
    while (pos < size) {
      const stop = Math.min(size, pos + STEP);
      pos = scanLines(data, pos, stop, bytes, start, st);
      if (pos < size) await Checks.progress("population", st.line, n);
    }
    start[n] = st.o;
    const list = { n, bytes, start };
    if (st.orderErr >= 0) {
      const prev = code_at(list, st.orderErr - 1); const cur = code_at(list, st.orderErr);
      throw Err(Bytes.equal(prev, cur) ? "proto.duplicate_code" : "proto.unsorted", { stratum, value: ascii(cur) });
    }
    if (st.codeErr >= 0) Spec.check_code(code_at(list, st.codeErr), `population[${stratum}]`);
    return list;
  }

  /** RcError unless `codes` (a CodeList, or an array of Uint8Array) are valid codes in
   *  strictly ascending byte order. A CodeList was checked when made. */
  function check_sorted_codes(codes, stratum = "") {
    if (isCodeList(codes)) return;
    for (let i = 1; i < codes.length; i++) {
      const d = Bytes.compare(codes[i - 1], codes[i]);
      if (d >= 0) throw Err(d === 0 ? "proto.duplicate_code" : "proto.unsorted", { stratum, value: ascii(codes[i]) });
    }
    for (const c of codes) Spec.check_code(c, `population[${stratum}]`);
  }

  /** The published population file: sorted codes, each followed by a newline. */
  function population_file(codes) {
    const list = isCodeList(codes) ? codes : from_codes(codes);
    const out = new Uint8Array(list.bytes.length + list.n);
    let o = 0;
    for (let i = 0; i < list.n; i++) {
      const s = list.start[i]; const e = list.start[i + 1];
      out.set(list.bytes.subarray(s, e), o); o += e - s; out[o++] = NL;
    }
    return out;
  }

  let chunkPrefix = null; // 0x00 || tag("population-chunk")
  function leafPrefix() {
    if (!chunkPrefix) chunkPrefix = Bytes.concat(Uint8Array.of(0), Spec.tag("population-chunk"));
    return chunkPrefix;
  }
  /** The leaf data of one chunk (array of codes): tag("population-chunk") || lines. */
  function chunk_leaf(chunk) {
    const parts = [Spec.tag("population-chunk")];
    for (const c of chunk) parts.push(typeof c === "string" ? Bytes.utf8(c) : c, Uint8Array.of(NL));
    return Bytes.concat(...parts);
  }
  /** 0x00 || chunk_leaf of codes [lo, hi) of a CodeList, written into `buf` (grown as needed). */
  function leafBytes(list, lo, hi, buf) {
    const pre = leafPrefix();
    const need = pre.length + (list.start[hi] - list.start[lo]) + (hi - lo);
    if (!buf || buf.length < need) buf = new Uint8Array(Math.max(need, 2 * ((buf && buf.length) || 0)));
    buf.set(pre, 0);
    let o = pre.length;
    const bytes = list.bytes; const start = list.start;
    for (let i = lo; i < hi; i++) {
      const s = start[i]; const e = start[i + 1];
      for (let k = s; k < e; k++) buf[o++] = bytes[k];
      buf[o++] = NL;
    }
    return [buf, o];
  }

  /** Which SHA-256 hashes the chunk leaves: "noble" (sync, one buffer) or "webcrypto"
   *  (batches of parallel digests). Measured: see the tests' timing of 1,000,000 codes. */
  let mode = "webcrypto";
  function set_hash_mode(m) { mode = m; }

  /** RFC 6962 leaf hashes of the chunks of CHUNK codes (SPEC §3). */
  async function chunk_hashes(codes) {
    const list = isCodeList(codes) ? codes : from_codes(codes);
    const nChunks = Math.ceil(list.n / CHUNK);
    const out = new Array(nChunks);
    const subtle = globalThis.crypto && globalThis.crypto.subtle;
    if (mode === "webcrypto" && subtle) {
      const BATCH = 64;
      // one leaf buffer per job of a batch, reused by the next batch (digest() has copied its
      // input by the time it returns, and the batch has finished anyway): no garbage per chunk
      const bufs = new Array(BATCH).fill(null);
      for (let b = 0; b < nChunks; b += BATCH) {
        const jobs = [];
        for (let k = b; k < Math.min(nChunks, b + BATCH); k++) {
          const [buf, len] = leafBytes(list, k * CHUNK, Math.min(list.n, (k + 1) * CHUNK), bufs[k - b]);
          bufs[k - b] = buf;
          jobs.push(subtle.digest("SHA-256", buf.subarray(0, len)));
        }
        const got = await Promise.all(jobs);
        got.forEach((h, j) => { out[b + j] = new Uint8Array(h); });
        await Checks.progress("population.root", Math.min(list.n, (b + BATCH) * CHUNK), list.n);
      }
      return out;
    }
    let buf = null;
    for (let k = 0; k < nChunks; k++) {
      let len;
      [buf, len] = leafBytes(list, k * CHUNK, Math.min(list.n, (k + 1) * CHUNK), buf);
      out[k] = Hash.sha256(buf.subarray(0, len));
      if ((k & 63) === 63) await Checks.progress("population.root", (k + 1) * CHUNK, list.n);
    }
    return out;
  }

  /** The stratum's Merkle root (hex) over chunk leaves. */
  async function population_root(codes) {
    return Bytes.hex(Merkle.root_from_hashes(await chunk_hashes(codes)));
  }

  /** Proof that `code` is in the stratum: its chunk and the RFC 6962 audit path. */
  async function inclusion_proof(codes, stratum, code) {
    const raw = Spec.check_code(code);
    const list = isCodeList(codes) ? codes : from_codes(codes);
    const pos = bisect_left(list, raw);
    if (pos >= list.n || compare_at(list, pos, raw) !== 0) {
      throw Err("proto.not_in_population", { entity: code, stratum });
    }
    const index = Math.floor(pos / CHUNK);
    const hashes = await chunk_hashes(list);
    const path = Merkle.inclusion_proof(index, hashes);
    const chunk = [];
    for (let i = index * CHUNK; i < Math.min(list.n, (index + 1) * CHUNK); i++) chunk.push(code_text(list, i));
    return { stratum, count: list.n, chunk_index: index, chunk, path: path.map((p) => Bytes.hex(p)) };
  }

  /** Check an inclusion proof against an announced (count, root); RcError on failure. */
  function verify_inclusion(proof, code, count, root) {
    const chunk = proof.chunk.map((c) => Spec.check_code(c, "chunk"));
    const index = proof.chunk_index;
    if (!Json.equal(proof.count, count)) throw Err("proto.proof_count", { count: proof.count, expected: count });
    const nChunks = Math.ceil(count / CHUNK);
    if (!Spec.isInt(index) || !(index >= 0 && index < nChunks)) throw Err("proto.proof_chunk", { index });
    const expectedLen = index < nChunks - 1 ? CHUNK : count - CHUNK * (nChunks - 1);
    if (chunk.length !== expectedLen) throw Err("proto.proof_chunk", { index });
    const raw = Spec.check_code(code);
    let sorted = true;
    for (let i = 1; i < chunk.length; i++) if (Bytes.compare(chunk[i - 1], chunk[i]) >= 0) sorted = false;
    if (!sorted || !chunk.some((c) => Bytes.equal(c, raw))) throw Err("proto.proof_chunk", { index });
    const leaf = Hash.sha256(Bytes.concat(Uint8Array.of(0), chunk_leaf(chunk)));
    const path = proof.path.map((p) => {
      const b = Bytes.fromHex(p);
      if (b === null) { const e = new Error("non-hexadecimal number"); e.name = "ValueError"; throw e; }
      return b;
    });
    Merkle.verify_inclusion(index, nChunks, leaf, path, Spec.check_hex32(root, "root"));
  }

  /** H(tag("roster") || JCS(roster document)) in hex. */
  function roster_digest(rosterDoc) {
    return Bytes.hex(Hash.sha256(Bytes.concat(Spec.tag("roster"), Json.canonical(rosterDoc))));
  }

  return {
    CHUNK, code_at, code_text, compare_at, bisect_left, contains, EMPTY, from_codes, isCodeList,
    parse_population_file, check_sorted_codes, population_file, chunk_leaf, chunk_hashes,
    population_root, inclusion_proof, verify_inclusion, roster_digest, set_hash_mode,
  };
})();
