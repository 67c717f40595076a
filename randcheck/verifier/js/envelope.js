// Envelope: signed-document envelopes (SPEC §2) — a port of randcheck/core/draw/envelope.py.
// The body's bytes are taken verbatim from the file (never re-serialised) and checked to be
// canonical; the envelope must be exactly {"signed":<body>,"signatures":<JCS array>}.
//
// open_envelope(data, kind) → {kind, body: Uint8Array, doc, signatures: [[keyid, sig], …], digest}
const Envelope = (() => {
  const HEAD = Bytes.utf8('{"signed":');
  const SEP = Bytes.utf8(',"signatures":[');
  const TAIL = Bytes.utf8("]}");
  const KEYID = /^[0-9a-f]{64}$/;
  const SIG = /^[0-9a-f]{128}$/;
  const Err = (code, params) => new Checks.RcError(code, params);

  function startsWith(data, prefix, at = 0) {
    if (data.length < at + prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (data[at + i] !== prefix[i]) return false;
    return true;
  }
  function rfind(data, needle) {
    for (let i = data.length - needle.length; i >= 0; i--) {
      if (data[i] === needle[0] && startsWith(data, needle, i)) return i;
    }
    return -1;
  }

  /** {"signed":<body>,"signatures":<JCS array>} with the body bytes verbatim. */
  function wrap(body, signatures) {
    const sigs = Json.canonical(signatures.map(([k, s]) => ({ keyid: k, sig: s })));
    return Bytes.concat(HEAD, body, Bytes.utf8(',"signatures":'), sigs, Bytes.utf8("}"));
  }

  function hashable(v) { return v === null || typeof v !== "object"; }

  /** Split an envelope into its verbatim body and signatures; RcError as Python's
   *  VerificationError (proto.envelope_layout, proto.not_canonical, proto.wrong_spec,
   *  proto.wrong_kind). */
  function open_envelope(data, kind = null) {
    const i = rfind(data, SEP);
    if (!startsWith(data, HEAD) || i < 0 || !startsWith(data, TAIL, data.length - TAIL.length)) {
      throw Err("proto.envelope_layout");
    }
    const body = data.subarray(HEAD.length, i);
    let sigs; let doc;
    try {
      Bytes.text(data); // json.loads(data.decode("utf-8")) of the whole: strict UTF-8
      sigs = Json.parse(data.subarray(i + SEP.length - 1, data.length - 1));
      doc = Json.parse(body);
    } catch (e) {
      if (e instanceof Checks.RcError || e instanceof TypeError) throw Err("proto.envelope_layout");
      throw e;
    }
    if (!Json.is_canonical(body, doc) || !Json.isObject(doc)) throw Err("proto.not_canonical");
    const found = doc.kind;
    const spec = doc.spec;
    if (!hashable(spec)) { const e = new TypeError("unhashable type"); throw e; }
    const allowedSpec = Spec.ALL_SPECS.includes(spec);
    const known = (k) => typeof k === "string" && Object.prototype.hasOwnProperty.call(Spec.DOCUMENT_SPECS, k);
    if (!allowedSpec || (known(found) && !Spec.spec_allowed(found, spec))) {
      throw Err("proto.wrong_spec", { spec: typeof spec === "string" ? spec : Spec.repr(spec) });
    }
    if (!hashable(found)) throw new TypeError("unhashable type");
    if (!known(found) || (kind !== null && found !== kind)) {
      throw Err("proto.wrong_kind", { kind: typeof found === "string" ? found : Spec.repr(found), expected: kind });
    }
    if (!Array.isArray(sigs)) throw Err("proto.envelope_layout");
    const pairs = [];
    for (const s of sigs) {
      if (!Json.isObject(s)) throw Err("proto.envelope_layout");
      const ks = Object.keys(s);
      if (ks.length !== 2 || !Json.has(s, "keyid") || !Json.has(s, "sig")) throw Err("proto.envelope_layout");
      if (typeof s.keyid !== "string" || typeof s.sig !== "string") throw Err("proto.envelope_layout");
      if (!KEYID.test(s.keyid) || !SIG.test(s.sig)) throw Err("proto.envelope_layout");
      pairs.push([s.keyid, s.sig]);
    }
    if (!Bytes.equal(wrap(body, pairs), data)) throw Err("proto.envelope_layout");
    return { kind: found, body, doc, signatures: pairs, digest: Spec.digest(found, body) };
  }

  /** Check the signatures against trusted `keys` ({key id hex: raw}); returns the key ids
   *  that verified. RcError signature.invalid if a known key's signature fails,
   *  proto.no_trusted_signature if no trusted key signed. Unknown key ids are ignored. */
  async function verify(env, keys) {
    const good = [];
    for (const [keyid, sig] of env.signatures) {
      if (!Object.prototype.hasOwnProperty.call(keys, keyid)) continue;
      const pub = keys[keyid];
      if (pub == null) continue;
      const ok = await Hash.ed25519Verify(pub, Spec.signing_input(env.kind, env.body), Bytes.fromHex(sig));
      if (!ok) throw Err("signature.invalid", { key_id: Hash.keyId(pub).slice(0, 16) });
      good.push(keyid);
    }
    if (!good.length) throw Err("proto.no_trusted_signature", { kind: env.kind });
    return good;
  }

  return { open_envelope, verify, wrap };
})();
