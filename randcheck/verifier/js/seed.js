// Seed: the seed and stage keys (SPEC §6.2), HKDF-SHA-256 over the length-prefixed evidence.
// Port of randcheck/core/draw/seed.py; byte strings are Uint8Array, digests hex as in Python.
const Seed = (() => {
  /** u32(k) || lp(E_1) || … || lp(E_k), E_i = Entropy.encode(evidence i, source i). */
  function ikm(sources, evidence) {
    if (sources.length !== evidence.length) throw new TypeError("ikm: sources and evidence differ in length");
    const parts = [Spec.u32(sources.length)];
    for (let i = 0; i < sources.length; i++) parts.push(Spec.lp(Entropy.encode(evidence[i], sources[i])));
    return Bytes.concat(...parts);
  }

  /** HKDF-Expand(HKDF-Extract(A, IKM), tag("seed"), 32), A the announcement digest (hex). */
  function derive_seed(announcement_digest, ikm_bytes) {
    const salt = Bytes.fromHex(announcement_digest);
    if (salt === null) throw new TypeError("derive_seed: the announcement digest is not hex");
    const prk = Spec.hkdf_extract(salt, ikm_bytes);
    return Spec.hkdf_expand(prk, Spec.tag("seed"), 32);
  }

  /** K_s: 64 bytes, one SHA-256 block. */
  function ticket_key(seed, stratum) {
    return Spec.hkdf_expand(seed, Bytes.concat(Spec.tag("ticket"), Spec.lp(stratum)), 64);
  }

  /** K_p: 64 bytes. */
  function pairing_key(seed) {
    return Spec.hkdf_expand(seed, Spec.tag("pairing"), 64);
  }

  return { ikm, derive_seed, ticket_key, pairing_key };
})();
