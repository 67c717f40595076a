// Bytes: the byte helpers every other part uses. Pure; no browser API but TextEncoder/Decoder.
const Bytes = (() => {
  const ENC = new TextEncoder();
  const DEC = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

  /** UTF-8 bytes of a string (lone surrogates become U+FFFD, as TextEncoder does). */
  function utf8(s) { return ENC.encode(s); }
  /** The string of UTF-8 bytes; throws TypeError on invalid UTF-8 (like Python's strict decode). */
  function text(u8) { return DEC.decode(u8); }
  /** Lowercase hex. */
  function hex(u8) { let s = ""; for (let i = 0; i < u8.length; i++) s += HEX[u8[i]]; return s; }
  /** Bytes of a hex string; null unless it is even-length hex (either case, as bytes.fromhex). */
  function fromHex(s) {
    if (typeof s !== "string" || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return null;
    const out = new Uint8Array(s.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
    return out;
  }
  function isHex(s, nbytes) {
    return typeof s === "string" && s.length === 2 * nbytes && /^[0-9a-f]*$/.test(s);
  }
  function concat(...parts) {
    let n = 0; for (const p of parts) n += p.length;
    const out = new Uint8Array(n); let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  /** Byte-wise comparison: <0, 0, >0 (Python's bytes ordering). */
  function compare(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }
  /** Base64 (standard or URL-safe alphabet, padding optional) → bytes; null when malformed. */
  function fromBase64(s) {
    if (typeof s !== "string") return null;
    let t = s.trim().replace(/-/g, "+").replace(/_/g, "/");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return null;
    t = t.replace(/=+$/, "");
    if (t.length % 4 === 1) return null;
    t += "=".repeat((4 - (t.length % 4)) % 4);
    let bin;
    try { bin = atob(t); } catch (e) { return null; }
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  /** Standard base64 with padding (Python's base64.b64encode). */
  function toBase64(u8) {
    let bin = "";
    for (let i = 0; i < u8.length; i += 0x8000) bin += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
    return btoa(bin);
  }
  /** Big-endian unsigned integer of `width` bytes (n a Number ≤ 2^53−1 or a BigInt). */
  function uintBE(n, width) {
    let v = BigInt(n); const out = new Uint8Array(width);
    for (let i = width - 1; i >= 0; i--) { out[i] = Number(v & 0xffn); v >>= 8n; }
    return out;
  }
  return { utf8, text, hex, fromHex, isHex, concat, equal, compare, fromBase64, toBase64, uintBE };
})();
