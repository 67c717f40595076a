// Tsa: RFC 3161 time-stamp tokens checked offline — a port of randcheck/core/tsa.py,
// tsa_certs.py and tsatime.py (docs/SPEC-v2-timestamps.md §3–§5).
//
// The token is read with Der (js/der.js): TimeStampResp, CMS SignedData, TSTInfo; its
// certificates and signatures with X509 (js/x509.js). Every refusal is an RcError whose code
// is the tsa.* step that failed, in Python's order.
//
// Times are exact: a rational {num, den} of seconds since 1970-01-01T00:00:00Z (BigInts), as
// Python's Fraction (tsatime); `gen_time` (display) is an ISO text truncated to microseconds.
const Tsa = (() => {
  const OID_TST_INFO = "1.2.840.113549.1.9.16.1.4";
  const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
  const OID_SHA256 = "2.16.840.1.101.3.4.2.1";
  const OID_TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
  const OID_CONTENT_TYPE = "1.2.840.113549.1.9.3";
  const OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
  const OID_SIGNING_CERT_V2 = "1.2.840.113549.1.9.16.2.47";
  const OID_SIGNING_CERT = "1.2.840.113549.1.9.16.2.12";
  const OID_EKU = "2.5.29.37";
  const OID_CN = "2.5.4.3";
  const OID_O = "2.5.4.10";
  const DIGEST_LEN = 32;
  const CHECK_NAME = "timestamp";
  const MAX_CHAIN = 4;
  const MAX_POOL = 32;
  const MAX_FRACTION_DIGITS = 64;
  // 10000-01-01T00:00:00Z: genTime + accuracy must be before it (tsatime.END)
  const END = 253402300800n;


  const HASHES = new Set(["sha256", "sha384", "sha512"]);
  const PKI_STATUS = ["granted", "granted_with_mods", "rejection", "waiting", "revocation_warning", "revocation_notification"];
  const FAIL_INFO = { 0: "bad_alg", 2: "bad_request", 5: "bad_data_format", 14: "time_not_available",
    15: "unaccepted_policy", 16: "unaccepted_extension", 17: "add_info_not_available", 25: "system_failure" };

  const {
    DerError, node, parseAll, children, isUniv, isCtx, expect, seq, oid, int, intOf, octets, bitString,
    bool, algId, latin1, stringOf, dateOk, secondsOf,
  } = Der;
  const {
    DIGEST_NAMES, SIG_NAMES, WEB_HASH, certificate, extensions, keyIdentifier, isCa, nameAttributes,
    rfc4514, nameKey, publicKey, verifyWith, signatureAlgo, hashAlgo, pssParams, issuedBy,
  } = X509;

  const fail = (code, params = {}) => new Checks.RcError(code, params);
  const reason = (e) => String((e && e.message) || (e && e.name) || "Error").split("\n")[0].slice(0, 200);

  // ------------------------------------------------------------------ times (tsatime.py)

  const pad = (n, w = 2) => String(n).padStart(w, "0");
  /** Whole seconds → "YYYY-MM-DDTHH:MM:SS" (UTC). */
  function isoSeconds(t) {
    const days = Math.floor(t / 86400), rem = t - days * 86400;
    // civil_from_days
    const z = days + 719468, era = Math.floor(z / 146097), doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1, m = mp + (mp < 10 ? 3 : -9);
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    return `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(Math.floor(rem / 3600))}:${pad(Math.floor(rem / 60) % 60)}:${pad(rem % 60)}`;
  }

  /** The contents of a DER GeneralizedTime → {whole (unix s), micro, exact {num, den}};
   *  throws DerError like tsatime.parse_generalized_time's ValueError. */
  function parse_generalized_time(bytes) {
    const m = /^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})(?:\.([0-9]+))?Z$/.exec(latin1(bytes));
    if (!m) throw new DerError("genTime must be YYYYMMDDhhmmss[.fraction]Z (RFC 3161 §2.4.2)");
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
    const fraction = m[7] || "";
    if (fraction.endsWith("0")) throw new DerError("genTime fraction has trailing zeros (not DER, RFC 3161 §2.4.2)");
    if (fraction.length > MAX_FRACTION_DIGITS) throw new DerError(`genTime fraction has more than ${MAX_FRACTION_DIGITS} digits`);
    if (!dateOk(y, mo, d, h, mi, s)) throw new DerError("genTime is not a real UTC time");
    const whole = secondsOf(y, mo, d, h, mi, s);
    const den = 10n ** BigInt(fraction.length);
    const num = BigInt(whole) * den + (fraction ? BigInt(fraction) : 0n);
    return { whole, micro: Number((fraction + "000000").slice(0, 6)), exact: { num, den } };
  }

  /** RFC 3161 Accuracy as exact seconds {num, den}; throws DerError (tsatime.accuracy_seconds). */
  function accuracy_seconds(seconds, millis, micros) {
    if (seconds != null && seconds < 0n) throw new DerError(`accuracy seconds must be >= 0, not ${seconds}`);
    for (const [name, v] of [["millis", millis], ["micros", micros]]) {
      if (v != null && (v < 1n || v > 999n)) throw new DerError(`accuracy ${name} must be 1..999, not ${v}`);
    }
    return { num: (seconds || 0n) * 1000000n + (millis || 0n) * 1000n + (micros || 0n), den: 1000000n };
  }
  const addQ = (a, b) => ({ num: a.num * b.den + b.num * a.den, den: a.den * b.den });
  /** a < b for rationals (or b a whole number: BigInt/Number). */
  function lessQ(a, b) {
    if (typeof b !== "object") b = { num: BigInt(b), den: 1n };
    return a.num * b.den < b.num * a.den;
  }
  /** ceil of a rational, as a Number. */
  function ceilQ(q) {
    let f = q.num / q.den; if (f * q.den !== q.num && q.num > 0n) f += 1n;
    if (q.num < 0n && f * q.den > q.num) f -= 1n; // BigInt division truncates toward zero
    return Number(f);
  }
  function floorQ(q) {
    let f = q.num / q.den; if (q.num < 0n && f * q.den !== q.num) f -= 1n;
    return Number(f);
  }
  /** Exact UTC text of a time (commitment._utc): up to 9 fractional digits, never rounded. */
  function utc(q) {
    if (typeof q !== "object") q = { num: BigInt(q), den: 1n };
    const whole = floorQ(q);
    let text = isoSeconds(whole);
    let frac = { num: q.num - BigInt(whole) * q.den, den: q.den };
    if (frac.num) {
      let digits = "";
      while (frac.num && digits.length < 9) {
        frac = { num: frac.num * 10n, den: frac.den };
        const dgt = frac.num / frac.den;
        digits += String(dgt);
        frac = { num: frac.num - dgt * frac.den, den: frac.den };
      }
      text += "." + digits;
    }
    return text + "Z";
  }
  /** Python's datetime.isoformat() of a UTC time with microseconds, "+00:00" → "Z". */
  const isoMicro = (whole, micro) => isoSeconds(whole) + (micro ? "." + pad(micro, 6) : "") + "Z";

  // ------------------------------------------------------------------ the trust rule (tsa_certs.py)

  /** A TSA's own text, safe to show (tsa_certs.printable). */
  function printable(text, limit = 300) {
    const out = Array.from(text, (c) => (c === " " || !/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u.test(c) ? c : " ")).join("");
    return Array.from(out).slice(0, limit).join("").trim();
  }
  /** The signer certificate's subject (CN, O) as text (tsa._tsa_name). */
  function tsaName(cert) {
    if (!cert) return "";
    const attrs = nameAttributes(cert.subjectNode).flat();
    const parts = [];
    for (const want of [OID_CN, OID_O]) for (const a of attrs) if (a.oid === want) parts.push(stringOf(a.node) ?? "");
    return printable(parts.length ? parts.join(", ") : rfc4514(cert.subjectNode));
  }
  const validAt = (cert, exact) => !lessQ(exact, cert.notBefore) && !lessQ({ num: BigInt(cert.notAfter), den: 1n }, exact);

  // ------------------------------------------------------------------ signatures

  const subtle = () => globalThis.crypto.subtle;
  async function digestOf(name, data) {
    if (name === "sha256") return Hash.sha256(data);
    return new Uint8Array(await subtle().digest(WEB_HASH[name], data));
  }

  /** tsa._verify_signature: the SignerInfo's signature over the signed attributes. */
  async function verifySignature(cert, si, data, dname) {
    const name = SIG_NAMES[si.sigAlg.oid] || si.sigAlg.oid;
    const unsupported = () => fail("tsa.signature_algorithm", { algorithm: name });
    let key;
    try { key = publicKey(cert); } catch (e) { throw unsupported(); }
    const kind = signatureAlgo(name);
    if (kind == null) throw unsupported();
    let ok;
    try {
      if (kind === "ed25519" && key.type === "ed25519") {
        ok = await verifyWith(cert, key, kind, null, si.signature, data);
      } else {
        const hashName = (name === "rsassa_pkcs1v15" || name === "ecdsa") ? dname : hashAlgo(name, si.sigAlg);
        if (hashName == null) throw unsupported();
        if (!HASHES.has(hashName)) throw fail("tsa.signature_algorithm", { algorithm: `${name}/${hashName}` });
        if (kind === "rsassa_pkcs1v15" && key.type === "rsa") {
          ok = await verifyWith(cert, key, kind, hashName, si.signature, data);
        } else if (kind === "rsassa_pss" && key.type === "rsa") {
          const p = pssParams(si.sigAlg.params);
          if (p.mgf !== "mgf1" || p.mgfHash !== hashName) throw fail("tsa.signature_algorithm", { algorithm: `${name}/mgf ${p.mgfHash}` });
          ok = await verifyWith(cert, key, kind, hashName, si.signature, data, p.salt);
        } else if (kind === "ecdsa" && key.type === "ec") {
          ok = await verifyWith(cert, key, kind, hashName, si.signature, data);
        } else throw unsupported();
      }
    } catch (e) {
      if (e === "unsupported") throw unsupported();
      throw e;
    }
    if (!ok) throw fail("tsa.bad_signature", { tsa: tsaName(cert) });
  }

  /** The trust rule (tsa_certs.chains_to): `signer` equals an anchor, or is issued by one
   *  through at most MAX_CHAIN certificates of `pool` (signer included), each between being
   *  a CA valid at `genTime`. Breadth-first from the anchors. */
  async function chains_to(signer, pool, anchors, genTime) {
    if (anchors.some((a) => Bytes.equal(a.der, signer.der))) return true;
    const cas = new Map();
    for (const cert of pool.slice(0, MAX_POOL)) {
      const k = Bytes.hex(cert.der);
      if (validAt(cert, genTime) && isCa(cert) && !cas.has(k)) cas.set(k, cert);
    }
    let frontier = anchors.slice();
    for (let level = 0; level < MAX_CHAIN; level++) {
      for (const issuer of frontier) if (await issuedBy(signer, issuer)) return true;
      const next = [];
      for (const c of cas.values()) {
        for (const i of frontier) if (await issuedBy(c, i)) { next.push(c); break; }
      }
      for (const c of next) cas.delete(Bytes.hex(c.der));
      frontier = next;
      if (!frontier.length) return false;
    }
    return false;
  }

  /** The trusted certificates (DER) parsed; tsa.bad_certificates. */
  function load_trusted(trusted) {
    return Array.from(trusted || [], (der, i) => {
      try { return certificate(der); } catch (e) {
        throw fail("tsa.bad_certificates", { source: `trusted[${i}]`, reason: reason(e) });
      }
    });
  }

  // ------------------------------------------------------------------ the token

  /** TimeStampResp → the DER token (tsa.parse_response); tsa.refused unless granted. */
  function parse_response(der) {
    let status, texts = [], failInfo = [], token = null;
    try {
      const f = seq(parseAll(der), "TimeStampResp");
      if (f.length < 1 || f.length > 2) throw new DerError("TimeStampResp: bad number of fields");
      const si = seq(f[0], "PKIStatusInfo");
      const code = int(si[0], "status");
      status = code >= 0n && code < 6n ? PKI_STATUS[Number(code)] : String(code);
      let k = 1;
      if (isUniv(si[k], 16)) {
        for (const t of seq(si[k])) { if (!isUniv(t, 12)) throw new DerError("statusString: UTF8String expected"); texts.push(Bytes.text(t.content)); }
        k++;
      }
      if (isUniv(si[k], 3)) {
        const bits = bitString(si[k]);
        for (let i = 0; i < (bits.length - 1) * 8; i++) {
          if (bits[1 + (i >> 3)] & (0x80 >> (i & 7))) failInfo.push(FAIL_INFO[i] || String(i));
        }
        k++;
      }
      if (k !== si.length) throw new DerError("PKIStatusInfo: unexpected element");
      if (f[1]) { expect(f[1], 16, "timeStampToken"); token = f[1].raw; }
    } catch (e) {
      if (e instanceof Checks.RcError) throw e;
      throw fail("tsa.malformed", { part: "TimeStampResp", reason: reason(e) });
    }
    if (status !== "granted" && status !== "granted_with_mods") {
      throw fail("tsa.refused", { status, text: printable(texts.join("; ")) || "-", fail_info: failInfo.sort().join(", ") || "-" });
    }
    if (token == null) throw fail("tsa.malformed", { part: "TimeStampResp", reason: "granted without a token" });
    return token;
  }

  /** A ContentInfo as it is, or the token inside a TimeStampResp. */
  function tokenDer(der) {
    if (!(der instanceof Uint8Array) || !der.length) throw fail("tsa.malformed", { part: "TimeStampToken", reason: "empty input" });
    let first;
    try {
      const outer = parseAll(der);
      if (outer.tag !== 16) throw new DerError("not a SEQUENCE");
      first = node(der, outer.body, outer.end).tag;
    } catch (e) { throw fail("tsa.malformed", { part: "TimeStampToken", reason: reason(e) }); }
    return first === 16 ? parse_response(der) : der;
  }

  /** SignedData's SignerInfo → its parts. */
  function signerInfo(n) {
    const f = seq(n, "SignerInfo");
    let i = 0;
    i++; // version: not read (asn1crypto parses a field only when it is read)
    const sidNode = f[i++];
    let sid;
    if (isUniv(sidNode, 16)) {
      const s = children(sidNode);
      if (s.length !== 2) throw new DerError("bad IssuerAndSerialNumber");
      sid = { kind: "issuer_and_serial_number", issuer: nameKey(s[0]), serial: int(s[1], "serialNumber") };
    } else if (isCtx(sidNode, 0) && !sidNode.cons) {
      sid = { kind: "subject_key_identifier", ski: sidNode.content };
    } else throw new DerError("bad SignerIdentifier");
    const digestAlg = algId(f[i++], "digestAlgorithm");
    let signedAttrs = null;
    if (isCtx(f[i], 0)) { signedAttrs = f[i++]; attributes(signedAttrs); }
    const sigAlg = algId(f[i++], "signatureAlgorithm");
    const signature = octets(f[i++], "signature");
    return { sid, digestAlg, signedAttrs, sigAlg, signature };
  }
  /** [{oid, values: [node]}] of a SET OF Attribute (any tag). */
  function attributes(n) {
    return children(n).map((a) => {
      const f = seq(a, "Attribute");
      if (f.length !== 2 || !isUniv(f[1], 17)) throw new DerError("bad Attribute");
      return { oid: oid(f[0]), values: children(f[1]) };
    });
  }

  /** TSTInfo, every field read (genTime only as raw text here). */
  function tstInfo(der) {
    const f = seq(parseAll(der), "TSTInfo");
    let i = 0;
    const version = int(f[i++], "version");
    const policy = oid(f[i++], "policy");
    const mi = seq(f[i++], "messageImprint");
    if (mi.length !== 2) throw new DerError("bad MessageImprint");
    const imprintAlg = algId(mi[0], "hashAlgorithm");
    const hashed = octets(mi[1], "hashedMessage");
    const serial = int(f[i++], "serialNumber");
    const genTime = expect(f[i++], 24, "genTime");
    let accuracy = null, nonce = null;
    if (isUniv(f[i], 16)) {
      accuracy = { seconds: null, millis: null, micros: null };
      for (const a of children(f[i++])) {
        if (isUniv(a, 2)) accuracy.seconds = int(a);
        else if (isCtx(a, 0) && !a.cons) accuracy.millis = intOf(a.content, "millis");
        else if (isCtx(a, 1) && !a.cons) accuracy.micros = intOf(a.content, "micros");
        else throw new DerError("bad Accuracy");
      }
    }
    if (isUniv(f[i], 1)) bool(f[i++], "ordering");
    if (isUniv(f[i], 2)) nonce = int(f[i++], "nonce");
    if (isCtx(f[i], 0)) { if (children(f[i]).length !== 1) throw new DerError("bad tsa"); i++; }
    if (isCtx(f[i], 1)) { children(f[i]); i++; }
    if (i !== f.length) throw new DerError("TSTInfo: unexpected element");
    return { version, policy, imprintAlg, hashed, serial, genTime, accuracy, nonce };
  }

  /** tsa._parse: ContentInfo → {signerInfo, tst, econtent, certs, signer}. */
  function parse(der) {
    der = tokenDer(der);
    try {
      const ci = seq(parseAll(der), "ContentInfo");
      const ctype = oid(ci[0], "contentType");
      if (ctype !== OID_SIGNED_DATA) throw fail("tsa.not_signed_data", { content_type: ctype });
      if (ci.length !== 2 || !isCtx(ci[1], 0)) throw new DerError("ContentInfo: content missing");
      const inner = children(ci[1]);
      if (inner.length !== 1) throw new DerError("ContentInfo: bad content");
      const sd = seq(inner[0], "SignedData");
      let i = 0;
      int(sd[i++], "SignedData.version");
      i++; // digestAlgorithms: not read (SPEC-v2-timestamps §3)
      const encap = seq(sd[i++], "EncapsulatedContentInfo");
      const etype = oid(encap[0], "eContentType");
      if (etype !== OID_TST_INFO) throw fail("tsa.wrong_econtent_type", { content_type: etype });
      if (encap.length < 2) throw fail("tsa.malformed", { part: "eContent", reason: "no TSTInfo" });
      if (encap.length > 2 || !isCtx(encap[1], 0)) throw new DerError("bad eContent");
      const ec = children(encap[1]);
      if (ec.length !== 1) throw new DerError("bad eContent");
      const econtent = octets(ec[0], "eContent");
      const tst = tstInfo(econtent);
      let certNodes = [];
      if (isCtx(sd[i], 0)) certNodes = children(sd[i++]);
      if (isCtx(sd[i], 1)) { children(sd[i]); i++; }
      if (!isUniv(sd[i], 17)) throw new DerError("signerInfos: SET expected");
      const infoNodes = children(sd[i++]);
      if (i !== sd.length) throw new DerError("SignedData: unexpected element");
      const infos = infoNodes.map(signerInfo);
      if (infos.length !== 1) throw fail("tsa.signer_count", { count: infos.length });
      for (const c of certNodes) {
        if (!isUniv(c, 16) && !(c.cls === 2 && c.tag <= 3)) throw new DerError("a CertificateChoices alternative was expected");
      }
      const certs = certNodes.filter((c) => isUniv(c, 16)).map((c) => certificate(c.raw.slice()));
      const si = infos[0];
      return { signerInfo: si, tst, econtent, certs, signer: find_signer(si, certs) };
    } catch (e) {
      if (e instanceof Checks.RcError) throw e;
      throw fail("tsa.malformed", { part: "TimeStampToken", reason: reason(e) });
    }
  }

  /** The certificate the SignerInfo's sid names, or null (tsa._find_signer). */
  function find_signer(si, certs) {
    for (const cert of certs) {
      if (si.sid.kind === "issuer_and_serial_number") {
        if (nameKey(cert.issuerNode) === si.sid.issuer && intOf(cert.serial) === si.sid.serial) return cert;
      } else {
        const ki = keyIdentifier(cert);
        if (ki != null && Bytes.equal(ki, si.sid.ski)) return cert;
      }
    }
    return null;
  }

  /** genTime and accuracy, exactly (tsa._times). */
  function times(tst) {
    let g;
    try { g = parse_generalized_time(tst.genTime.content); } catch (e) {
      throw fail("tsa.malformed", { part: "genTime", reason: reason(e) });
    }
    if (tst.accuracy == null) return [g, null];
    let acc;
    try { acc = accuracy_seconds(tst.accuracy.seconds, tst.accuracy.millis, tst.accuracy.micros); } catch (e) {
      throw fail("tsa.malformed", { part: "accuracy", reason: reason(e) });
    }
    if (!lessQ(addQ(g.exact, acc), END)) throw fail("tsa.malformed", { part: "accuracy", reason: "genTime + accuracy is after 9999" });
    return [g, acc];
  }

  /** The Token (tsa.Token): what the token says. */
  function makeToken(parsed, signer) {
    const tst = parsed.tst;
    const [g, acc] = times(tst);
    const signerDer = signer ? signer.der : new Uint8Array(0);
    const accuracy = acc || { num: 0n, den: 1n };
    const latest = addQ(g.exact, accuracy);
    // display (latest_time): genTime truncated to µs + accuracy (whole µs)
    const accMicro = Number(accuracy.num * 1000000n / accuracy.den);
    const latestMicro = g.micro + accMicro;
    return {
      gen_time: isoMicro(g.whole, g.micro),
      gen_time_exact: g.exact,
      imprint: tst.hashed,
      serial: tst.serial,
      policy: tst.policy,
      tsa_name: tsaName(signer),
      signer_cert: signerDer,
      signer_fingerprint: signerDer.length ? Hash.sha256hex(signerDer) : "",
      nonce: tst.nonce,
      accuracy: acc,
      certificates: parsed.certs.map((c) => c.der),
      latest_exact: latest,
      latest_time: isoMicro(g.whole + Math.floor(latestMicro / 1000000), latestMicro % 1000000),
    };
  }

  /** Parse a token or a TimeStampResp without checking signatures (tsa.read_token). */
  function read_token(der) {
    const parsed = parse(der);
    return makeToken(parsed, parsed.signer);
  }

  function singleAttr(attrs, id) {
    const found = attrs.filter((a) => a.oid === id);
    if (!found.length) return null;
    if (found.length !== 1 || found[0].values.length !== 1) {
      throw fail("tsa.malformed", { part: "signedAttrs", reason: `${id} must have one value` });
    }
    return found[0].values[0];
  }
  function hashName(alg, what) {
    const name = DIGEST_NAMES[alg.oid] || alg.oid;
    if (!HASHES.has(name)) throw fail("tsa.digest_algorithm", { what, algorithm: name });
    return name;
  }

  /** Content-type and message-digest attributes → [the DER SET OF attrs, the digest name]. */
  async function checkSignedAttrs(parsed) {
    const si = parsed.signerInfo;
    const dname = hashName(si.digestAlg, "SignerInfo.digestAlgorithm");
    if (!si.signedAttrs || !si.signedAttrs.content.length) throw fail("tsa.no_signed_attrs");
    const attrs = attributes(si.signedAttrs);
    si.attrs = attrs;
    const ctype = singleAttr(attrs, OID_CONTENT_TYPE);
    if (ctype == null || !isUniv(ctype, 6) || oid(ctype) !== OID_TST_INFO) throw fail("tsa.attr_content_type");
    const md = singleAttr(attrs, OID_MESSAGE_DIGEST);
    if (md == null || !Bytes.equal(octets(md, "messageDigest"), await digestOf(dname, parsed.econtent))) {
      throw fail("tsa.attr_message_digest", { algorithm: dname });
    }
    const raw = si.signedAttrs.raw.slice();
    raw[0] = 0x31;
    return [raw, dname];
  }

  /** The signing-certificate attributes, when present, name the signer (tsa._check_ess). */
  async function checkEss(si, signer) {
    for (const [id, version] of [[OID_SIGNING_CERT_V2, 2], [OID_SIGNING_CERT, 1]]) {
      const value = singleAttr(si.attrs, id);
      if (value == null) continue;
      const sc = seq(value, "SigningCertificate");
      const certs = seq(sc[0], "certs");
      if (!certs.length) throw fail("tsa.ess_mismatch", { version });
      const first = seq(certs[0], "ESSCertID");
      let k = 0, expected;
      if (version === 2) {
        let algorithm = "sha256";
        if (isUniv(first[0], 16)) { const a = algId(first[k++]); algorithm = DIGEST_NAMES[a.oid] || a.oid; }
        if (!HASHES.has(algorithm)) throw fail("tsa.digest_algorithm", { what: "ESSCertIDv2", algorithm });
        expected = await digestOf(algorithm, signer.der);
      } else {
        expected = new Uint8Array(await subtle().digest("SHA-1", signer.der));
      }
      if (!Bytes.equal(octets(first[k++], "certHash"), expected)) throw fail("tsa.ess_mismatch", { version });
      if (first[k]) {
        const is = seq(first[k], "IssuerSerial");
        const names = [];
        for (const g of seq(is[0], "GeneralNames")) {
          if (isCtx(g, 4)) { const inner = children(g); if (inner.length !== 1) throw new DerError("bad directoryName"); names.push(inner[0].raw); }
        }
        const serial = int(is[1], "serialNumber");
        if (!names.some((n) => Bytes.equal(n, signer.issuer)) || serial !== intOf(signer.serial)) {
          throw fail("tsa.ess_mismatch", { version });
        }
      }
    }
  }

  /** RFC 3161 §2.3: the signer's extendedKeyUsage, and validity at genTime. */
  function checkCertificate(cert, token) {
    const eku = extensions(cert)[OID_EKU];
    if (!eku) throw fail("tsa.eku_missing", { tsa: tsaName(cert) });
    const purposes = seq(parseAll(eku.value), "ExtendedKeyUsage").map((n) => oid(n));
    if (!purposes.includes(OID_TIME_STAMPING)) throw fail("tsa.eku_missing", { tsa: tsaName(cert) });
    if (!eku.critical) throw fail("tsa.eku_not_critical", { tsa: tsaName(cert) });
    if (purposes.length !== 1) throw fail("tsa.eku_not_only", { tsa: tsaName(cert) });
    if (!validAt(cert, token.gen_time_exact)) {
      throw fail("tsa.cert_not_valid", {
        subject: printable(rfc4514(cert.subjectNode)), gen_time: token.gen_time,
        not_before: isoSeconds(cert.notBefore) + "Z", not_after: isoSeconds(cert.notAfter) + "Z",
      });
    }
  }

  /** Full offline check of a token (or a TimeStampResp holding one) over `digest`
   *  (tsa.verify_token); throws RcError naming the failed step. */
  async function verify_token(der, digest, trusted = []) {
    if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_LEN) {
      throw fail("tsa.bad_digest", { length: digest instanceof Uint8Array ? digest.length : 0 });
    }
    const parsed = parse(der);
    const tst = parsed.tst;
    let token, trustedOk;
    try {
      if (tst.version !== 1n) throw fail("tsa.version", { version: tst.version >= 0n && tst.version <= 5n ? `v${tst.version}` : String(tst.version) });
      const [signedAttrs, dname] = await checkSignedAttrs(parsed);
      let signer = parsed.signer;
      const anchors = load_trusted(trusted);
      if (signer == null) signer = find_signer(parsed.signerInfo, anchors);
      if (signer == null) throw fail("tsa.signer_cert_missing");
      await verifySignature(signer, parsed.signerInfo, signedAttrs, dname);
      await checkEss(parsed.signerInfo, signer);
      token = makeToken(parsed, signer);
      checkCertificate(signer, token);
      if (tst.imprintAlg.oid !== OID_SHA256) throw fail("tsa.imprint_algorithm", { algorithm: tst.imprintAlg.oid });
      if (!Bytes.equal(token.imprint, digest)) {
        throw fail("tsa.imprint_mismatch", { expected: Bytes.hex(digest), actual: Bytes.hex(token.imprint) });
      }
      trustedOk = !anchors.length || await chains_to(signer, parsed.certs, anchors, token.gen_time_exact);
    } catch (e) {
      if (e instanceof Checks.RcError) throw e;
      throw fail("tsa.malformed", { part: "TimeStampToken", reason: reason(e) });
    }
    if (!trustedOk) throw fail("tsa.untrusted", { tsa: token.tsa_name, fingerprint: token.signer_fingerprint });
    return token;
  }

  /** The trust rule of verify_token, without throwing (tsa.is_trusted). */
  async function is_trusted(token, trusted) {
    if (!trusted || !trusted.length || !token.signer_cert.length) return false;
    try {
      const anchors = load_trusted(trusted);
      const signer = certificate(token.signer_cert);
      const pool = token.certificates.map(certificate);
      return await chains_to(signer, pool, anchors, token.gen_time_exact);
    } catch (e) { return false; }
  }

  /** The token as the named check `timestamp` (tsa.check) → [check, token|null]. */
  async function check(der, digest, trusted = []) {
    let token;
    try { token = await verify_token(der, digest, trusted); } catch (e) {
      if (e instanceof Checks.RcError) return [Checks.fromError(CHECK_NAME, e), null];
      throw e;
    }
    const params = { tsa: token.tsa_name, time: token.gen_time, fingerprint: token.signer_fingerprint };
    if (!trusted.length) return [Checks.notVerified(CHECK_NAME, "tsa.unverified_tsa", params), token];
    return [Checks.passed(CHECK_NAME, "tsa.anchored", params), token];
  }
  return {
    OID_TST_INFO, OID_SIGNED_DATA, OID_SHA256, OID_TIME_STAMPING, DIGEST_LEN, CHECK_NAME, MAX_CHAIN, MAX_POOL,
    verify_token, read_token, parse_response, is_trusted, check, load_trusted, chains_to,
    parse_generalized_time, accuracy_seconds, printable, utc, ceilQ, lessQ, addQ,
  };
})();
