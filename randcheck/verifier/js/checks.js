// Checks: the one named-check type (randcheck/core/checks.py), the report, the error that a
// check function throws to fail with a catalog code, and progress reporting.
//
// A check is the plain object Python's Check.to_json() gives:
//   {name, ok, status: "ok"|"warn"|"unverified"|"fail", code, params}
// so that the browser's report and `randcheck verify --json` compare field for field.
const Checks = (() => {
  const OK = "proto.check_ok";
  const SKIPPED = "proto.check_skipped";
  function make(name, ok, code, params, warn, unverified) {
    const status = unverified ? "unverified" : (!ok ? "fail" : (warn ? "warn" : "ok"));
    return { name, ok: !!ok, status, code, params: params || {} };
  }
  const passed = (name, code = OK, params = {}) => make(name, true, code, params, false, false);
  const warning = (name, code, params = {}) => make(name, true, code, params, true, false);
  const failed = (name, code, params = {}) => make(name, false, code, params, false, false);
  const notVerified = (name, code, params = {}) => make(name, false, code, params, false, true);
  const skipped = (name) => make(name, false, SKIPPED, {}, false, false);

  /** Thrown by check code to fail with a catalog code (Python's RandcheckError). */
  class RcError extends Error {
    constructor(code, params = {}) { super(code); this.code = code; this.params = params; }
  }
  const fromError = (name, err) => failed(name, err.code, err.params || {});

  /** Run `fn` (sync or async) as check `name`: passed when it returns, failed with the
   *  error's code when it throws an RcError, "proto.malformed" for any other error (a signed
   *  but malformed document, like Python's KeyError/TypeError in replay._Run.check). */
  async function run(name, fn) {
    try {
      await fn();
      return passed(name);
    } catch (e) {
      if (e instanceof RcError) return fromError(name, e);
      return failed(name, "proto.malformed", { part: name, detail: (e && e.name) || "Error" });
    }
  }

  /** The report of a list of checks (Python's Report.to_json()). */
  function report(checks) {
    const ok = checks.length > 0 && checks.every((c) => c.ok);
    const failures = checks.filter((c) => !c.ok && c.status !== "unverified");
    const first = failures[0];
    const status = ok ? "ok" : (checks.length && !failures.length ? "unverified" : "fail");
    return { ok, status, checks, first_failure: first ? first.name : null };
  }

  // Progress: long loops call `await Checks.progress(label, done, total)`; it tells the page and
  // yields to the browser at most every 100 ms so that the page stays responsive.
  let listener = null;
  let last = 0;
  function onProgress(fn) { listener = fn; last = 0; }
  async function progress(label, done, total) {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    if (listener) listener(label, done, total);
    await yieldToBrowser();
  }
  // A message to ourselves lets the page repaint without a timer: a background tab's timers
  // are throttled to one a second (or less), which would stall the verification there.
  const channel = typeof MessageChannel === "function" ? new MessageChannel() : null;
  const waiting = [];
  if (channel) {
    channel.port1.onmessage = () => { const r = waiting.shift(); if (r) r(); };
    if (typeof channel.port1.unref === "function") channel.port1.unref(); // Node: do not hold the process open
  }
  function yieldToBrowser() {
    if (!channel) return new Promise((resolve) => setTimeout(resolve, 0));
    return new Promise((resolve) => { waiting.push(resolve); channel.port2.postMessage(0); });
  }
  return { OK, SKIPPED, passed, warning, failed, notVerified, skipped, RcError, fromError, run, report, onProgress, progress };
})();
