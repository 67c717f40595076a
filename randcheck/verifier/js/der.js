// Der: the small strict DER reader the timestamp tokens and their certificates are read with
// (what asn1crypto and cryptography parse for randcheck/core/tsa.py): definite lengths only, no
// trailing bytes. Elements are {cls, cons, tag, start, body, end, raw, content}; a structural
// error is a DerError (Python's ValueError/TypeError… from those libraries). Certificates are
// read strictly (`strictly(fn)`: minimal lengths and integers, BOOLEAN 00/FF, as cryptography's
// parser), the CMS around them leniently (as asn1crypto). Also the calendar of the ASN.1 time
// types (UTCTime, GeneralizedTime). Used by X509 and Tsa.
const Der = (() => {
  /** A structural error (Python's ValueError/TypeError… from asn1crypto or cryptography). */
  class DerError extends Error {}

  // ------------------------------------------------------------------ DER

  // Certificates are read as strictly as cryptography's DER parser reads them (minimal lengths
  // and integers, BOOLEAN 00/FF); the CMS around them as leniently as asn1crypto.
  let strict = false;
  /** `fn()` with certificates' strictness on (cryptography's DER parser). */
  function strictly(fn) {
    strict = true;
    try { return fn(); } finally { strict = false; }
  }
  /** One DER element at `off` of `buf`: {cls, cons, tag, start, body, end, raw, content}. */
  function node(buf, off = 0, limit = buf.length) {
    if (off >= limit) throw new DerError("insufficient data: a tag is missing");
    const start = off;
    const b = buf[off++];
    const cls = b >> 6, cons = (b >> 5) & 1;
    let tag = b & 31;
    if (tag === 31) {
      tag = 0;
      for (;;) {
        if (off >= limit) throw new DerError("insufficient data in a tag");
        const n = buf[off++];
        if (n === 0x80 && tag === 0) throw new DerError("Non-minimal tag encoding");
        tag = tag * 128 + (n & 127);
        if (tag > 0xffffff) throw new DerError("tag number too large");
        if (!(n & 0x80)) break;
      }
      if (tag < 31) throw new DerError("Non-minimal tag encoding");
    }
    if (off >= limit) throw new DerError("insufficient data: a length is missing");
    let len = buf[off++];
    if (len & 0x80) {
      const n = len & 127;
      if (n === 0) throw new DerError("indefinite length (not DER)");
      if (n > 4) throw new DerError("length too long");
      if (off + n > limit) throw new DerError("insufficient data in a length");
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[off++];
      if (strict && (len < 128 || buf[off - n] === 0)) throw new DerError("non-minimal length (not DER)");
    }
    const end = off + len;
    if (end > limit) throw new DerError(`insufficient data: ${len} bytes of contents announced, ${limit - off} present`);
    return { cls, cons, tag, start, body: off, end, raw: buf.subarray(start, end), content: buf.subarray(off, end), buf };
  }
  /** The whole of `u8` as one element: no trailing bytes. */
  function parseAll(u8) {
    const n = node(u8, 0, u8.length);
    if (n.end !== u8.length) throw new DerError(`${u8.length - n.end} bytes of trailing data`);
    return n;
  }
  /** The elements inside a constructed element, exactly filling it. */
  function children(n) {
    if (!n.cons) throw new DerError("a constructed element was expected");
    const out = [];
    let off = n.body;
    while (off < n.end) { const c = node(n.buf, off, n.end); out.push(c); off = c.end; }
    return out;
  }
  /** A universal element of this tag, constructed exactly when a SEQUENCE or SET is. */
  const isUniv = (n, tag) => !!n && n.cls === 0 && n.tag === tag && n.cons === (tag === 16 || tag === 17 ? 1 : 0);
  const isCtx = (n, tag) => n && n.cls === 2 && n.tag === tag;
  function expect(n, tag, what) {
    if (!isUniv(n, tag)) throw new DerError(`${what}: expected universal tag ${tag}`);
    return n;
  }
  const seq = (n, what) => children(expect(n, 16, what));
  function oid(n, what = "OID") {
    expect(n, 6, what);
    const c = n.content;
    if (!c.length) throw new DerError(`${what}: empty OID`);
    const parts = [];
    let v = 0n, first = true;
    for (let i = 0; i < c.length; i++) {
      v = (v << 7n) | BigInt(c[i] & 127);
      if (!(c[i] & 0x80)) {
        if (first) {
          if (v < 40n) parts.push(0n, v); else if (v < 80n) parts.push(1n, v - 40n); else parts.push(2n, v - 80n);
          first = false;
        } else parts.push(v);
        v = 0n;
      } else if (i === c.length - 1 && strict) throw new DerError(`${what}: truncated OID`);
      // (asn1crypto drops an unfinished last arc; cryptography refuses it)
    }
    return parts.join(".");
  }
  function int(n, what = "INTEGER") {
    expect(n, 2, what);
    return intOf(n.content, what);
  }
  function intOf(c, what) {
    if (!c.length) throw new DerError(`${what}: empty INTEGER`);
    if (strict && c.length > 1 && ((c[0] === 0 && !(c[1] & 0x80)) || (c[0] === 0xff && (c[1] & 0x80)))) {
      throw new DerError(`${what}: non-minimal INTEGER`);
    }
    let v = 0n;
    for (const b of c) v = (v << 8n) | BigInt(b);
    if (c[0] & 0x80) v -= 1n << BigInt(8 * c.length);
    return v;
  }
  function octets(n, what = "OCTET STRING") { return expect(n, 4, what).content; }
  function bitString(n, what = "BIT STRING") {
    const c = expect(n, 3, what).content;
    if (!c.length || c[0] > 7) throw new DerError(`${what}: bad BIT STRING`);
    return c;
  }
  function bool(n, what) {
    const c = expect(n, 1, what).content;
    if (c.length !== 1 || (strict && c[0] !== 0 && c[0] !== 0xff)) throw new DerError(`${what}: bad BOOLEAN`);
    return c[0] !== 0;
  }
  /** AlgorithmIdentifier → {oid, params (node or null)}. */
  function algId(n, what) {
    const c = seq(n, what);
    if (c.length < 1 || c.length > 2) throw new DerError(`${what}: bad AlgorithmIdentifier`);
    return { oid: oid(c[0], what), params: c[1] || null };
  }
  const latin1 = (u8) => { let s = ""; for (const b of u8) s += String.fromCharCode(b); return s; };
  /** The text of a directory string (the types certificates use). */
  function stringOf(n) {
    if (n.cls !== 0) return null;
    const c = n.content;
    switch (n.tag) {
      case 12: return Bytes.text(c);
      case 19: case 22: case 26: case 20: case 18: return latin1(c);
      case 30: {
        if (c.length % 2) throw new DerError("bad BMPString");
        let s = ""; for (let i = 0; i < c.length; i += 2) s += String.fromCharCode((c[i] << 8) | c[i + 1]);
        return s;
      }
      case 28: {
        if (c.length % 4) throw new DerError("bad UniversalString");
        let s = ""; for (let i = 0; i < c.length; i += 4) s += String.fromCodePoint(((c[i] << 24) | (c[i + 1] << 16) | (c[i + 2] << 8) | c[i + 3]) >>> 0);
        return s;
      }
      default: return null;
    }
  }

  // ------------------------------------------------------------------ the calendar

  function daysFromCivil(y, m, d) { // days since 1970-01-01 (proleptic Gregorian)
    y -= m <= 2 ? 1 : 0;
    const era = Math.floor(y / 400), yoe = y - era * 400;
    const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }
  function dateOk(y, mo, d, h, mi, s) {
    if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const dim = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
    return d <= dim;
  }
  const secondsOf = (y, mo, d, h, mi, s) => daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;

  return {
    DerError, strictly, node, parseAll, children, isUniv, isCtx, expect, seq, oid, int, intOf,
    octets, bitString, bool, algId, latin1, stringOf, dateOk, secondsOf,
  };
})();
