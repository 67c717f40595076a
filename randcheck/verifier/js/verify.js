// Verify: the checks of `randcheck verify`, in its order (randcheck/services/verify/__init__.py).
//
// verify(source, options) → the report Python's BundleReport.to_json() gives (without "path"):
//   {ok, status, checks, first_failure, format, task_id, record_digest, verification_code,
//    trusted_keys, log_seqs, entity}
// source: one of Reading.sources (a picked folder, a dropped .zip, the bundle's own http folder).
// options: {keys: [raw Uint8Array…] (trusted office keys), witnessKeys: [raw…],
//           checkpoints: [Uint8Array…] (held checkpoints, C2SP signed notes),
//           tsaCerts: [DER Uint8Array…], entity: "credit code" | null, verifyBls: true}
const Verify = (() => {
  const L = Reading.LAYOUT;
  // the checks whose outcome depends on whose key signed (addendum.<n> by prefix; and
  // Ordering.SIGNER_CHECKS, read when called: ordering.js is joined before this file)
  const SIGNER_CHECKS = new Set(["announcement.signature", "record.signature", "log.checkpoint",
    "log.consistency", "inspection.documents", "files.signature"]);
  const NOTHING_SIGNED = new Set(["verify.results_none", "verify.consistency_none"]);

  function isSignerCheck(name) {
    return SIGNER_CHECKS.has(name) || Ordering.SIGNER_CHECKS.has(name) || name.startsWith("addendum.");
  }

  /** {key id: raw} from a list of raw keys. */
  function keyMap(raws) {
    const out = {};
    for (const raw of raws || []) out[Hash.keyId(raw)] = raw;
    return out;
  }

  /** The bundle's own keys/operator.pub as {key id: raw}; empty when absent or unreadable. */
  function ownKey(found) {
    const raw = found.get(L.OPERATOR_KEY);
    if (raw == null) return {};
    let pub;
    try { pub = Keys.parsePublicText(Bytes.text(raw)); } catch (e) { return {}; }
    return pub ? { [Hash.keyId(pub)]: pub } : {};
  }

  function unconfirmed(checks, own) {
    const ids = Object.keys(own);
    if (!ids.length) return [Checks.notVerified("trust", "verify.no_trusted_keys"), ...checks.slice(1)];
    const keyId = ids[0].slice(0, 16);
    const out = [Checks.notVerified("trust", "verify.untrusted_own_key", { key_id: keyId })];
    for (let c of checks.slice(1)) {
      if (c.ok && isSignerCheck(c.name) && !NOTHING_SIGNED.has(c.code)) {
        c = Checks.notVerified(c.name, "verify.own_key_only", { key_id: keyId });
      }
      out.push(c);
    }
    return out;
  }

  function trust(keys) {
    const ids = Object.keys(keys).sort();
    if (!ids.length) return Checks.failed("trust", "verify.no_trusted_keys");
    return Checks.passed("trust", "verify.trust_ok", { count: ids.length, keys: ids.map((k) => k.slice(0, 16)).join(", ") });
  }

  function shortCode(digest) {
    const s = digest.slice(0, 12).toUpperCase();
    return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
  }

  async function verify(source, options = {}) {
    const trusted = keyMap(options.keys);
    const witnesses = new Set(Object.keys(keyMap(options.witnessKeys)));
    const found = new Reading.BundleFiles(source);
    await found.list();
    if (!found.present.has(L.RECORD)) throw new Checks.RcError("verify.not_bundle", { path: source.name || "" });
    await found.load(L.ANNOUNCEMENT, Reading.FIXED[L.ANNOUNCEMENT]);
    await Reading.read(found, Documents.soft_body(found.get(L.ANNOUNCEMENT)));
    const [fmt, formatCheck] = Files.format_check(found);
    const own = Object.keys(trusted).length ? {} : ownKey(found);
    const keys = Object.keys(trusted).length ? trusted : own;
    let checks = [trust(keys), formatCheck];
    const docs = await Documents.documents(found);
    const [population, overrides] = await Documents.population(found, docs.ann);
    for (const [name, path] of [["announcement.envelope", L.ANNOUNCEMENT], ["record.envelope", L.RECORD]]) {
      if (!found.has(path)) overrides[name] = found.absent(name, path);
    }
    const replayed = await Replay.replay(docs.ann_raw, docs.rec_raw, population, docs.roster, keys,
      docs.add_raw, { verify_bls: options.verifyBls !== false });
    for (const c of replayed) checks.push(overrides[c.name] || c);
    checks.push(...await Ordering.checks(found, docs, keys, options.tsaCerts || [], witnesses));

    const lg = await Log.open(found, keys);
    checks.push(lg.cp_check);
    checks.push(await lg.check("log.announcement", docs.ann_env ? docs.ann_env.digest : null));
    checks.push(await lg.check("log.record", docs.rec_env ? docs.rec_env.digest : null));
    for (let i = 0; i < docs.add_envs.length; i++) {
      const a = docs.add_envs[i];
      checks.push(await lg.check(`log.addendum.${i + 1}`, a ? a.digest : null));
    }
    if (Ordering.is_v2(docs) && docs.rec_env) {
      const doc = docs.rec_env.doc;
      checks.push(await lg.check("log.commitment", doc.commitment === undefined ? null : doc.commitment,
        { kind: "draw.committed", task: doc.task_id }));
    }
    checks.push(await Ordering.order(await Log.order_check(lg, docs.ann, docs.add_envs.length), lg, docs));
    const rec = docs.rec_env ? docs.rec_env.doc : null;
    checks.push(await Log.reveal_check(rec, lg));
    checks.push(await Log.chain_check(rec, lg, fmt, Ordering.committed_at(found, docs)));
    const what = await Complete.subject(found, docs.ann ? docs.ann.task.id : null,
      docs.rec_env ? docs.rec_env.digest : null, docs.add_envs.map((a) => (a ? a.digest : null)));
    checks.push(...await Complete.checks(found, fmt, lg, what, keys, options.checkpoints || []));
    const exp = Tables.expected(found, docs.ann, rec, docs.add_envs, fmt);
    checks.push(Tables.results_check(found, exp, fmt));
    checks.push(await Tables.xlsx_check(found));
    const names = Tables.csv_names(found, fmt);
    checks.push(Page.page_check(found, exp, docs.rec_env, docs.add_envs, names));
    checks.push(...await Inspection.checks(found, keys, docs.ann, docs.rec_env, docs.add_envs, lg, names));
    checks.push(await Files.files_check(found));
    checks.push(await Files.sums_signature(found, keys));
    if (!Object.keys(trusted).length) checks = unconfirmed(checks, own);

    return {
      ...Checks.report(checks),
      format: fmt,
      task_id: docs.ann ? docs.ann.task.id : null,
      record_digest: docs.rec_env ? docs.rec_env.digest : null,
      verification_code: docs.rec_env ? shortCode(docs.rec_env.digest) : null,
      trusted_keys: Object.keys(trusted).sort(),
      log_seqs: Object.fromEntries(Object.entries(lg.seqs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      entity: options.entity == null ? null : await Documents.entity(options.entity, docs, population),
    };
  }

  return { verify, isSignerCheck, shortCode, SIGNER_CHECKS };
})();
