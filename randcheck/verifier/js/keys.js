// Keys: public keys as a reader hands them in — a port of randcheck/services/keys.py's
// parse_public_text (the export form of `randcheck keys export` with its "# key-id:" lines and
// PEM body, a bare PEM, or a C2SP verifier-key line), plus parseTrusted for what a reader
// pastes or puts in `#key=`: the raw 32-byte key in base64, the verifier-key string, or the
// whole key file.  PEM bodies are decoded by hand: an Ed25519 SubjectPublicKeyInfo is the
// 12 bytes 302a300506032b6570032100 and the 32-byte key; any other key is refused as Python
// (the `cryptography` package) refuses it.
const Keys = (() => {
  const fail = (code, params) => new Checks.RcError(code, params);
  // the DER an Ed25519 key's SubjectPublicKeyInfo starts with: Hash.spkiDer's (the key id's)
  const SPKI_PREFIX = Hash.spkiDer(new Uint8Array(0));
  // the algorithms `cryptography` loads from a SubjectPublicKeyInfo (a key that is not Ed25519:
  // keys.not_ed25519_public); any other OID, or a broken structure, is not a key file it reads
  const OTHER_KEY_OIDS = new Set([
    "2a864886f70d010101", // rsaEncryption
    "2a8648ce3d0201", // id-ecPublicKey
    "2a8648ce380401", // id-dsa
    "2b656e", // X25519
    "2b656f", // X448
    "2b6571", // Ed448
  ]);

  // -- DER, just enough to tell a SubjectPublicKeyInfo's algorithm -------------------------------
  function tlv(der, off) {
    if (off + 2 > der.length) return null;
    const tag = der[off];
    let len = der[off + 1], p = off + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n < 1 || n > 3 || p + n > der.length) return null;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[p + i];
      if (len < 0x80 || (n > 1 && der[p] === 0)) return null; // not DER's shortest form
      p += n;
    }
    if (p + len > der.length) return null;
    return { tag, start: p, end: p + len };
  }
  /** The algorithm OID (hex) of a SubjectPublicKeyInfo, or null when `der` is not one. */
  function spkiAlgorithm(der) {
    const outer = tlv(der, 0);
    if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return null;
    const alg = tlv(der, outer.start);
    if (!alg || alg.tag !== 0x30) return null;
    const oid = tlv(der, alg.start);
    if (!oid || oid.tag !== 0x06 || oid.end > alg.end) return null;
    const bits = tlv(der, alg.end);
    if (!bits || bits.tag !== 0x03 || bits.end !== outer.end) return null;
    return Bytes.hex(der.subarray(oid.start, oid.end));
  }
  function isRsaPkcs1(der) {
    const outer = tlv(der, 0);
    if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return false;
    const n = tlv(der, outer.start);
    const e = n && tlv(der, n.end);
    return !!(n && e && n.tag === 0x02 && e.tag === 0x02 && e.end === outer.end);
  }

  // -- PEM, as the rust `pem` crate under cryptography's load_pem_public_key reads it -------------
  const PEM_BLOCK = /-----BEGIN ([\s\S]*?)-----[ \t\n\r]*([\s\S]*?)-----END ([\s\S]*?)-----/g;
  const PEM_BEGIN = /-----BEGIN /g;

  /** The first PUBLIC KEY (or RSA PUBLIC KEY) block: [tag, DER bytes]; null when the text has
   *  none or any block is malformed. */
  function pemBlock(text) {
    const blocks = [];
    let m;
    PEM_BLOCK.lastIndex = 0;
    while ((m = PEM_BLOCK.exec(text)) !== null) {
      const [, begin, data, end] = m;
      if (!begin || !end || begin !== end) return null;
      let lines = data.split(/\r?\n/);
      while (lines.length && lines[0].includes(":")) lines = lines.slice(1); // RFC 1421 headers
      const b64 = lines.join("").replace(/[ \t\r\n]/g, "");
      let der;
      try { der = Note._unb64(b64, "keys.bad_public_file"); } catch (e) { return null; }
      blocks.push([begin, der]);
    }
    if ((text.match(PEM_BEGIN) || []).length !== blocks.length) return null; // a BEGIN without its END
    return blocks.find(([tag]) => tag === "PUBLIC KEY" || tag === "RSA PUBLIC KEY") || null;
  }

  /** [raw public key (32 bytes), stated name or null] from the export form, a bare PEM or a
   *  C2SP vkey line; throws RcError keys.bad_public_file / keys.not_ed25519_public /
   *  keys.key_id_mismatch ({path: source}) as Python does. */
  function parse_public_text(text, source = "") {
    const stated = Object.create(null);
    const body = [];
    for (const line of Note.splitlines(String(text))) {
      const s = Note.pystrip(line);
      if (s.startsWith("#")) {
        const rest = s.slice(1), cut = rest.indexOf(":");
        const key = cut < 0 ? rest : rest.slice(0, cut), value = cut < 0 ? "" : rest.slice(cut + 1);
        stated[Note.pystrip(key).toLowerCase()] = Note.pystrip(value);
      } else if (s) {
        body.push(s);
      }
    }
    if (body.length === 1 && body[0].includes("+") && !body[0].startsWith("-----")) {
      let vname, pub;
      try { [vname, pub] = Note.parse_vkey(body[0]); } catch (e) { throw fail("keys.bad_public_file", { path: source }); }
      return [pub, stated.name || vname.slice(vname.lastIndexOf("/") + 1)];
    }
    const pem = body.join("\n") + "\n";
    if (!/^[\x00-\x7f]*$/.test(pem)) throw fail("keys.bad_public_file", { path: source });
    const block = pemBlock(pem);
    if (block === null) throw fail("keys.bad_public_file", { path: source });
    const [tag, der] = block;
    let pub = null;
    if (tag === "PUBLIC KEY") {
      if (der.length === 44 && Bytes.equal(der.subarray(0, 12), SPKI_PREFIX)) {
        pub = der.slice(12);
      } else {
        const oid = spkiAlgorithm(der);
        if (oid === null || !OTHER_KEY_OIDS.has(oid)) throw fail("keys.bad_public_file", { path: source });
        throw fail("keys.not_ed25519_public", { path: source });
      }
    } else {
      if (!isRsaPkcs1(der)) throw fail("keys.bad_public_file", { path: source });
      throw fail("keys.not_ed25519_public", { path: source });
    }
    if ("key-id" in stated && stated["key-id"].toLowerCase() !== Hash.keyId(pub)) {
      throw fail("keys.key_id_mismatch", { path: source, stated: stated["key-id"] });
    }
    return [pub, stated.name === undefined ? null : stated.name];
  }

  /** The raw 32-byte key of a key file's text (parse_public_text without the name). */
  function parsePublicText(text, source = "") { return parse_public_text(text, source)[0]; }

  // 32 bytes in base64: 43 characters of ONE alphabet (standard or URL-safe), the last one
  // carrying 4 bits and 2 zero padding bits (A E I … 8), then "=" or nothing
  const RAW_B64 = /^(?:[A-Za-z0-9+/]{42}|[A-Za-z0-9_-]{42})[AEIMQUYcgkosw048]=?$/;

  /** A key a reader trusts, as pasted or given in `#key=`: the raw 32-byte Ed25519 key in
   *  base64 (the standard or the URL-safe alphabet, not a mix; canonical, so the padding bits
   *  are zero; the "=" optional), the C2SP verifier-key string
   *  of `randcheck keys export` ("# note-key:"), or the whole key-file text → raw key.  Throws
   *  RcError keys.bad_public_file ({path: label}) for anything else, keys.not_ed25519_public
   *  for another kind of key, keys.key_id_mismatch for a key file whose stated id is wrong. */
  function parseTrusted(text, label = "") {
    const s = Note.pystrip(String(text == null ? "" : text));
    if (!s) throw fail("keys.bad_public_file", { path: label });
    if (RAW_B64.test(s)) {
      const raw = Bytes.fromBase64(s);
      if (raw && raw.length === 32) return raw;
    }
    return parse_public_text(s, label)[0];
  }

  return { spkiAlgorithm, pemBlock, parse_public_text, parsePublicText, parseTrusted };
})();
