// Files: the `format`, `files` and `files.signature` checks (randcheck/services/verify/files.py)
// and the parts of randcheck/bundle/layout.py they use: bundle.json (read_format), SHA256SUMS
// (parse_sums) and what SHA256SUMS.sig signs (sums_signing_input).
const Files = (() => {
  const FORMAT_V1 = "randcheck/bundle/v1";
  const FORMAT_V2 = "randcheck/bundle/v2";
  const FORMAT_V3 = "randcheck/bundle/v3";
  // adds the browser verifier (verify.html, verify.js): files like the pages, hashed by `files`
  const FORMAT_V4 = "randcheck/bundle/v4";
  const FORMAT = FORMAT_V4; // what `randcheck publish` writes
  const FORMATS = [FORMAT_V1, FORMAT_V2, FORMAT_V3, FORMAT_V4];
  /** Whether verify.html and verify.js are files of the layout in format `fmt` (v4 on). */
  const has_verifier = (fmt) => ![FORMAT_V1, FORMAT_V2, FORMAT_V3].includes(fmt);
  const { FORMAT_FILE, SUMS, SUMS_SIG, VERIFY_HTML, VERIFY_JS } = Reading.LAYOUT;
  const { VERIFIER_FILES } = Reading;
  // layout._SUM_LINE with Python's \S and "." (anything but a newline)
  const SUM_LINE = new RegExp(`^([0-9a-f]{64}) {2}([^${Spec.PY_WS}](?:[^\\n]*[^${Spec.PY_WS}])?)$`, "u");

  /** The bytes of bundle.json: {"format":"…"} + newline (canonical JSON of one string). */
  function format_document(fmt = FORMAT) { return Bytes.utf8(JSON.stringify({ format: fmt }) + "\n"); }

  /** The bundle's format from its bundle.json (absent: v1); throws verify.format_unknown unless
   *  it is exactly the format document of a known version (which is what layout.read_format's
   *  parse-then-compare comes to). */
  function read_format(data) {
    if (data == null) return FORMAT_V1;
    for (const fmt of FORMATS.slice(1)) if (Bytes.equal(format_document(fmt), data)) return fmt;
    throw new Checks.RcError("verify.format_unknown", { file: FORMAT_FILE });
  }

  /** {path: hex digest} from SHA256SUMS; throws verify.sums_malformed {line}. */
  function parse_sums(raw) {
    let lines;
    try { lines = Bytes.text(raw).split("\n"); } catch (e) { throw new Checks.RcError("verify.sums_malformed", { line: 1 }); }
    if (lines[lines.length - 1] !== "") throw new Checks.RcError("verify.sums_malformed", { line: lines.length });
    const listed = new Map();
    for (let n = 1; n < lines.length; n++) {
      const m = SUM_LINE.exec(lines[n - 1]);
      if (!m) throw new Checks.RcError("verify.sums_malformed", { line: n });
      const path = m[2];
      if (path.startsWith("/") || path.split("/").includes("..") || listed.has(path)) throw new Checks.RcError("verify.sums_malformed", { line: n });
      listed.set(path, m[1]);
    }
    return listed;
  }
  /** What SHA256SUMS.sig signs: tag("bundle-sums") || lp(SHA256SUMS bytes). */
  function sums_signing_input(sums) { return Bytes.concat(Spec.tag("bundle-sums"), Spec.lp(sums)); }

  /** [format, the `format` check]. An unreadable format document is checked by the strictest
   *  rules, those of the newest format. */
  function format_check(found) {
    if (found.oversize.has(FORMAT_FILE)) return [FORMAT, found.absent("format", FORMAT_FILE)];
    let fmt;
    try {
      fmt = read_format(found.get(FORMAT_FILE));
    } catch (e) {
      if (e instanceof Checks.RcError) return [FORMAT, Checks.fromError("format", e)];
      throw e;
    }
    return [fmt, Checks.passed("format", "verify.format_ok", { format: fmt })];
  }

  /** Python's sorted() of str: by code point. */
  function pySorted(items) {
    return Array.from(items).sort((a, b) => {
      const x = Array.from(a), y = Array.from(b);
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
      return x.length - y.length;
    });
  }

  /** Every file listed in SHA256SUMS is present with that hash, and nothing else is there. A
   *  listed file the reader did not read is no file of the layout (verify.file_foreign): so are
   *  verify.html and verify.js before format v4 (found.sha256 gives null for them). */
  async function files_check(found) {
    const raw = found.get(SUMS);
    if (raw == null) return found.absent("files", SUMS);
    let listed;
    try {
      listed = parse_sums(raw);
    } catch (e) {
      if (e instanceof Checks.RcError) return Checks.fromError("files", e);
      throw e;
    }
    for (const path of pySorted(listed.keys())) {
      if (!found.present.has(path)) return Checks.failed("files", "verify.file_missing", { file: path });
      const digest = await found.sha256(path);
      if (digest == null) { // a symlink, a file over its bound, or no file of a bundle
        if (found.oversize.has(path)) return found.absent("files", path);
        return Checks.failed("files", "verify.file_foreign", { file: path });
      }
      if (digest !== listed.get(path)) return Checks.failed("files", "verify.file_changed", { file: path });
    }
    const extra = pySorted(Array.from(found.present.keys()).filter((p) => !listed.has(p) && p !== SUMS && p !== SUMS_SIG));
    if (extra.length) return Checks.failed("files", "verify.file_unlisted", { file: extra[0], count: extra.length });
    return Checks.passed("files", "verify.files_ok", { count: listed.size });
  }

  /** Python's bytes.fromhex(): pairs of hex digits, ASCII whitespace allowed between them. */
  function fromhex(s) {
    const out = [];
    let i = 0;
    while (i < s.length) {
      if (" \t\n\r\x0b\x0c".includes(s[i])) { i++; continue; }
      const pair = s.slice(i, i + 2);
      if (!/^[0-9a-fA-F]{2}$/.test(pair)) return null;
      out.push(parseInt(pair, 16));
      i += 2;
    }
    return new Uint8Array(out);
  }

  /** SHA256SUMS.sig verifies under a trusted key. */
  async function sums_signature(found, keys) {
    const raw = found.get(SUMS_SIG);
    const sums = found.get(SUMS);
    if (raw == null || sums == null) return found.absent("files.signature", raw == null ? SUMS_SIG : SUMS);
    let keyid, sig;
    try {
      let end = raw.length;
      while (end > 0 && raw[end - 1] === 0x0a) end--;
      const doc = Json.parse(raw.subarray(0, end));
      if (!Json.isObject(doc)) throw new Error("shape");
      const ks = Object.keys(doc);
      if (ks.length !== 2 || !ks.includes("keyid") || !ks.includes("sig")) throw new Error("shape");
      keyid = Spec.pyStr(doc.keyid);
      sig = fromhex(Spec.pyStr(doc.sig));
      if (sig === null) throw new Error("hex");
    } catch (e) {
      return Checks.failed("files.signature", "verify.sums_sig_malformed");
    }
    const pub = Object.prototype.hasOwnProperty.call(keys, keyid) ? keys[keyid] : undefined;
    if (pub === undefined) return Checks.failed("files.signature", "verify.sums_untrusted", { key_id: keyid.slice(0, 16) });
    if (!(await Hash.ed25519Verify(pub, sums_signing_input(sums), sig))) {
      return Checks.failed("files.signature", "verify.sums_sig_bad", { key_id: keyid.slice(0, 16) });
    }
    return Checks.passed("files.signature", "verify.sums_sig_ok", { key_id: keyid.slice(0, 16) });
  }

  return {
    FORMAT_V1, FORMAT_V2, FORMAT_V3, FORMAT_V4, FORMAT, FORMATS, VERIFY_HTML, VERIFY_JS, VERIFIER_FILES, has_verifier, FORMAT_FILE, SUMS, SUMS_SIG,
    format_document, read_format, parse_sums, sums_signing_input, format_check, files_check, sums_signature, pySorted,
  };
})();
