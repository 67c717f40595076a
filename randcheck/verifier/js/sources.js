// Sources: where a bundle's files come from (randcheck/services/verify/reading.py reads a
// folder; the page also reads a dropped .zip and the bundle's own folder over http(s)). A
// *source* is
//   {name, list() → Promise<Map path → size>, read(path, limit) → Promise<Uint8Array>,
//    stream?(path, reuse) → async iterable of Uint8Array chunks (with `reuse`, one buffer may be
//      handed out again: a chunk is valid until the next is asked for),
//    tail?(path, n) → Promise<Uint8Array>: the file's last n bytes (fewer in a shorter file)}
// read() returns at most limit + 1 bytes, so that a file that grew since it was listed is seen.
// Reading.BundleFiles reads a source within the bundle's bounds (js/reading.js).
const Sources = (() => {
  const { MIB, FIXED, LAYOUT: L, stratum_file: stratumFile } = Reading;
  const err = (code, params) => new Checks.RcError(code, params);
  const isMapping = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  /** The params that name why, for a message with a {reason}: a catalog error nested
   *  (reason_key/reason_params, which the page's t() renders), anything else by its text. */
  const because = (e) => (e instanceof Checks.RcError
    ? { reason_key: e.code, reason_params: e.params || {} }
    : { reason: (e && e.message) || String(e) });

  /** The folder a set of paths sits in, when the bundle is not at its root: the paths minus
   *  one top folder if record.json is not at the root but every path is in one top folder
   *  that has it. */
  function unwrap(paths) {
    if (paths.includes(L.RECORD)) return "";
    const tops = new Set(paths.map((p) => (p.includes("/") ? p.slice(0, p.indexOf("/") + 1) : "")));
    if (tops.size !== 1) return "";
    const top = [...tops][0];
    return top && paths.includes(top + L.RECORD) ? top : "";
  }

  /** A path inside the bundle, or null for one that would leave it. */
  function clean(path) {
    const parts = path.split("/");
    if (!path || path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) return null;
    return path;
  }

  async function readBlob(blob, limit) {
    return new Uint8Array(await blob.slice(0, limit + 1).arrayBuffer());
  }

  function blobChunks(blob) { return blobChunksOf(blob.stream()); }

  const REUSED = 64 * 1024;
  /** The blob's chunks read into one buffer of REUSED bytes, handed out again and again (a
   *  byte stream's BYOB reader): no new memory per chunk. Each chunk is valid until the next is
   *  asked for. A browser whose blob stream is no byte stream: blobChunks. */
  async function* blobChunksReused(blob) {
    const stream = blob.stream();
    let reader;
    try { reader = stream.getReader({ mode: "byob" }); } catch (e) {
      yield* blobChunksOf(stream);
      return;
    }
    let buf = new ArrayBuffer(REUSED);
    let done = false;
    try {
      while (!done) {
        const step = await reader.read(new Uint8Array(buf, 0, REUSED));
        done = step.done;
        if (step.value) buf = step.value.buffer; // the same memory, handed back (transferred)
        if (!done && step.value.length) yield step.value;
      }
    } finally {
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }

  async function* blobChunksOf(stream) {
    const reader = stream.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally { reader.releaseLock(); }
  }

  /** A picked folder (`<input type=file webkitdirectory>`'s FileList) or dropped files: File
   *  objects with webkitRelativePath "<folder>/<path>", or {path, file} pairs whose path
   *  starts with the folder. The picked folder's own name is dropped from every path. */
  function fromFiles(fileList, name = "") {
    const rows = [];
    for (const f of Array.from(fileList)) {
      const file = f instanceof Blob ? f : f.file;
      const full = f instanceof Blob ? (f.webkitRelativePath || f.name) : f.path;
      rows.push([full.replace(/^\/+/, ""), file]);
    }
    // the picked folder: the first component, when every path has one
    let top = "";
    if (rows.length && rows.every(([p]) => p.includes("/"))) {
      const first = rows[0][0].slice(0, rows[0][0].indexOf("/") + 1);
      if (rows.every(([p]) => p.startsWith(first))) top = first;
    }
    let files = new Map();
    for (const [p, file] of rows) {
      const path = clean(p.slice(top.length));
      if (path !== null && !files.has(path)) files.set(path, file);
    }
    const inner = unwrap([...files.keys()]);
    if (inner) {
      const out = new Map();
      for (const [p, file] of files) if (p.startsWith(inner)) out.set(p.slice(inner.length), file);
      files = out;
    }
    const label = name || (top + inner).replace(/\/$/, "") || "";
    return {
      name: label,
      kind: "folder",
      async list() { return new Map([...files].map(([p, f]) => [p, f.size])); },
      async read(path, limit) {
        const f = files.get(path);
        if (!f) throw err("io.cannot_read", { path, reason: "" });
        return readBlob(f, limit);
      },
      stream(path, reuse = false) {
        const f = files.get(path);
        if (!f) throw err("io.cannot_read", { path, reason: "" });
        return reuse ? blobChunksReused(f) : blobChunks(f);
      },
      async tail(path, n) {
        const f = files.get(path);
        if (!f) throw err("io.cannot_read", { path, reason: "" });
        return new Uint8Array(await f.slice(Math.max(0, f.size - n)).arrayBuffer());
      },
    };
  }

  /** A bundle .zip (its bytes): the bundle at the zip's root or in its one top folder. */
  async function fromZip(bytes, name = "") {
    let z;
    try { z = await Zip.open(bytes); } catch (e) {
      throw err("webverify.zip_unreadable", { name, ...because(e) });
    }
    const names = new Map();
    for (const e of z.entries) {
      if (e.isDir || e.name.endsWith("/")) continue;
      const path = e.name.replace(/\\/g, "/");
      if (names.has(path)) throw err("webverify.zip_duplicate", { name, file: path });
      names.set(path, e);
    }
    const inner = unwrap([...names.keys()]);
    const files = new Map();
    for (const [p, e] of names) {
      if (!p.startsWith(inner)) continue;
      const path = clean(p.slice(inner.length));
      if (path !== null) files.set(path, e);
    }
    return {
      name: name || inner.replace(/\/$/, ""),
      kind: "zip",
      async list() { return new Map([...files].map(([p, e]) => [p, e.size])); },
      async read(path, limit) {
        const e = files.get(path);
        if (!e) throw err("io.cannot_read", { path, reason: "" });
        // never unpack past the bound (load() asks only for entries whose stated size is
        // within it): an entry that inflates further, or fails its CRC, cannot be read
        try { return await z.read(e.name, limit); } catch (x) {
          if (x instanceof Checks.RcError && x.code === "io.cannot_read") throw x;
          throw err("io.cannot_read", { path: `${name || "zip"}/${path}`, ...because(x) });
        }
      },
    };
  }

  // -- over http(s): the bundle's own folder -------------------------------------------------
  // A folder cannot be listed over http: the files are SHA256SUMS and its signature and the
  // paths SHA256SUMS lists, each kept when the server answers for it (a good bundle asks for
  // nothing that is not there, so the browser logs no failed request). Without a readable
  // SHA256SUMS, the layout's fixed names, the population files the announcement names and the
  // numbered addenda and results documents are tried instead. An extra file that SHA256SUMS
  // does not list (a file dropped into the folder) cannot be seen this way: Python's `files`
  // check names it as foreign, the page over http cannot; pick the folder or its .zip for that.
  const HTTP_SUMS_CAP = 32 * MIB;
  // a file served without a usable Content-Length is read once while listing, at most this
  // many bytes (its fixed cap when it has one) + 1, and kept for read(): a bigger one is listed
  // with that lower bound as its size (enough to refuse it where its bound is lower) and read
  // again, within its own bound, when it is read
  const HTTP_BODY_CAP = 64 * MIB;
  const FIXED_NAMES = [L.FORMAT_FILE, L.ANNOUNCEMENT, L.RECORD, L.ROSTER, L.INSPECTORS, L.INDEX,
    L.NOTICE, L.RESULTS_CSV, L.RESULTS_XLSX, L.OPERATOR_KEY, L.CHECKPOINT, L.TAIL, L.TAIL_INDEX,
    L.SUMS, L.SUMS_SIG, L.COMMITMENT, L.COMMITMENT_TOKEN, L.TABLE_CSV, L.TABLE_XLSX,
    L.VERIFY_HTML, L.VERIFY_JS];

  /** The folder URL of a page URL (hash and query dropped, up to the last slash). */
  function folderUrl(url) {
    const u = new URL(String(url));
    u.hash = ""; u.search = "";
    u.pathname = u.pathname.replace(/[^/]*$/, "");
    return u.href;
  }

  function fileUrl(base, path) {
    return base + path.split("/").map(encodeURIComponent).join("/");
  }

  async function readResponse(resp, limit) {
    if (!resp.body) return new Uint8Array(await resp.arrayBuffer()).slice(0, limit + 1);
    const reader = resp.body.getReader();
    const parts = [];
    let total = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parts.push(value);
      total += value.length;
      if (total > limit) { reader.cancel().catch(() => {}); break; }
    }
    const all = Bytes.concat(...parts);
    return all.length > limit + 1 ? all.slice(0, limit + 1) : all;
  }

  /** The bundle folder at `baseUrl` (a page URL in it, or the folder's own URL) over http(s). */
  function fromHttp(baseUrl, fetchFn) {
    const doFetch = fetchFn || ((u, o) => fetch(u, o));
    const base = folderUrl(baseUrl);
    // path → the whole file, read while listing (SHA256SUMS, the announcement, a file served
    // without a usable length); handed out once by read() or stream()
    const cache = new Map();
    // no cookies or other credentials: the bundle is public, and nothing is kept from a visit
    const opts = { cache: "no-store", credentials: "omit", redirect: "error" };

    /** The size of `path` when the server has it; null when it does not answer 200. */
    async function size(path) {
      let resp;
      try { resp = await doFetch(fileUrl(base, path), { ...opts, method: "HEAD" }); } catch (e) { return null; }
      if (!resp.ok) return null;
      const len = resp.headers.get("content-length");
      const enc = resp.headers.get("content-encoding");
      if (len !== null && /^[0-9]+$/.test(len) && (!enc || enc === "identity")) return Number(len);
      // no usable length (compressed or chunked): read the body once, up to the cap + 1
      const cap = Object.prototype.hasOwnProperty.call(FIXED, path) ? FIXED[path] : HTTP_BODY_CAP;
      try {
        const r = await doFetch(fileUrl(base, path), { ...opts, method: "GET" });
        if (!r.ok) return null;
        const data = await readResponse(r, cap);
        if (data.length <= cap) cache.set(path, data); // the whole file
        return data.length;
      } catch (e) { return null; }
    }

    async function get(path, limit) {
      const resp = await doFetch(fileUrl(base, path), { ...opts, method: "GET" });
      if (!resp.ok) throw err("io.cannot_read", { path: fileUrl(base, path), reason: `HTTP ${resp.status}` });
      return readResponse(resp, limit);
    }

    async function sizes(paths, out) {
      const todo = paths.filter((p) => !out.has(p));
      let next = 0;
      async function worker() {
        while (next < todo.length) {
          const p = todo[next++];
          const n = await size(p);
          if (n !== null) out.set(p, n);
        }
      }
      await Promise.all(Array.from({ length: Math.min(8, todo.length) }, worker));
    }

    /** Probe name(1), name(2), … while the server has them. */
    async function probe(name, out) {
      for (let i = 1; i <= 9999; i++) {
        const p = name(i);
        if (out.has(p)) continue;
        const n = await size(p);
        if (n === null) return;
        out.set(p, n);
      }
    }

    return {
      name: base,
      kind: "http",
      base,
      async list() {
        const found = new Map();
        await sizes([L.SUMS, L.SUMS_SIG], found);
        let listed = null;
        if (found.has(L.SUMS) && found.get(L.SUMS) <= HTTP_SUMS_CAP) {
          const raw = cache.has(L.SUMS) ? cache.get(L.SUMS) : await get(L.SUMS, HTTP_SUMS_CAP);
          if (raw.length <= HTTP_SUMS_CAP) {
            cache.set(L.SUMS, raw);
            // as the `files` check reads it (Files.parse_sums); a malformed one lists nothing
            // (that check fails on it) and the layout's names are tried instead
            let sums = null;
            try { sums = Files.parse_sums(raw); } catch (e) { sums = null; }
            if (sums !== null) listed = [...sums.keys()].filter((p) => clean(p) !== null);
          }
        }
        if (listed !== null && listed.length) {
          await sizes(listed, found);
          return found;
        }
        // no list to go by: try the names a bundle may have
        await sizes(FIXED_NAMES, found);
        const names = [];
        if (found.has(L.ANNOUNCEMENT) && found.get(L.ANNOUNCEMENT) <= FIXED[L.ANNOUNCEMENT]) {
          const raw = cache.has(L.ANNOUNCEMENT) ? cache.get(L.ANNOUNCEMENT) : await get(L.ANNOUNCEMENT, FIXED[L.ANNOUNCEMENT]);
          cache.set(L.ANNOUNCEMENT, raw);
          let body = null;
          try { body = Documents.soft_body(raw); } catch (e) { body = null; }
          const strata = body && Array.isArray(body.strata) ? body.strata : [];
          for (const s of strata) {
            if (isMapping(s) && typeof s.id === "string") {
              try { names.push(stratumFile(s.id), stratumFile(s.id, true)); } catch (e) { /* lone surrogate */ }
            }
          }
        }
        await sizes(names, found);
        await probe((i) => `addenda/${String(i).padStart(4, "0")}.json`, found);
        await probe((i) => `results/${String(i).padStart(4, "0")}.json`, found);
        return found;
      },
      async read(path, limit) {
        if (cache.has(path)) {
          const raw = cache.get(path);
          cache.delete(path);
          return raw.length > limit + 1 ? raw.slice(0, limit + 1) : raw;
        }
        return get(path, limit);
      },
      async stream(path) {
        if (cache.has(path)) {
          const raw = cache.get(path);
          cache.delete(path);
          return (async function* () { yield raw; })();
        }
        const resp = await doFetch(fileUrl(base, path), { ...opts, method: "GET" });
        if (!resp.ok) throw err("io.cannot_read", { path: fileUrl(base, path), reason: `HTTP ${resp.status}` });
        const reader = resp.body.getReader();
        return (async function* () {
          try {
            for (;;) { const { value, done } = await reader.read(); if (done) return; yield value; }
          } finally { reader.cancel().catch(() => {}); }
        })();
      },
    };
  }

  return { fromFiles, fromZip, fromHttp, folderUrl };
})();
