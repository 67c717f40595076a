// Spec: the byte-level primitives of randcheck/draw/v1 (SPEC §1) — a port of
// randcheck/core/draw/spec.py: tags, length prefixes, digests, and the field checks that raise
// the same catalog codes (as Checks.RcError) as Python's InputError.
const Spec = (() => {
  const SPEC_ID = "randcheck/draw/v1";
  const SPEC_V2_ID = "randcheck/draw/v2";
  const DRAW_SPECS = [SPEC_ID, SPEC_V2_ID];
  const CHUNK = 1024;
  const TAG_PREFIX = SPEC_ID + "/";
  const KINDS = ["announcement", "record", "addendum"];
  const RESULTS_SPEC_ID = "randcheck/results/v1";
  const DOCUMENT_SPECS = {
    announcement: DRAW_SPECS,
    record: DRAW_SPECS,
    addendum: [SPEC_ID],
    commitment: [SPEC_V2_ID],
    results: [RESULTS_SPEC_ID],
  };
  const ALL_SPECS = [SPEC_ID, SPEC_V2_ID, RESULTS_SPEC_ID];
  const Err = (code, params) => new Checks.RcError(code, params);

  // -- Python's str semantics, the one home for every namespace ---------------------------------
  /** Python's whitespace (str.split(), str.strip(), re's \\s on str), as a character-class body. */
  const PY_WS = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const STRIP = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, "gu");
  /** Python's str.strip() (no argument). */
  function pyStrip(s) { return s.replace(STRIP, ""); }
  /** What Python's str.isprintable() refuses (categories Cc Cf Cs Co Cn Zl Zp Zs, but " "). */
  const UNPRINTABLE = /^(?! )[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;
  /** Python's repr() of a parsed JSON value (or bytes), for error parameters. */
  function repr(v) {
    if (v === null || v === undefined) return "None";
    if (v === true) return "True";
    if (v === false) return "False";
    if (typeof v === "number") return Number.isNaN(v) ? "nan" : (v === Infinity ? "inf" : (v === -Infinity ? "-inf" : String(v)));
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "string") {
      const q = v.includes("'") && !v.includes('"') ? '"' : "'";
      let s = "";
      for (const ch of v) {
        const c = ch.codePointAt(0);
        if (ch === "\\") s += "\\\\";
        else if (ch === q) s += "\\" + q;
        else if (ch === "\n") s += "\\n";
        else if (ch === "\r") s += "\\r";
        else if (ch === "\t") s += "\\t";
        else if (c < 0x20 || c === 0x7f) s += "\\x" + c.toString(16).padStart(2, "0");
        else if (c < 0x7f || !UNPRINTABLE.test(ch)) s += ch;
        else if (c <= 0xff) s += "\\x" + c.toString(16).padStart(2, "0");
        else if (c <= 0xffff) s += "\\u" + c.toString(16).padStart(4, "0");
        else s += "\\U" + c.toString(16).padStart(8, "0");
      }
      return q + s + q;
    }
    if (v instanceof Uint8Array) {
      const q = v.includes(0x27) && !v.includes(0x22) ? '"' : "'";
      const named = { 0x09: "\\t", 0x0a: "\\n", 0x0d: "\\r", 0x5c: "\\\\" };
      let s = "b" + q;
      for (const c of v) {
        if (named[c]) s += named[c];
        else if (String.fromCharCode(c) === q) s += "\\" + q;
        else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
        else s += "\\x" + c.toString(16).padStart(2, "0");
      }
      return s + q;
    }
    if (Array.isArray(v)) return "[" + v.map(repr).join(", ") + "]";
    if (typeof v === "object") return "{" + Json.keys(v).map((k) => repr(k) + ": " + repr(v[k])).join(", ") + "}";
    return String(v);
  }
  const short = (v, n = 80) => repr(v).slice(0, n);
  /** Python's str() of a parsed JSON value: a string itself, anything else its repr()
   *  (undefined, an absent value, as None). */
  function pyStr(v) { return typeof v === "string" ? v : repr(v); }
  /** Python's template.format(**params) for plain named fields ("{seq}"), as the bundle's
   *  fixed texts use it (uitext.js has the full format spec, for the catalog). */
  function pyFormat(template, params) { return template.replace(/\{(\w+)\}/g, (_, k) => pyStr(params[k])); }

  function spec_allowed(kind, spec) {
    return typeof kind === "string" && Object.prototype.hasOwnProperty.call(DOCUMENT_SPECS, kind) && DOCUMENT_SPECS[kind].includes(spec);
  }

  function u32(n) { return Bytes.uintBE(n, 4); }
  function u64(n) { return Bytes.uintBE(n, 8); }
  /** A length-prefixed field: u32(len) || bytes (strings as UTF-8). */
  function lp(data) {
    const raw = typeof data === "string" ? Bytes.utf8(data) : data;
    return Bytes.concat(u32(raw.length), raw);
  }
  const TAGS = new Map();
  /** The domain tag lp("randcheck/draw/v1/" + name). */
  function tag(name) {
    let t = TAGS.get(name);
    if (!t) { t = lp(TAG_PREFIX + name); TAGS.set(name, t); }
    return t;
  }
  function hkdf_extract(salt, ikm) { return Hash.hmac(salt, ikm); }
  /** RFC 5869 §2.3 with SHA-256. */
  function hkdf_expand(prk, info, length) {
    const out = new Uint8Array(length);
    let block = new Uint8Array(0); let o = 0; let counter = 1;
    while (o < length) {
      block = Hash.hmac(prk, Bytes.concat(block, info, Uint8Array.of(counter)));
      out.set(block.subarray(0, Math.min(block.length, length - o)), o);
      o += block.length; counter++;
    }
    return out;
  }
  /** H(tag("document") || lp(kind) || lp(body)) in hex: the id of a signed document. */
  function digest(kind, body) {
    return Bytes.hex(Hash.sha256(Bytes.concat(tag("document"), lp(kind), lp(body))));
  }
  /** The bytes an Ed25519 signature covers: tag("signature") || lp(kind) || lp(body). */
  function signing_input(kind, body) { return Bytes.concat(tag("signature"), lp(kind), lp(body)); }

  /** Whether every byte of `raw` is visible ASCII (0x21–0x7e). */
  function visible(raw) {
    for (let i = 0; i < raw.length; i++) if (raw[i] < 0x21 || raw[i] > 0x7e) return false;
    return true;
  }
  /** A code as bytes; RcError proto.bad_code unless it is 1–64 bytes of visible ASCII. */
  function check_code(code, field = "code") {
    const raw = typeof code === "string" ? Bytes.utf8(code) : code;
    if (!(raw.length >= 1 && raw.length <= 64) || !visible(raw)) {
      throw Err("proto.bad_code", { field, value: short(code) });
    }
    return raw;
  }
  function check_id(value, field) {
    if (typeof value !== "string") throw Err("proto.bad_id", { field, value: short(value) });
    check_code(Bytes.utf8(value), field);
    return value;
  }
  function check_text(value, field) {
    if (typeof value !== "string" || !value || value.normalize("NFC") !== value) {
      throw Err("proto.bad_text", { field, value: short(value) });
    }
    return value;
  }
  const TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;
  const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
  const HEX32 = /^[0-9a-f]{64}$/;
  function validDate(y, m, d) {
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
    return d <= days;
  }
  /** Seconds since the epoch of a "YYYY-MM-DDTHH:MM:SSZ" string. */
  function unix_time(value) {
    const m = typeof value === "string" ? TIME.exec(value) : null;
    const bad = () => Err("proto.bad_time", { field: "time", value: String(value) });
    if (!m) throw bad();
    const [y, mo, d, h, mi, s] = [0, 5, 8, 11, 14, 17].map((i) => Number(value.slice(i, i + (i ? 2 : 4))));
    if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) throw bad();
    const t = new Date(0);
    t.setUTCFullYear(y, mo - 1, d);
    t.setUTCHours(h, mi, s, 0);
    return Math.floor(t.getTime() / 1000);
  }
  function check_time(value, field) {
    if (typeof value !== "string" || !TIME.test(value)) throw Err("proto.bad_time", { field, value: short(value) });
    unix_time(value);
    return value;
  }
  function check_date(value, field) {
    if (typeof value !== "string" || !DATE.test(value)) throw Err("proto.bad_date", { field, value: short(value) });
    if (!validDate(Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10)))) {
      throw Err("proto.bad_date", { field, value });
    }
    return value;
  }
  function check_hex32(value, field) {
    if (typeof value !== "string" || !HEX32.test(value)) throw Err("proto.bad_hex", { field, value: short(value) });
    return Bytes.fromHex(value);
  }
  /** Python's `type(value) is int` (booleans are not ints here). */
  function isInt(value) { return (typeof value === "number" && Number.isInteger(value)) || typeof value === "bigint"; }
  function check_int(value, field, lo, hi = Json.LIMIT) {
    // eslint-disable-next-line eqeqeq
    if (!isInt(value) || value < lo || value > hi) {
      throw Err("proto.bad_int", { field, value: short(value), lo, hi });
    }
    return typeof value === "bigint" ? Number(value) : value;
  }
  function check_bool(value, field) {
    if (typeof value !== "boolean") throw Err("proto.bad_bool", { field, value: short(value) });
    return value;
  }
  /** Python's < on str: code point order (JS < compares UTF-16 code units; they differ only
   *  for characters above U+FFFF against U+E000–U+FFFF). */
  function strCompare(a, b) {
    if (a === b) return 0;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a.charCodeAt(i); const y = b.charCodeAt(i);
      if (x !== y) {
        const sx = x >= 0xd800 && x <= 0xdfff; const sy = y >= 0xd800 && y <= 0xdfff;
        if (sx !== sy) return sx ? 1 : -1; // a surrogate (astral) sorts after any BMP char above it
        return x - y;
      }
    }
    return a.length - b.length;
  }

  return {
    SPEC_ID, SPEC_V2_ID, DRAW_SPECS, CHUNK, TAG_PREFIX, KINDS, RESULTS_SPEC_ID, DOCUMENT_SPECS,
    ALL_SPECS, spec_allowed, u32, u64, lp, tag, hkdf_extract, hkdf_expand, digest, signing_input,
    check_code, check_id, check_text, check_time, check_date, check_hex32, check_int, check_bool,
    unix_time, repr, short, isInt, visible, strCompare, pyStr, pyStrip, PY_WS, pyFormat,
  };
})();
