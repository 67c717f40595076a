// Ui: the verifier's page (issue #11 points 2, 4, 6), its DOM; the words are Uitext's
// (uitext.js), from CATALOG, Chinese first, English by the switch. Over http(s) it verifies
// the bundle folder it sits in; opened from disk (or as the standalone page) the reader picks
// the folder or picks/drops its .zip. The office key never comes from the bundle on trust:
// it is pasted, picked, or given as `#key=<K>`; `#verify&key=<K>` runs on load over http(s).
// A key given only in the address is the sender's word, not the reader's: whoever forged a
// bundle can send a link with their own key, so the page names such a key by its id and says
// it is the office's only if that id is the one the office publishes (no green "matches").
// The outcome is in the DOM:
// #verify-status[data-verify-status] = pass | fail | incomplete (running while it runs), and
// one [data-check][data-status][data-code] element per check.
// Texts are set with textContent only; no inline handlers, no dates, no random ids.
const Ui = (() => {
  // the words (uitext.js); the page's language lives there too
  const { t, has, what, reason, entityLines, problemOf, summary } = Uitext;

  // -- keys --------------------------------------------------------------------------------

  /** Keys from a text (Keys.parseTrusted): the whole text as one key (a key file), else one
   *  key per line. Throws RcError. */
  function parseKeys(text) {
    const trimmed = text.trim();
    if (!trimmed) return [];
    try { return [Keys.parseTrusted(trimmed)]; } catch (whole) {
      const lines = trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
      if (lines.length < 2) throw whole;
      return lines.map((l) => Keys.parseTrusted(l));
    }
  }


  // -- state -------------------------------------------------------------------------------

  const state = {
    source: null, // a Reading source
    sourceError: null,
    ownKeyId: undefined, // undefined: not read yet; null: none readable
    hashKeys: [], // texts from #key=
    hashWitnesses: [],
    keyFiles: [], // texts of picked key files
    witnessFiles: [],
    report: null,
    reportAddressOnly: [], // ids of the report's trusted keys that came only from the address
    error: null,
    running: false,
    progress: null, // [label, done, total]
    runId: 0,
  };
  const el = {};

  function h(tag, attrs = {}, children = []) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") e.textContent = v;
      else if (k === "t") { e.dataset.t = v; e.textContent = t(v); }
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c) e.appendChild(c);
    return e;
  }

  function isHttp() { return typeof location !== "undefined" && /^https?:$/.test(location.protocol); }

  /** #verify&key=K&witness=W&entity=C&lang=en → {verify, keys, witnesses, entity, lang}.
   *  Only `verify` or `verify=1` asks to verify on load (`verify=0` does not). */
  function parseHash(hash) {
    const out = { verify: false, keys: [], witnesses: [], entity: null, lang: null };
    for (const part of String(hash || "").replace(/^#/, "").split("&")) {
      if (!part) continue;
      const i = part.indexOf("=");
      const k = i < 0 ? part : part.slice(0, i);
      let v = i < 0 ? "" : part.slice(i + 1);
      try { v = decodeURIComponent(v); } catch (e) { /* keep it raw */ }
      if (k === "verify") out.verify = i < 0 || v === "1";
      else if (k === "key") out.keys.push(v);
      else if (k === "witness") out.witnesses.push(v);
      else if (k === "entity") out.entity = v;
      else if (k === "lang" && (v === "zh" || v === "en")) out.lang = v;
    }
    return out;
  }

  // -- building the page -----------------------------------------------------------------------

  function build(root) {
    root.textContent = "";
    el.lang = h("button", { type: "button", id: "rc-lang", t: "webverify.lang_switch" });
    const header = h("header", {}, [h("h1", { t: "webverify.title" }), el.lang]);
    const intro = h("p", { t: "webverify.intro" });

    // 1. the bundle
    el.httpNote = h("p", { id: "rc-http-note" });
    el.httpRun = h("button", { type: "button", id: "rc-http-run", t: "webverify.source.http_button" });
    el.httpLimits = h("p", { class: "rc-note", t: "webverify.source.http_limits" });
    el.httpBox = h("div", { id: "rc-http", hidden: !isHttp() }, [el.httpNote, el.httpRun, el.httpLimits]);
    el.folder = h("input", { type: "file", id: "rc-folder", webkitdirectory: true, directory: true, multiple: true });
    el.zip = h("input", { type: "file", id: "rc-zip", accept: ".zip,application/zip" });
    el.drop = h("div", { id: "rc-drop", class: "rc-drop", t: "webverify.source.drop" });
    const pick = h("div", { id: "rc-pick" }, [
      h("p", { class: "rc-note", t: "webverify.source.file_note" }),
      h("label", { class: "rc-file" }, [h("span", { t: "webverify.source.pick_folder" }), el.folder]),
      h("label", { class: "rc-file" }, [h("span", { t: "webverify.source.pick_zip" }), el.zip]),
      el.drop,
    ]);
    el.chosen = h("p", { id: "rc-chosen" });
    const s1 = h("section", { id: "rc-source" }, [h("h2", { t: "webverify.source.heading" }), el.httpBox, pick, el.chosen]);

    // 2. the keys
    el.ownKey = h("p", { id: "rc-own-key" });
    el.key = h("textarea", { id: "rc-key", rows: "3", spellcheck: "false", autocomplete: "off" });
    el.keyFile = h("input", { type: "file", id: "rc-key-file", multiple: true });
    el.keyInfo = h("div", { id: "rc-key-info", "aria-live": "polite" });
    el.witness = h("textarea", { id: "rc-witness", rows: "2", spellcheck: "false", autocomplete: "off" });
    el.witnessFile = h("input", { type: "file", id: "rc-witness-file", multiple: true });
    el.witnessInfo = h("div", { id: "rc-witness-info" });
    const s2 = h("section", { id: "rc-keys" }, [
      h("h2", { t: "webverify.key.heading" }),
      h("p", { t: "webverify.key.explain" }),
      el.ownKey,
      h("label", { for: "rc-key", t: "webverify.key.paste" }), el.key,
      h("label", { class: "rc-file" }, [h("span", { t: "webverify.key.file" }), el.keyFile]),
      el.keyInfo,
      h("label", { for: "rc-witness", t: "webverify.witness.label" }), el.witness,
      h("label", { class: "rc-file" }, [h("span", { t: "webverify.witness.file" }), el.witnessFile]),
      el.witnessInfo,
    ]);

    // 3. the entity
    el.entity = h("input", { type: "text", id: "rc-entity", autocomplete: "off", spellcheck: "false", inputmode: "text" });
    el.entityRun = h("button", { type: "button", id: "rc-entity-run", t: "webverify.entity.button" });
    const s3 = h("section", { id: "rc-entity-box" }, [
      h("h2", { t: "webverify.entity.heading" }),
      h("label", { for: "rc-entity", t: "webverify.entity.label" }),
      h("div", { class: "rc-row" }, [el.entity, el.entityRun]),
    ]);

    el.run = h("button", { type: "button", id: "rc-run", class: "rc-primary", t: "webverify.run" });
    el.progressBar = h("progress", { id: "rc-progress-bar", max: "1" });
    el.progressText = h("span", { id: "rc-progress-text" });
    el.progress = h("div", { id: "rc-progress", hidden: true, "aria-live": "polite" }, [el.progressBar, el.progressText]);
    el.status = h("div", { id: "verify-status", "data-verify-status": "", role: "status" });
    el.summary = h("p", { id: "rc-summary" });
    el.task = h("p", { id: "rc-task" });
    el.entityOut = h("div", { id: "rc-entity-out" });
    el.checks = h("ol", { id: "rc-checks" });
    el.checksHeading = h("h2", { t: "webverify.checks.heading", hidden: true });
    const out = h("section", { id: "rc-outcome" }, [el.run, el.progress, el.status, el.task, el.entityOut, el.checksHeading, el.checks]);
    el.status.appendChild(el.summary);
    const foot = h("footer", { id: "rc-version" });
    root.append(header, intro, s1, s2, s3, out, foot);
    el.foot = foot;
  }

  function relabel() {
    document.documentElement.lang = Uitext.lang === "zh" ? "zh-CN" : "en";
    document.title = t("webverify.title") + " · randcheck";
    for (const e of document.querySelectorAll("[data-t]")) e.textContent = t(e.dataset.t);
    el.foot.textContent = t("webverify.version", { version: VERSION });
    if (isHttp()) el.httpNote.textContent = t("webverify.source.http", { url: Reading.sources.folderUrl(location.href) });
    el.chosen.textContent = state.source ? t("webverify.source.chosen", { name: state.source.name || "" }) : t("webverify.source.none");
    renderOwnKey();
    renderKeys();
    renderOutcome();
  }

  function renderOwnKey() {
    if (state.ownKeyId === undefined) { el.ownKey.textContent = ""; return; }
    el.ownKey.textContent = state.ownKeyId ? t("webverify.key.bundle_id", { key_id: state.ownKeyId }) : t("webverify.key.bundle_none");
  }

  // where a key came from, the reader's own sources first: a key both pasted and in the
  // address is the reader's
  const SOURCES = ["pasted", "file", "address"];

  /** The keys given: [{raw, id, source}] (source: pasted | file | address, the reader's own
   *  when a key came from several), and the problems met, per source. `given`: [source,
   *  label, text] rows. */
  function gatherKeys(given) {
    const byId = new Map(), problems = [];
    for (const [source, label, text] of given) {
      let raws;
      try { raws = parseKeys(text); } catch (e) { problems.push([label, problemOf(e)]); continue; }
      for (const raw of raws) {
        const id = Hash.keyId(raw);
        const had = byId.get(id);
        if (!had) byId.set(id, { raw, id, source });
        else if (SOURCES.indexOf(source) < SOURCES.indexOf(had.source)) had.source = source;
      }
    }
    return { keys: [...byId.values()], problems };
  }

  function officeKeys() {
    return gatherKeys([
      ...state.hashKeys.map((k) => ["address", t("webverify.key.from_url"), k]),
      ["pasted", t("webverify.key.from_text"), el.key.value],
      ...state.keyFiles.map(([name, text]) => ["file", name, text]),
    ]);
  }

  function witnessKeys() {
    return gatherKeys([
      ...state.hashWitnesses.map((k) => ["address", t("webverify.key.from_url"), k]),
      ["pasted", t("webverify.key.from_text"), el.witness.value],
      ...state.witnessFiles.map(([name, text]) => ["file", name, text]),
    ]);
  }

  function renderKeys() {
    const { keys, problems } = officeKeys();
    el.keyInfo.textContent = "";
    for (const k of keys) {
      const address = k.source === "address";
      const line = h("p", { class: "rc-key", "data-key-id": k.id, "data-key-source": k.source,
        text: t(address ? "webverify.key.given_address" : "webverify.key.given", { key_id: k.id }) });
      if (state.ownKeyId) {
        const same = state.ownKeyId === k.id;
        // the folder's own key matching a key from the address proves nothing: not green
        const [cls, key] = !same ? ["rc-differs", "webverify.key.differs"]
          : address ? ["rc-same-address", "webverify.key.matches_address"] : ["rc-same", "webverify.key.matches"];
        line.appendChild(h("span", { class: cls, text: " — " + t(key) }));
      }
      el.keyInfo.appendChild(line);
    }
    for (const [label, problem] of problems) {
      el.keyInfo.appendChild(h("p", { class: "rc-bad", text: t("webverify.key.bad", { source: label, problem }) }));
    }
    const w = witnessKeys();
    el.witnessInfo.textContent = "";
    if (w.keys.length) el.witnessInfo.appendChild(h("p", { text: t("webverify.witness.given", { count: w.keys.length }) }));
    for (const [label, problem] of w.problems) {
      el.witnessInfo.appendChild(h("p", { class: "rc-bad", text: t("webverify.key.bad", { source: label, problem }) }));
    }
  }

  /** pass | fail | incomplete of a report (Python's exit codes 0, 1, 4). */
  function outcome(report) {
    if (report.ok) return "pass";
    return report.status === "fail" ? "fail" : "incomplete";
  }

  function renderOutcome() {
    const r = state.report;
    el.checks.textContent = "";
    el.entityOut.textContent = "";
    el.task.textContent = "";
    el.checksHeading.hidden = !r;
    if (state.running) {
      el.status.dataset.verifyStatus = "running";
      el.summary.textContent = t("webverify.status.running");
      return;
    }
    if (state.error) {
      el.status.dataset.verifyStatus = "fail";
      el.status.dataset.errorCode = state.error.code || "error";
      el.summary.textContent = t("webverify.status.error", { reason: problemOf(state.error) });
      return;
    }
    delete el.status.dataset.errorCode;
    if (!r) {
      el.status.dataset.verifyStatus = "";
      el.summary.textContent = t("webverify.status.idle");
      return;
    }
    const status = outcome(r);
    el.status.dataset.verifyStatus = status;
    el.summary.textContent = summary(r, status, state.reportAddressOnly);
    el.task.textContent = t("webverify.report.task", { task: r.task_id || "?", record: r.record_digest || "?", code: r.verification_code || "?" });
    for (const c of r.checks) {
      const mark = c.status === "ok" ? t("verify.pass") : c.status === "warn" ? t("webverify.check.warn")
        : c.status === "unverified" ? t("verify.unverified") : t("verify.fail");
      el.checks.appendChild(h("li", { class: `rc-check rc-${c.status}`, "data-check": c.name, "data-status": c.status, "data-code": c.code }, [
        h("div", { class: "rc-head" }, [
          h("span", { class: "rc-mark", text: mark }),
          h("span", { class: "rc-what", text: what(c.name) }),
          h("code", { class: "rc-name", text: c.name }),
        ]),
        h("p", { class: "rc-reason", text: reason(c) }),
      ]));
    }
    if (r.entity) {
      el.entityOut.appendChild(h("h3", { text: t("verify.entity.title", { code: r.entity.code }) }));
      const ul = h("ul", { class: "rc-entity-lines", "data-in-pool": r.entity.in_pool ? "true" : "false" });
      for (const line of entityLines(r.entity)) ul.appendChild(h("li", { text: line }));
      el.entityOut.appendChild(ul);
    }
  }


  function renderProgress() {
    const p = state.progress;
    el.progress.hidden = !state.running;
    if (!state.running) return;
    if (!p) {
      el.progressBar.removeAttribute("value");
      el.progressText.textContent = t("webverify.progress.checking");
      return;
    }
    const [label, done, total] = p;
    const name = typeof label === "string" && has(label) ? t(label) : String(label);
    if (total > 0) { el.progressBar.max = total; el.progressBar.value = Math.min(done, total); }
    else el.progressBar.removeAttribute("value");
    el.progressText.textContent = t("webverify.progress", { label: name, done, total });
  }

  // -- actions ---------------------------------------------------------------------------------

  async function readOwnKey(source) {
    try {
      const raw = await source.read("keys/operator.pub", Reading.FIXED["keys/operator.pub"]);
      if (raw.length > Reading.FIXED["keys/operator.pub"]) return null;
      const pub = Keys.parsePublicText(Bytes.text(raw));
      return pub ? Hash.keyId(pub) : null;
    } catch (e) { return null; }
  }

  async function choose(source) {
    state.source = source;
    state.report = null;
    state.error = null;
    state.ownKeyId = undefined;
    relabel();
    state.ownKeyId = await readOwnKey(source);
    if (state.source === source) { renderOwnKey(); renderKeys(); }
    await run();
  }

  async function run() {
    if (!state.source) { relabel(); return; }
    const id = ++state.runId;
    state.running = true;
    state.error = null;
    state.report = null;
    state.progress = null;
    renderOutcome();
    renderProgress();
    Checks.onProgress((label, done, total) => {
      if (id !== state.runId) return;
      state.progress = [label, done, total];
      renderProgress();
    });
    let report = null, error = null, addressOnly = [];
    try {
      const office = officeKeys();
      addressOnly = office.keys.filter((k) => k.source === "address").map((k) => k.id);
      const witnesses = witnessKeys();
      const entity = el.entity.value.trim();
      report = await Verify.verify(state.source, {
        keys: office.keys.map((k) => k.raw),
        witnessKeys: witnesses.keys.map((k) => k.raw),
        entity: entity ? entity : null,
        verifyBls: true,
      });
    } catch (e) {
      error = e;
      if (!(e instanceof Checks.RcError)) console.warn("randcheck verifier:", e); // a bug, not the bundle
    }
    if (id !== state.runId) return; // a later run (or an edited key) took over
    state.running = false;
    state.report = report;
    state.reportAddressOnly = addressOnly;
    state.error = error;
    renderOutcome();
    renderProgress();
  }

  async function readTexts(fileList) {
    const out = [];
    for (const f of Array.from(fileList || [])) {
      if (f.size > 64 * 1024) { out.push([f.name, ""]); continue; }
      let text;
      try { text = Bytes.text(new Uint8Array(await f.arrayBuffer())); } catch (e) { text = ""; }
      out.push([f.name, text]);
    }
    return out;
  }

  /** The files of a dropped folder: [{path, file}] from its entries (webkitGetAsEntry). */
  async function walkEntries(entries) {
    const out = [];
    const fileOf = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));
    const readAll = async (dir) => {
      const reader = dir.createReader();
      const all = [];
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) return all;
        all.push(...batch);
        if (out.length + all.length > Reading.MAX_FILES + 1) return all;
      }
    };
    const stack = [...entries];
    while (stack.length) {
      const entry = stack.shift();
      if (!entry) continue;
      if (entry.isFile) out.push({ path: entry.fullPath.replace(/^\/+/, ""), file: await fileOf(entry) });
      else if (entry.isDirectory) stack.push(...await readAll(entry));
      if (out.length > Reading.MAX_FILES + 1) break;
    }
    return out;
  }

  async function onDrop(ev) {
    ev.preventDefault();
    el.drop.classList.remove("rc-over");
    const dt = ev.dataTransfer;
    if (!dt) return;
    const items = Array.from(dt.items || []);
    const entries = items.map((it) => (it.webkitGetAsEntry ? it.webkitGetAsEntry() : null)).filter(Boolean);
    const files = Array.from(dt.files || []);
    try {
      if (entries.length === 1 && entries[0].isFile && /\.zip$/i.test(entries[0].name)) {
        await openZip(files[0]);
      } else if (entries.length) {
        await choose(Reading.sources.fromFiles(await walkEntries(entries)));
      } else if (files.length === 1 && /\.zip$/i.test(files[0].name)) {
        await openZip(files[0]);
      } else if (files.length) {
        await choose(Reading.sources.fromFiles(files));
      }
    } catch (e) { fail(e); }
  }

  async function openZip(file) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    await choose(await Reading.sources.fromZip(bytes, file.name));
  }

  /** The keys, witnesses or entity changed: the outcome on screen (or a run under way) was
   *  for the old ones, so it goes; the reader verifies again. */
  function clearOutcome() {
    state.runId += 1; // a run under way no longer reports
    state.running = false;
    state.report = null;
    state.reportAddressOnly = [];
    state.error = null;
    state.progress = null;
    renderOutcome();
    renderProgress();
  }

  function fail(e) {
    state.running = false;
    state.report = null;
    state.error = e;
    renderOutcome();
    renderProgress();
  }

  function wire() {
    el.lang.addEventListener("click", () => { Uitext.setLang(Uitext.lang === "zh" ? "en" : "zh"); relabel(); renderProgress(); });
    el.httpRun.addEventListener("click", () => { choose(Reading.sources.fromHttp(location.href)).catch(fail); });
    el.folder.addEventListener("change", () => {
      if (el.folder.files && el.folder.files.length) choose(Reading.sources.fromFiles(el.folder.files)).catch(fail);
    });
    el.zip.addEventListener("change", () => {
      if (el.zip.files && el.zip.files[0]) openZip(el.zip.files[0]).catch(fail);
    });
    el.drop.addEventListener("dragover", (ev) => { ev.preventDefault(); el.drop.classList.add("rc-over"); });
    el.drop.addEventListener("dragleave", () => el.drop.classList.remove("rc-over"));
    el.drop.addEventListener("drop", (ev) => { onDrop(ev).catch(fail); });
    // a drop outside the box must not make the browser open the file instead of the page
    document.addEventListener("dragover", (ev) => ev.preventDefault());
    document.addEventListener("drop", (ev) => { if (!el.drop.contains(ev.target)) onDrop(ev).catch(fail); });
    el.key.addEventListener("input", () => { clearOutcome(); renderKeys(); });
    el.witness.addEventListener("input", () => { clearOutcome(); renderKeys(); });
    el.entity.addEventListener("input", clearOutcome);
    el.keyFile.addEventListener("change", async () => { clearOutcome(); state.keyFiles = await readTexts(el.keyFile.files); renderKeys(); });
    el.witnessFile.addEventListener("change", async () => { clearOutcome(); state.witnessFiles = await readTexts(el.witnessFile.files); renderKeys(); });
    el.run.addEventListener("click", () => { run().catch(fail); });
    el.entityRun.addEventListener("click", () => { run().catch(fail); });
    el.entity.addEventListener("keydown", (ev) => { if (ev.key === "Enter") run().catch(fail); });
    window.addEventListener("hashchange", () => fromHash(false));
  }

  function fromHash(first) {
    const p = parseHash(location.hash);
    const before = JSON.stringify([state.hashKeys, state.hashWitnesses, el.entity.value]);
    state.hashKeys = p.keys;
    state.hashWitnesses = p.witnesses;
    if (p.lang) Uitext.setLang(p.lang);
    if (p.entity !== null) el.entity.value = p.entity;
    if (!first && JSON.stringify([state.hashKeys, state.hashWitnesses, el.entity.value]) !== before) clearOutcome();
    relabel();
    if (p.verify && isHttp() && (first || !state.running)) {
      choose(Reading.sources.fromHttp(location.href)).catch(fail);
    }
  }

  function boot() {
    const root = document.getElementById("rc-verifier");
    if (!root) return;
    build(root);
    wire();
    fromHash(true);
  }

  /** Show a report (or an error) as a run would: for tests and for callers that verified by
   *  themselves (RandcheckVerifier.verify); `addressOnly`: the ids of its trusted keys that
   *  came only from the address. */
  function show(report, error = null, addressOnly = []) {
    state.runId += 1;
    state.running = false;
    state.report = report;
    state.reportAddressOnly = addressOnly;
    state.error = error;
    renderOutcome();
    renderProgress();
  }

  return { boot, parseHash, outcome, state, choose, run, show,
    setLang(l) { Uitext.setLang(l); if (el.lang) relabel(); }, get lang() { return Uitext.lang; } };
})();
