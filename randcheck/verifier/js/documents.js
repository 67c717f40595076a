// Documents: the bundle's signed documents and the data they commit to — a port of
// randcheck/services/verify/documents.py: envelopes, population files, the roster, the addenda,
// and the per-entity answer of `verify --entity`.
//
// `found` is a Reading.BundleFiles (js/reading.js): get(path) → Uint8Array | undefined,
// has(path), keys() (the loaded paths), present, oversize, absent(name, path) → failed check.
// documents(found) → {ann_raw, rec_raw, ann_env, rec_env, ann, add_raw: [...], add_envs: [...],
//                     roster} (Python's Documents; a missing file's bytes are an empty Uint8Array)
// population(found, ann) → [{stratum id: CodeList}, {check name: failed check}]
const Documents = (() => {
  const EMPTY = new Uint8Array(0);

  /** The opened envelope, or null when it is missing or malformed (the replay says why).
   *  (Python lets a non-RandcheckError — a body with an escaped lone surrogate — escape and
   *  stop `randcheck verify`; here it is null too, and the replay reports it.) */
  function soft_envelope(data, kind) {
    if (data == null) return null;
    try { return Envelope.open_envelope(data, kind); } catch (e) { return null; }
  }

  /** The envelope's body parsed without any check, only to size the other files. */
  function soft_body(data) {
    if (data == null) return null;
    let doc;
    try { doc = Json.parse(data, Reading.JSON_DEPTH); } catch (e) {
      if (e instanceof Checks.RcError) return null;
      throw e;
    }
    const body = Json.isObject(doc) && Json.has(doc, "signed") ? doc.signed : null;
    return Json.isObject(body) ? body : null;
  }

  function loadedPaths(found) {
    if (typeof found.keys === "function") return Array.from(found.keys());
    return Array.from(found.present.keys()).filter((p) => found.has(p));
  }

  async function documents(found) {
    const ann_raw = found.get(Reading.LAYOUT.ANNOUNCEMENT) || EMPTY;
    const rec_raw = found.get(Reading.LAYOUT.RECORD) || EMPTY;
    const ann_env = soft_envelope(ann_raw, "announcement");
    let ann = null;
    if (ann_env !== null) {
      try { ann = Announce.parse_announcement(ann_env.doc); } catch (e) {
        if (!(e instanceof Checks.RcError)) throw e;
        ann = null;
      }
    }
    let roster = Json.object([]);
    try {
      const parsed = Json.parse(found.get(Reading.LAYOUT.ROSTER) || EMPTY, Reading.JSON_DEPTH);
      if (Json.isObject(parsed)) roster = parsed;
    } catch (e) {
      if (!(e instanceof Checks.RcError)) throw e;
    }
    const add_raw = loadedPaths(found).filter((p) => Reading.is_addendum_file(p)).sort(Spec.strCompare).map((p) => found.get(p));
    return {
      ann_raw, rec_raw, ann_env, rec_env: soft_envelope(rec_raw, "record"), ann, add_raw,
      add_envs: add_raw.map((a) => soft_envelope(a, "addendum")), roster,
    };
  }

  /** A read file's bytes for the caller to keep or change: handed over by a reader that can
   *  release them (Reading.BundleFiles: it keeps their SHA-256 only), else [bytes, false]. */
  async function takeFile(found, path) {
    if (typeof found.release === "function") {
      const data = await found.release(path);
      if (data !== undefined) return [data, true];
    }
    return [found.get(path), false];
  }

  /** Each stratum's codes from its population file, and the failed population.<s> checks
   *  that replace the replay's where a file is missing, too big or not a population file.
   *  The population files are taken from the reader (which keeps their SHA-256 for `files`)
   *  and their codes packed into the same buffer, a .gz's into the unpacked one: a stratum's
   *  codes are held once, and the file is not kept beside them (a .gz is streamed from the
   *  source into the unpacked buffer by a reader that left it there: BundleFiles.gunzip). */
  async function population(found, ann) {
    const pop = Object.create(null);
    const override = Object.create(null);
    if (ann == null) return [pop, override];
    for (const plan of ann.strata) {
      const name = `population.${plan.id}`;
      const plain = Reading.stratum_file(plan.id); const packed = Reading.stratum_file(plan.id, true);
      pop[plan.id] = Commit.EMPTY();
      let data; let own;
      if (found.has(plain)) [data, own] = await takeFile(found, plain);
      else if (found.has(packed)) {
        const limit = plan.count * Reading.CODE_LINE;
        try {
          // the reader unpacks it (streamed from the source when it left it there), else we do
          data = typeof found.gunzip === "function" ? await found.gunzip(packed, limit)
            : await Reading.gunzip((await takeFile(found, packed))[0], limit);
          own = true; // the unpacked buffer is this function's
        } catch (e) {
          if (e instanceof Checks.RcError) throw e; // the file could not be read: as in read()
          override[name] = Checks.failed(name, "verify.population_gzip", { file: packed });
          continue;
        }
      } else {
        const gone = found.oversize.has(packed) ? packed : plain;
        override[name] = found.absent(name, gone);
        if (override[name].code === "verify.missing_file") {
          override[name] = Checks.failed(name, "verify.population_missing", { file: plain });
        }
        continue;
      }
      try {
        pop[plan.id] = await Commit.parse_population_file(data, plan.id, own);
      } catch (e) {
        if (!(e instanceof Checks.RcError)) throw e;
        override[name] = Checks.fromError(name, e);
      }
    }
    return [pop, override];
  }

  /** `verify --entity`: the company's stratum, ticket, cut-off and fate (SPEC §11). */
  async function entity(code, docs, population) {
    const found = Uscc.check(code);
    code = found.code ? found.code : code;
    const out = { code, in_pool: false };
    if (found.warnings.length) out.warnings = found.warnings.map((w) => ({ code: w, params: { ...found.params } }));
    let proof; let status;
    try {
      Spec.check_code(code);
      proof = await Replay.entity_proof(docs.ann_raw, docs.rec_raw, population, code);
      status = Replay.verify_entity_proof(proof, docs.ann_raw, docs.rec_raw);
    } catch (e) {
      if (!(e instanceof Checks.RcError)) throw e;
      out.reason_code = e.code;
      if (!found.ok) out.malformed = { code: found.error, params: { ...found.params } };
      else if (docs.ann != null) {
        out.pool = docs.ann.strata.reduce((s, p) => s + p.count, 0);
        const ex = {};
        for (const k of Object.keys(docs.ann.exclusions).sort(Spec.strCompare)) ex[k] = docs.ann.exclusions[k];
        out.exclusions = ex;
      }
      return out;
    }
    Object.assign(out, { in_pool: true, stratum: proof.stratum, count: proof.count, chunk_index: proof.chunk_index }, status);
    let replaced_by = null; let brought_in_by = null;
    for (const a of docs.add_envs) {
      if (a == null) continue;
      const d = a.doc;
      if (d.action === "replace_target" && d.target === code) replaced_by = d.seq;
      if (d.action === "replace_target" && Json.isObject(d.replacement) && d.replacement.code === code) brought_in_by = d.seq;
    }
    out.replaced_by_addendum = replaced_by;
    out.brought_in_by_addendum = brought_in_by;
    return out;
  }

  return { soft_envelope, soft_body, documents, population, entity };
})();
