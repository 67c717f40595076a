// X509: X.509 certificates as cryptography's load_der_x509_certificate reads them (names,
// validity, extensions), their public keys and the signatures made with them, through
// WebCrypto: RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA P-256/P-384/P-521 (a DER ECDSA signature is
// turned into the raw r‖s WebCrypto wants) and Ed25519 (Hash.ed25519Verify). The algorithm
// names are asn1crypto's. Read with Der; used by Tsa (randcheck/core/tsa.py, tsa_certs.py).
const X509 = (() => {
  const OID_BASIC_CONSTRAINTS = "2.5.29.19";
  const OID_SKI = "2.5.29.14";

  // asn1crypto's names of the OIDs Python reads (algos.DigestAlgorithmId, SignedDigestAlgorithmId)
  const DIGEST_NAMES = {
    "1.2.840.113549.2.2": "md2", "1.2.840.113549.2.5": "md5", "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224", "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512",
    "2.16.840.1.101.3.4.2.5": "sha512_224", "2.16.840.1.101.3.4.2.6": "sha512_256",
    "2.16.840.1.101.3.4.2.7": "sha3_224", "2.16.840.1.101.3.4.2.8": "sha3_256",
    "2.16.840.1.101.3.4.2.9": "sha3_384", "2.16.840.1.101.3.4.2.10": "sha3_512",
    "2.16.840.1.101.3.4.2.11": "shake128", "2.16.840.1.101.3.4.2.12": "shake256",
  };
  const SIG_NAMES = {
    "1.3.14.3.2.3": "md5_rsa", "1.3.14.3.2.29": "sha1_rsa", "1.3.14.7.2.3.1": "md2_rsa",
    "1.2.840.113549.1.1.2": "md2_rsa", "1.2.840.113549.1.1.4": "md5_rsa",
    "1.2.840.113549.1.1.5": "sha1_rsa", "1.2.840.113549.1.1.14": "sha224_rsa",
    "1.2.840.113549.1.1.11": "sha256_rsa", "1.2.840.113549.1.1.12": "sha384_rsa",
    "1.2.840.113549.1.1.13": "sha512_rsa", "1.2.840.113549.1.1.10": "rsassa_pss",
    "1.2.840.10040.4.3": "sha1_dsa", "1.3.14.3.2.13": "sha1_dsa", "1.3.14.3.2.27": "sha1_dsa",
    "2.16.840.1.101.3.4.3.1": "sha224_dsa", "2.16.840.1.101.3.4.3.2": "sha256_dsa",
    "1.2.840.10045.4.1": "sha1_ecdsa", "1.2.840.10045.4.3.1": "sha224_ecdsa",
    "1.2.840.10045.4.3.2": "sha256_ecdsa", "1.2.840.10045.4.3.3": "sha384_ecdsa",
    "1.2.840.10045.4.3.4": "sha512_ecdsa", "2.16.840.1.101.3.4.3.9": "sha3_224_ecdsa",
    "2.16.840.1.101.3.4.3.10": "sha3_256_ecdsa", "2.16.840.1.101.3.4.3.11": "sha3_384_ecdsa",
    "2.16.840.1.101.3.4.3.12": "sha3_512_ecdsa", "1.2.840.113549.1.1.1": "rsassa_pkcs1v15",
    "1.2.840.10040.4.1": "dsa", "1.2.840.10045.4": "ecdsa", "1.3.101.112": "ed25519",
    "1.3.101.113": "ed448",
  };
  const WEB_HASH = { sha1: "SHA-1", sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };
  const CURVES = { "1.2.840.10045.3.1.7": ["P-256", 32], "1.3.132.0.34": ["P-384", 48], "1.3.132.0.35": ["P-521", 66] };

  const {
    DerError, parseAll, children, isUniv, isCtx, expect, seq, oid, int, intOf, octets, bitString,
    bool, algId, latin1, stringOf, dateOk, secondsOf,
  } = Der;

  /** UTCTime or GeneralizedTime of a certificate → unix seconds. */
  function certTime(n) {
    const t = latin1(n.content);
    let m, y;
    if (isUniv(n, 23)) {
      m = /^([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})Z$/.exec(t);
      if (!m) throw new DerError("bad UTCTime");
      y = Number(m[1]); y += y < 50 ? 2000 : 1900;
    } else if (isUniv(n, 24)) {
      m = /^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})Z$/.exec(t);
      if (!m) throw new DerError("bad GeneralizedTime");
      y = Number(m[1]);
    } else throw new DerError("bad validity time");
    const [mo, d, h, mi, s] = m.slice(2, 7).map(Number);
    if (!dateOk(y, mo, d, h, mi, s)) throw new DerError("bad validity time");
    return secondsOf(y, mo, d, h, mi, s);
  }

  // ------------------------------------------------------------------ certificates

  /** An X.509 certificate, read as cryptography's load_der_x509_certificate reads it. */
  function certificate(der) {
    return Der.strictly(() => readCertificate(der));
  }
  // the parameters cryptography's typed AlgorithmIdentifier allows for the OIDs it knows
  const NULL_OR_ABSENT = new Set(["1.2.840.113549.1.1.1", "1.2.840.113549.1.1.5", "1.2.840.113549.1.1.14",
    "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13", "1.2.840.10045.4.3.1",
    "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4", "1.2.840.10045.4.1"]);
  function checkParams(alg, what) {
    const p = alg.params;
    if (NULL_OR_ABSENT.has(alg.oid) && p && !(isUniv(p, 5) && !p.content.length)) throw new DerError(`${what}: NULL parameters expected`);
    if ((alg.oid === "1.3.101.112" || alg.oid === "1.3.101.113") && p) throw new DerError(`${what}: no parameters expected`);
    if (alg.oid === "1.2.840.10045.2.1" && !(p && (isUniv(p, 6) || isUniv(p, 5) || isUniv(p, 16)))) throw new DerError(`${what}: EC parameters expected`);
    if (alg.oid === "1.2.840.113549.1.1.10" && p) pssParams(p);
    if (isUniv(p, 6)) oid(p);
    return alg;
  }
  function readCertificate(der) {
    const top = parseAll(der);
    const c = seq(top, "Certificate");
    if (c.length !== 3) throw new DerError("Certificate: three elements expected");
    const tbs = seq(c[0], "TBSCertificate");
    let i = 0;
    let version = 0n;
    if (isCtx(tbs[0], 0)) {
      const v = children(tbs[0]);
      if (v.length !== 1) throw new DerError("bad version");
      version = int(v[0], "version"); i++;
    }
    if (version < 0n || version > 2n) throw new DerError(`invalid certificate version ${version}`);
    const serialNode = expect(tbs[i++], 2, "serialNumber");
    intOf(serialNode.content, "serialNumber");
    const innerAlg = checkParams(algId(tbs[i++], "signature"), "signature");
    const issuer = expect(tbs[i++], 16, "issuer");
    const validity = seq(tbs[i++], "validity");
    if (validity.length !== 2) throw new DerError("bad validity");
    const subject = expect(tbs[i++], 16, "subject");
    const spkiNode = tbs[i++];
    const spki = seq(spkiNode, "subjectPublicKeyInfo");
    if (spki.length !== 2) throw new DerError("bad subjectPublicKeyInfo");
    const keyAlg = checkParams(algId(spki[0], "subjectPublicKeyInfo.algorithm"), "subjectPublicKeyInfo.algorithm");
    const keyBits = bitString(spki[1], "subjectPublicKey");
    let extNode = null;
    for (; i < tbs.length; i++) {
      if (isCtx(tbs[i], 1) || isCtx(tbs[i], 2)) continue;
      if (isCtx(tbs[i], 3) && !extNode) { extNode = tbs[i]; continue; }
      throw new DerError("unexpected element in TBSCertificate");
    }
    const names = (n) => { // parse the Name now: a malformed one fails loading, as in cryptography
      for (const rdn of children(n)) {
        if (!isUniv(rdn, 17)) throw new DerError("bad RelativeDistinguishedName");
        for (const atv of children(rdn)) { const a = seq(atv, "AttributeTypeAndValue"); if (a.length !== 2) throw new DerError("bad attribute"); oid(a[0]); }
      }
      return n.raw;
    };
    const outerAlg = checkParams(algId(c[1], "signatureAlgorithm"), "signatureAlgorithm");
    const ext = extNode ? readExtensions(extNode) : [];
    const signature = bitString(c[2], "signatureValue");
    return {
      der, tbs: c[0].raw, sigAlg: outerAlg, innerAlg, signature: signature.subarray(1),
      serial: serialNode.content, issuer: names(issuer), issuerNode: issuer, subject: names(subject), subjectNode: subject,
      notBefore: certTime(validity[0]), notAfter: certTime(validity[1]),
      spki: spkiNode.raw, keyAlg, key: keyBits.subarray(1), ext,
    };
  }
  /** The extensions' structure, read when the certificate is (as cryptography does). */
  function readExtensions(extNode) {
    const inner = children(extNode);
    if (inner.length !== 1) throw new DerError("bad extensions");
    return seq(inner[0], "Extensions").map((e) => {
      const f = seq(e, "Extension");
      const id = oid(f[0]);
      let critical = false, k = 1;
      if (isUniv(f[1], 1)) {
        critical = bool(f[1], "critical"); k = 2;
        if (!critical) throw new DerError("critical FALSE encoded (a DEFAULT value, not DER)");
      }
      if (f.length !== k + 1) throw new DerError("bad Extension");
      return { oid: id, critical, value: octets(f[k], "extnValue") };
    });
  }
  /** The certificate's extensions {oid: {critical, value}}; throws on a repeated one (as
   *  cryptography's Certificate.extensions, lazily). */
  function extensions(cert) {
    const out = {};
    for (const e of cert.ext) {
      if (Object.prototype.hasOwnProperty.call(out, e.oid)) throw new DerError(`Duplicate ${e.oid} extension found`);
      out[e.oid] = e;
    }
    return out;
  }
  /** The subjectKeyIdentifier extension's value, or null. */
  function keyIdentifier(cert) {
    const e = extensions(cert)[OID_SKI];
    return e ? octets(parseAll(e.value), "subjectKeyIdentifier") : null;
  }
  function isCa(cert) {
    try {
      const e = extensions(cert)[OID_BASIC_CONSTRAINTS];
      if (!e) return false;
      const f = seq(parseAll(e.value), "BasicConstraints");
      return f.length > 0 && isUniv(f[0], 1) && bool(f[0], "cA");
    } catch (err) { return false; }
  }
  /** The attributes of a Name, in order: [{oid, node}]. */
  function nameAttributes(nameNode) {
    const out = [];
    for (const rdn of children(nameNode)) {
      const set = [];
      if (!isUniv(rdn, 17)) throw new DerError("RelativeDistinguishedName: SET expected");
      for (const atv of children(rdn)) {
        const a = seq(atv, "AttributeTypeAndValue");
        if (a.length !== 2) throw new DerError("bad AttributeTypeAndValue");
        set.push({ oid: oid(a[0]), node: a[1] });
      }
      out.push(set);
    }
    return out;
  }
  const RFC4514 = { "2.5.4.3": "CN", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
    "2.5.4.6": "C", "2.5.4.9": "STREET", "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID" };
  function escapeDn(val) {
    if (!val) return "";
    val = val.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\+/g, "\\+").replace(/,/g, "\\,")
      .replace(/;/g, "\\;").replace(/</g, "\\<").replace(/>/g, "\\>").replace(/\0/g, "\\00");
    if (val[0] === "#" || val[0] === " ") val = "\\" + val;
    if (val[val.length - 1] === " ") val = val.slice(0, -1) + "\\ ";
    return val;
  }
  /** cryptography's Name.rfc4514_string(). */
  function rfc4514(nameNode) {
    return nameAttributes(nameNode).reverse().map((rdn) => rdn.map((a) => {
      const s = stringOf(a.node);
      const value = s == null ? "#" + Bytes.hex(a.node.content) : escapeDn(s);
      return `${RFC4514[a.oid] || a.oid}=${value}`;
    }).join("+")).join(",");
  }
  /** A Name compared as asn1crypto compares them (by value, not by encoding): each RDN's
   *  attributes, string values trimmed, inner whitespace collapsed and lower-cased. */
  function nameKey(n) {
    expect(n, 16, "Name");
    return JSON.stringify(nameAttributes(n).map((rdn) => rdn.map((a) => {
      if (a.node.cls !== 0) throw new DerError("bad attribute value");
      const s = stringOf(a.node);
      return a.oid + "=" + (s == null ? "#" + Bytes.hex(a.node.raw) : s.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase());
    }).sort()));
  }

  // ------------------------------------------------------------------ keys and signatures

  const subtle = () => globalThis.crypto.subtle;
  /** The public key of a certificate: {type: "rsa"|"ec"|"ed25519"|other, …}; throws
   *  (UnsupportedAlgorithm) for a key type cryptography does not load. */
  function publicKey(cert) {
    const o = cert.keyAlg.oid;
    if (o === "1.2.840.113549.1.1.1") return { type: "rsa" };
    if (o === "1.2.840.10045.2.1") {
      const curve = cert.keyAlg.params && isUniv(cert.keyAlg.params, 6) ? oid(cert.keyAlg.params) : null;
      return { type: "ec", curve: CURVES[curve] || null };
    }
    if (o === "1.3.101.112") {
      if (cert.key.length !== 32) throw new DerError("bad Ed25519 key");
      return { type: "ed25519" };
    }
    if (o === "1.3.101.113") return { type: "ed448" };
    if (o === "1.2.840.10040.4.1") return { type: "dsa" };
    throw new DerError(`unsupported public key algorithm ${o}`);
  }
  /** A DER ECDSA-Sig-Value → r‖s of `size` bytes each, or null if it is not one. */
  function ecdsaRaw(sig, size) {
    let f;
    try { f = seq(parseAll(sig)); } catch (e) { return null; }
    if (f.length !== 2 || !isUniv(f[0], 2) || !isUniv(f[1], 2)) return null;
    const out = new Uint8Array(2 * size);
    for (let k = 0; k < 2; k++) {
      let c = f[k].content;
      if (!c.length || c[0] & 0x80) return null; // r, s positive
      if (c.length > 1 && c[0] === 0 && !(c[1] & 0x80)) return null; // not minimal: not DER
      while (c.length && c[0] === 0) c = c.subarray(1);
      if (c.length > size) return null;
      out.set(c, k * size + size - c.length);
    }
    return out;
  }
  /** Verify `sig` over `data` with the certificate's key; kind: rsassa_pkcs1v15 | rsassa_pss
   *  | ecdsa | ed25519. Returns true/false; throws "unsupported" (a string) when WebCrypto
   *  cannot do it (a curve or an RSA key it refuses). */
  async function verifyWith(cert, key, kind, hash, sig, data, saltLength) {
    if (kind === "ed25519") return Hash.ed25519Verify(cert.key, data, sig);
    let alg, params;
    if (kind === "rsassa_pkcs1v15") { alg = { name: "RSASSA-PKCS1-v1_5", hash: WEB_HASH[hash] }; params = { name: "RSASSA-PKCS1-v1_5" }; }
    else if (kind === "rsassa_pss") { alg = { name: "RSA-PSS", hash: WEB_HASH[hash] }; params = { name: "RSA-PSS", saltLength }; }
    else {
      if (!key.curve) throw "unsupported";
      alg = { name: "ECDSA", namedCurve: key.curve[0] }; params = { name: "ECDSA", hash: WEB_HASH[hash] };
      sig = ecdsaRaw(sig, key.curve[1]);
      if (!sig) return false;
    }
    let k;
    try { k = await subtle().importKey("spki", cert.spki, alg, false, ["verify"]); } catch (e) { throw "unsupported"; }
    try { return await subtle().verify(params, k, sig, data); } catch (e) { return false; }
  }
  /** asn1crypto's SignedDigestAlgorithm.signature_algo, or null (its ValueError). */
  function signatureAlgo(name) {
    if (/_rsa$/.test(name) || name === "rsassa_pkcs1v15") return "rsassa_pkcs1v15";
    if (name === "rsassa_pss") return "rsassa_pss";
    if (/_ecdsa$/.test(name) || name === "ecdsa") return "ecdsa";
    if (/_dsa$/.test(name) || name === "dsa") return "dsa";
    if (name === "ed25519" || name === "ed448") return name;
    return null;
  }
  /** asn1crypto's SignedDigestAlgorithm.hash_algo, or null (its ValueError). */
  function hashAlgo(name, alg) {
    if (name === "rsassa_pss") return pssParams(alg.params).hash;
    if (name === "ed25519") return "sha512";
    if (name === "ed448") return "shake256";
    const m = /^(md2|md5|sha1|sha224|sha256|sha384|sha512)_(rsa|dsa|ecdsa)$/.exec(name);
    return m ? m[1] : null;
  }
  /** RSASSA-PSS-params with their defaults (SHA-1, MGF1-SHA-1, salt 20). */
  function pssParams(n) {
    if (!n || !isUniv(n, 16)) throw new DerError("RSASSA-PSS parameters missing");
    const out = { hash: "sha1", mgf: "mgf1", mgfHash: "sha1", salt: 20 };
    for (const f of children(n)) {
      if (f.cls !== 2) throw new DerError("bad RSASSA-PSS parameters");
      const inner = children(f);
      if (inner.length !== 1) throw new DerError("bad RSASSA-PSS parameters");
      if (f.tag === 0) { const a = algId(inner[0]); out.hash = DIGEST_NAMES[a.oid] || a.oid; }
      else if (f.tag === 1) {
        const a = algId(inner[0]);
        out.mgf = a.oid === "1.2.840.113549.1.1.8" ? "mgf1" : a.oid;
        if (a.params) { const h = algId(a.params); out.mgfHash = DIGEST_NAMES[h.oid] || h.oid; }
      } else if (f.tag === 2) out.salt = Number(int(inner[0]));
    }
    return out;
  }

  /** cryptography's verify_directly_issued_by, as a boolean (tsa_certs._issued_by). */
  async function issuedBy(cert, issuer) {
    try {
      if (!Bytes.equal(cert.issuer, issuer.subject)) return false;
      const key = publicKey(issuer);
      const name = SIG_NAMES[cert.sigAlg.oid] || cert.sigAlg.oid;
      const kind = signatureAlgo(name);
      if (kind === "ed25519") return key.type === "ed25519" && await verifyWith(issuer, key, kind, null, cert.signature, cert.tbs);
      const hash = hashAlgo(name, cert.sigAlg);
      if (!WEB_HASH[hash]) return false;
      if (kind === "rsassa_pkcs1v15" && key.type === "rsa") return await verifyWith(issuer, key, kind, hash, cert.signature, cert.tbs);
      if (kind === "rsassa_pss" && key.type === "rsa") {
        const p = pssParams(cert.sigAlg.params);
        if (p.mgfHash !== hash) return false;
        return await verifyWith(issuer, key, kind, hash, cert.signature, cert.tbs, p.salt);
      }
      if (kind === "ecdsa" && key.type === "ec") return await verifyWith(issuer, key, kind, hash, cert.signature, cert.tbs);
      return false;
    } catch (e) { return false; }
  }

  return {
    DIGEST_NAMES, SIG_NAMES, WEB_HASH, certificate, certTime, extensions, keyIdentifier, isCa,
    nameAttributes, rfc4514, nameKey, publicKey, ecdsaRaw, verifyWith, signatureAlgo, hashAlgo,
    pssParams, issuedBy,
  };
})();
