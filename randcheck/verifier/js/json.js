// Json: strict JSON reading and RFC 8785 writing — a port of randcheck/core/canonical.py.
//
// parse(bytes, max_depth) reads JSON exactly as Python's json.loads does (with canonical.py's
// hooks): the same texts are accepted and refused, with the same catalog codes.
//   * duplicate keys → canonical.duplicate_key (when the object closes, as object_pairs_hook);
//   * a number with a fraction or an exponent → canonical.float (as soon as it is read);
//   * invalid UTF-8 or JSON → canonical.bad_json; nesting deeper than max_depth →
//     canonical.too_deep (after parsing, as depth_ok; or at once beyond Python's recursion
//     limit, as RecursionError);
//   * NaN, Infinity, -Infinity are accepted (json.loads' parse_constant; canonical() refuses them);
//   * integers beyond ±(2^53−1) are accepted as BigInt (Python ints; canonical() refuses them).
// Parsed values: strings, booleans, null, Numbers (exact integers, or NaN/±Infinity), BigInt,
// arrays, and objects made with Object.create(null) (so a key "__proto__" is an ordinary key).
// JS objects list integer-like keys first; Json.keys(obj) gives the keys in document order
// (Python's dict order), kept under a symbol.
const Json = (() => {
  const LIMIT = 9007199254740991; // 2^53 − 1
  const MAX_PARSE_DEPTH = 64;
  // json.loads fails with RecursionError (→ canonical.too_deep) about this deep, whatever the
  // text holds after that point (Python's recursion limit 1000, less the frames below it)
  const RECURSION = 990;
  const ORDER = Symbol("json key order");
  const Err = (code, params) => new Checks.RcError(code, params);

  /** Keys of a parsed object in document order (Python's dict order); else Object.keys. */
  function keys(obj) { return obj[ORDER] || Object.keys(obj); }
  /** [key, value] pairs in document order. */
  function items(obj) { return keys(obj).map((k) => [k, obj[k]]); }
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array); }
  function has(obj, k) { return isObject(obj) && Object.prototype.hasOwnProperty.call(obj, k); }
  /** A parsed-style object (null prototype, ordered keys) from [key, value] pairs. */
  function object(pairs) {
    const o = Object.create(null);
    const order = [];
    for (const [k, v] of pairs) { if (!(k in o)) order.push(k); o[k] = v; }
    Object.defineProperty(o, ORDER, { value: order, enumerable: false });
    return o;
  }

  class Parser {
    constructor(s) { this.s = s; this.i = 0; this.depth = 0; }
    fail(msg) { throw Err("canonical.bad_json", { reason: `${msg}: char ${this.i}` }); }
    ws() {
      const s = this.s; let i = this.i;
      for (;;) {
        const c = s.charCodeAt(i);
        if (c === 32 || c === 10 || c === 13 || c === 9) i++; else break;
      }
      this.i = i;
    }
    value() {
      const s = this.s; const c = s.charCodeAt(this.i);
      if (c === 34) return this.string();
      if (c === 123) return this.object();
      if (c === 91) return this.array();
      if (c === 45 || (c >= 48 && c <= 57)) return this.number();
      if (s.startsWith("null", this.i)) { this.i += 4; return null; }
      if (s.startsWith("true", this.i)) { this.i += 4; return true; }
      if (s.startsWith("false", this.i)) { this.i += 5; return false; }
      if (s.startsWith("NaN", this.i)) { this.i += 3; return NaN; }
      if (s.startsWith("Infinity", this.i)) { this.i += 8; return Infinity; }
      return this.fail("Expecting value");
    }
    enter() {
      if (++this.depth > RECURSION) throw Err("canonical.too_deep", { limit: this.maxDepth });
    }
    object() {
      this.enter();
      const s = this.s; this.i++;
      const o = Object.create(null);
      const order = [];
      let dup = null;
      this.ws();
      if (s.charCodeAt(this.i) === 125) { this.i++; }
      else {
        for (;;) {
          if (s.charCodeAt(this.i) !== 34) this.fail("Expecting property name enclosed in double quotes");
          const k = this.string();
          this.ws();
          if (s.charCodeAt(this.i) !== 58) this.fail("Expecting ':' delimiter");
          this.i++; this.ws();
          const v = this.value();
          if (k in o) { if (dup === null) dup = k; } else order.push(k);
          o[k] = v;
          this.ws();
          const c = s.charCodeAt(this.i);
          if (c === 125) { this.i++; break; }
          if (c !== 44) this.fail("Expecting ',' delimiter");
          this.i++; this.ws();
        }
      }
      // object_pairs_hook runs when the object closes: the first repeated key is refused
      if (dup !== null) throw Err("canonical.duplicate_key", { key: dup });
      Object.defineProperty(o, ORDER, { value: order, enumerable: false });
      this.depth--;
      return o;
    }
    array() {
      this.enter();
      const s = this.s; this.i++;
      const a = [];
      this.ws();
      if (s.charCodeAt(this.i) === 93) { this.i++; this.depth--; return a; }
      for (;;) {
        a.push(this.value());
        this.ws();
        const c = s.charCodeAt(this.i);
        if (c === 93) { this.i++; break; }
        if (c !== 44) this.fail("Expecting ',' delimiter");
        this.i++; this.ws();
      }
      this.depth--;
      return a;
    }
    number() {
      const s = this.s; const start = this.i; let i = this.i;
      if (s.charCodeAt(i) === 45) {
        i++;
        if (s.startsWith("Infinity", i)) { this.i = i + 8; return -Infinity; }
      }
      let c = s.charCodeAt(i);
      if (c === 48) i++;
      else if (c >= 49 && c <= 57) { i++; while ((c = s.charCodeAt(i)) >= 48 && c <= 57) i++; }
      else { return this.fail("Expecting value"); }
      const intEnd = i;
      let isFloat = false;
      if (s.charCodeAt(i) === 46 && (c = s.charCodeAt(i + 1)) >= 48 && c <= 57) {
        i += 2; while ((c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
        isFloat = true;
      }
      c = s.charCodeAt(i);
      if (c === 101 || c === 69) {
        let j = i + 1; c = s.charCodeAt(j);
        if (c === 43 || c === 45) j++;
        if ((c = s.charCodeAt(j)) >= 48 && c <= 57) {
          j++; while ((c = s.charCodeAt(j)) >= 48 && c <= 57) j++;
          i = j; isFloat = true;
        }
      }
      this.i = i;
      const text = s.slice(start, i);
      if (isFloat) throw Err("canonical.float", { path: text });
      if (intEnd - start > 4300) this.fail("Exceeds the limit (4300 digits) for integer string conversion");
      const n = Number(text);
      if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
      return BigInt(text);
    }
    string() {
      const s = this.s; let i = this.i + 1; let out = ""; let run = i;
      for (;;) {
        const c = s.charCodeAt(i);
        if (c === 34) { out += s.slice(run, i); this.i = i + 1; return out; }
        if (c === 92) {
          out += s.slice(run, i);
          const e = s.charCodeAt(i + 1);
          switch (e) {
            case 34: out += '"'; i += 2; break;
            case 92: out += "\\"; i += 2; break;
            case 47: out += "/"; i += 2; break;
            case 98: out += "\b"; i += 2; break;
            case 102: out += "\f"; i += 2; break;
            case 110: out += "\n"; i += 2; break;
            case 114: out += "\r"; i += 2; break;
            case 116: out += "\t"; i += 2; break;
            case 117: {
              const h = s.slice(i + 2, i + 6);
              if (!/^[0-9a-fA-F]{4}$/.test(h)) { this.i = i; this.fail("Invalid \\uXXXX escape"); }
              out += String.fromCharCode(parseInt(h, 16)); i += 6; break;
            }
            default: this.i = i; this.fail("Invalid \\escape");
          }
          run = i;
          continue;
        }
        if (c < 32 || Number.isNaN(c)) { this.i = i; this.fail(Number.isNaN(c) ? "Unterminated string" : "Invalid control character"); }
        i++;
      }
    }
  }

  /** Whether `value` nests arrays and objects at most `limit` deep (canonical.depth_ok). */
  function depth_ok(value, limit) {
    const stack = [[value, 1]];
    while (stack.length) {
      let [v, depth] = stack.pop();
      if (isObject(v)) v = Object.values(v);
      else if (!Array.isArray(v)) continue;
      if (depth > limit) return false;
      for (const item of v) if (item !== null && typeof item === "object") stack.push([item, depth + 1]);
    }
    return true;
  }

  /** Parse JSON bytes (a Uint8Array; a string is taken as already decoded) like Python's
   *  canonical.parse: refusing floats, duplicate keys and nesting deeper than max_depth. */
  function parse(data, max_depth = MAX_PARSE_DEPTH) {
    let s;
    if (typeof data === "string") s = data;
    else {
      try { s = Bytes.text(data); } catch (e) { throw Err("canonical.bad_json", { reason: "invalid UTF-8" }); }
    }
    const p = new Parser(s);
    p.maxDepth = max_depth;
    p.ws();
    if (s.charCodeAt(0) === 0xfeff) p.fail("Unexpected UTF-8 BOM (decode using utf-8-sig)");
    const v = p.value();
    p.ws();
    if (p.i !== s.length) p.fail("Extra data");
    if (!depth_ok(v, max_depth)) throw Err("canonical.too_deep", { limit: max_depth });
    return v;
  }

  const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:[^\ud800-\udbff]|^)[\udc00-\udfff]/;
  function encodeError(name, msg) { const e = new Error(msg); e.name = name; return e; }

  // RFC 8785 text of a value; strings as JSON.stringify writes them (which is RFC 8785's
  // escaping for well-formed strings). Python refuses lone surrogates with a ValueError
  // (rfc8785's CanonicalizationError for a value, UnicodeEncodeError for a key): so do we.
  function write(v, path, out) {
    if (v === null) { out.push("null"); return; }
    switch (typeof v) {
      case "boolean": out.push(v ? "true" : "false"); return;
      case "string":
        if (LONE.test(v)) throw encodeError("CanonicalizationError", "input contains non-UTF-8 codepoints");
        out.push(JSON.stringify(v)); return;
      case "number":
        if (!Number.isInteger(v)) throw Err("canonical.float", { path });
        if (Math.abs(v) > LIMIT) throw Err("canonical.int_range", { path });
        out.push(String(v)); return;
      case "bigint":
        if ((v < 0n ? -v : v) > BigInt(LIMIT)) throw Err("canonical.int_range", { path });
        out.push(v.toString()); return;
      case "object":
        if (Array.isArray(v)) {
          out.push("[");
          for (let i = 0; i < v.length; i++) { if (i) out.push(","); write(v[i], `${path}[${i}]`, out); }
          out.push("]");
          return;
        }
        if (!(v instanceof Uint8Array)) {
          const ks = Object.keys(v);
          for (const k of ks) if (LONE.test(k)) throw encodeError("UnicodeEncodeError", "surrogates not allowed");
          ks.sort(); // UTF-16 code units, as RFC 8785 sorts
          out.push("{");
          ks.forEach((k, i) => {
            if (i) out.push(",");
            out.push(JSON.stringify(k), ":");
            write(v[k], `${path}.${k}`, out);
          });
          out.push("}");
          return;
        }
        break;
      default:
    }
    throw Err("canonical.type", { path, type: v === undefined ? "undefined" : (v && v.constructor ? v.constructor.name : typeof v) });
  }

  /** Python's _check: the first float / big int / non-JSON value in document order. */
  function check(v, path) {
    if (v === null || typeof v === "boolean" || typeof v === "string") return;
    if (typeof v === "number") {
      if (!Number.isInteger(v)) throw Err("canonical.float", { path });
      if (Math.abs(v) > LIMIT) throw Err("canonical.int_range", { path });
      return;
    }
    if (typeof v === "bigint") {
      if ((v < 0n ? -v : v) > BigInt(LIMIT)) throw Err("canonical.int_range", { path });
      return;
    }
    if (Array.isArray(v)) { v.forEach((x, i) => check(x, `${path}[${i}]`)); return; }
    if (isObject(v)) { for (const k of keys(v)) check(v[k], `${path}.${k}`); return; }
    throw Err("canonical.type", { path, type: typeof v });
  }

  /** RFC 8785 bytes of a value; RcError on floats (canonical.float), integers beyond
   *  ±(2^53−1) (canonical.int_range) or non-JSON values (canonical.type). */
  function canonical(value) {
    check(value, "$");
    const out = [];
    write(value, "$", out);
    return Bytes.utf8(out.join(""));
  }

  /** Whether `data` is exactly the canonical form of what it encodes. */
  function is_canonical(data, parsed) {
    let v = parsed;
    try {
      if (v === undefined) v = parse(data);
      return Bytes.equal(canonical(v), data);
    } catch (e) {
      if (e instanceof Checks.RcError) return false;
      throw e;
    }
  }

  /** Python's == on parsed JSON: dicts by key set, lists in order, True == 1, False == 0. */
  function equal(a, b) {
    if (a === b) return true;
    const ta = typeof a; const tb = typeof b;
    const num = (x) => (typeof x === "boolean" ? (x ? 1 : 0) : x);
    if ((ta === "number" || ta === "bigint" || ta === "boolean") && (tb === "number" || tb === "bigint" || tb === "boolean")) {
      const x = num(a); const y = num(b);
      // eslint-disable-next-line eqeqeq
      return x == y; // Number == BigInt compares values exactly
    }
    if (a === null || b === null || ta !== "object" || tb !== "object") return false;
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
      return true;
    }
    if (a instanceof Uint8Array || b instanceof Uint8Array) {
      return a instanceof Uint8Array && b instanceof Uint8Array && Bytes.equal(a, b);
    }
    const ka = Object.keys(a); const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k) || !equal(a[k], b[k])) return false;
    }
    return true;
  }

  return { LIMIT, MAX_PARSE_DEPTH, ORDER, parse, canonical, is_canonical, depth_ok, equal, keys, items, isObject, has, object };
})();
