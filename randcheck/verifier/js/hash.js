// Hash: SHA-256, HMAC-SHA-256, HKDF-SHA-256 and Ed25519 verification.
// Synchronous hashing uses the vendored noble library (many small inputs: tickets, tree nodes);
// sha256Async uses WebCrypto (large inputs: whole files). Ed25519 uses WebCrypto where the
// browser has it, else noble (RFC 8032 strict, zip215 off) — both reject what Python's
// `cryptography` rejects for the keys and signatures randcheck writes.
const Hash = (() => {
  const subtle = (globalThis.crypto && globalThis.crypto.subtle) || null;
  function sha256(u8) { return noble.sha256(u8); }
  async function sha256Async(u8) {
    if (subtle) return new Uint8Array(await subtle.digest("SHA-256", u8));
    return noble.sha256(u8);
  }
  function sha256hex(u8) { return Bytes.hex(noble.sha256(u8)); }
  /** An incremental SHA-256: .update(u8) … .digest() */
  function sha256Stream() { return noble.sha256.create(); }
  function hmac(key, msg) { return noble.hmac(noble.sha256, key, msg); }
  function hkdf(ikm, salt, info, length) { return noble.hkdf(noble.sha256, ikm, salt, info, length); }

  let webEd = null; // null: not yet probed; true/false after
  async function probeWebEd() {
    if (webEd !== null) return webEd;
    webEd = false;
    if (!subtle) return webEd;
    try {
      // RFC 8032 test 1: empty message
      const pub = Bytes.fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
      const sig = Bytes.fromHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
      const key = await subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
      webEd = await subtle.verify({ name: "Ed25519" }, key, sig, new Uint8Array(0));
    } catch (e) { webEd = false; }
    return webEd;
  }
  /** Whether `sig` (64 bytes) is a valid Ed25519 signature of `msg` under raw `pub` (32 bytes). */
  async function ed25519Verify(pub, msg, sig) {
    if (!(pub instanceof Uint8Array) || pub.length !== 32 || !(sig instanceof Uint8Array) || sig.length !== 64) return false;
    if (await probeWebEd()) {
      try {
        const key = await subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
        return await subtle.verify({ name: "Ed25519" }, key, sig, msg);
      } catch (e) { return false; }
    }
    try { return noble.ed25519.verify(sig, msg, pub, { zip215: false }); } catch (e) { return false; }
  }
  // DER SubjectPublicKeyInfo of an Ed25519 key: this 12-byte prefix, then the raw 32 bytes
  const SPKI_PREFIX = Bytes.fromHex("302a300506032b6570032100");
  function spkiDer(pub) { return Bytes.concat(SPKI_PREFIX, pub); }
  /** Key id of a raw Ed25519 public key (SPEC §2): SHA-256 of its DER SubjectPublicKeyInfo, hex. */
  function keyId(pub) { return sha256hex(spkiDer(pub)); }
  return { sha256, sha256Async, sha256hex, sha256Stream, hmac, hkdf, ed25519Verify, spkiDer, keyId };
})();
