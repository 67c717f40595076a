// Replay: recompute a draw from its published inputs (SPEC §9) and the per-entity proofs
// (SPEC §11) — a port of randcheck/core/draw/replay.py.
//
// replay(announcement, record, population, roster, keys, addenda, {verify_bls}) → [check…] in
// Python's order with the same names, statuses and codes. announcement/record/addenda are
// envelope bytes (Uint8Array); population {stratum id: CodeList}; roster a Model.Roster or the
// parsed roster document; keys {key id hex: raw Uint8Array}.
const Replay = (() => {
  const Err = (code, params) => new Checks.RcError(code, params);
  function named(name, msg) { const e = new Error(msg || name); e.name = name; return e; }

  class Run {
    constructor() { this.checks = []; }
    async check(name, fn) {
      const c = await Checks.run(name, fn);
      this.checks.push(c);
      return c.ok;
    }
    skip(name) { this.checks.push(Checks.skipped(name)); }
  }

  function _compare(name, got, want) {
    if (!Json.equal(got, want)) throw Err("proto.replay_mismatch", { part: name });
  }

  function _only(ann, stratum) { return { ...ann, strata: ann.strata.filter((p) => p.id === stratum) }; }

  async function replay(announcement, record, population, roster, keys, addenda = [], options = {}) {
    const verify_bls = options.verify_bls !== false;
    const run = new Run();
    const envs = {};
    const opener = (kind, data) => () => { envs[kind] = Envelope.open_envelope(data, kind); };

    if (!await run.check("announcement.envelope", opener("announcement", announcement))) return run.checks;
    await run.check("announcement.signature", () => Envelope.verify(envs.announcement, keys));
    let ann = null;
    if (!await run.check("announcement.rules", () => { ann = Announce.parse_announcement(envs.announcement.doc); })) return run.checks;
    if (!await run.check("record.envelope", opener("record", record))) return run.checks;
    const rec = envs.record.doc;
    await run.check("record.signature", () => Envelope.verify(envs.record, keys));

    const binding = () => {
      const want = ann.spec === Spec.SPEC_ID ? Record.RECORD_KEYS : [...Record.RECORD_KEYS, "commitment"];
      const got = Object.keys(rec);
      if (got.length !== want.length || !want.every((k) => Json.has(rec, k)) || !Json.equal(rec.spec, ann.spec)) {
        throw Err("proto.record_fields");
      }
      _compare("task_id", rec.task_id, ann.task.id);
      _compare("announcement", rec.announcement, envs.announcement.digest);
      _compare("practice", rec.practice, ann.practice);
      let ids = null;
      if (Array.isArray(rec.strata)) {
        ids = rec.strata.map((s) => {
          if (!Json.isObject(s)) throw named("AttributeError", "'" + Model.pyType(s) + "' object has no attribute 'get'");
          return Json.has(s, "id") ? s.id : null;
        });
      }
      _compare("strata", ids, ann.strata.map((p) => p.id));
    };
    if (!await run.check("record.binding", binding)) return run.checks;

    let pop_ok = true;
    for (const plan of ann.strata) {
      pop_ok = (await run.check(`population.${plan.id}`, async () => {
        if (!Object.prototype.hasOwnProperty.call(population, plan.id)) {
          throw Err("proto.population_strata", { got: Object.keys(population).sort() });
        }
        Commit.check_sorted_codes(population[plan.id], plan.id);
        await Record.check_population(_only(ann, plan.id), { [plan.id]: population[plan.id] });
      })) && pop_ok;
    }
    pop_ok = (await run.check("population.disjoint", () => Announce.check_disjoint(population))) && pop_ok;

    let roster_obj = roster instanceof Model.Roster ? roster : null;
    const roster_ok = await run.check("roster", () => {
      if (roster_obj === null) roster_obj = Model.Roster.from_document(roster);
      Record.check_roster(ann, roster_obj);
    });
    const ent_ok = await run.check("entropy", () => Record.check_entropy(ann, rec.entropy, rec.drawn_at, verify_bls));
    if (ent_ok && !verify_bls && ann.entropy.some((s) => s.type === "drand")) {
      // SPEC §9: a drand round whose BLS signature was not checked is not a passed check
      run.checks[run.checks.length - 1] = Checks.notVerified("entropy", "proto.drand_bls_not_checked");
    }
    let seed = null;
    let seed_ok = false;
    if (ent_ok) {
      seed_ok = await run.check("seed", () => {
        seed = Record.compute_seed(envs.announcement.digest, ann, rec.entropy);
        _compare("seed", rec.seed, Bytes.hex(seed));
      });
    } else {
      run.skip("seed");
    }
    if (!(pop_ok && seed_ok) || seed === null || !Array.isArray(rec.strata)) {
      run.skip("selection");
      run.skip("teams");
      return run.checks;
    }
    const draws = await Record.select_all(ann, population, seed);
    const recomputed = Record._strata_json(ann, draws);
    let sel_ok = true;
    for (let k = 0; k < recomputed.length; k++) {
      const want = recomputed[k]; const got = rec.strata[k];
      sel_ok = (await run.check(`selection.${want.id}`, () => _compare(`stratum ${want.id}`, got, want))) && sel_ok;
    }
    if (!roster_ok || roster_obj === null) {
      run.skip("teams");
      return run.checks;
    }
    const ros = roster_obj;
    const teams_ok = await run.check("teams", async () => {
      const [teams] = await Record.staff_all(ann, ros, seed, draws);
      _compare("teams", rec.teams, Record._teams_json(teams));
    });
    if (addenda.length) {
      if (!(sel_ok && teams_ok)) {
        run.skip("addenda");
        return run.checks;
      }
      const state = Addenda.initial_state(ann, record, ros);
      for (let i = 0; i < addenda.length; i++) {
        const ok = await run.check(`addendum.${i + 1}`, async () => {
          await Envelope.verify(Envelope.open_envelope(addenda[i], "addendum"), keys);
          Addenda.apply_addendum(state, addenda[i]);
        });
        if (!ok) break;
      }
    }
    return run.checks;
  }

  function asciiReplace(code) {
    let s = "";
    for (const ch of code) s += ch.codePointAt(0) < 0x80 ? ch : "?";
    return Bytes.utf8(s);
  }

  /** "This code was in stratum S, its ticket was T, the cut-off was C" (SPEC §11). */
  async function entity_proof(announcement, record, population, code) {
    const ann = Announce.parse_announcement(Envelope.open_envelope(announcement, "announcement").doc);
    const rec = Envelope.open_envelope(record, "record").doc;
    const raw = asciiReplace(code);
    for (const plan of ann.strata) {
      const codes = population[plan.id];
      if (codes === undefined) throw named("KeyError", plan.id);
      const list = Commit.isCodeList(codes) ? codes : Commit.from_codes(codes);
      if (Commit.contains(list, raw)) {
        const proof = await Commit.inclusion_proof(list, plan.id, code);
        return { ...proof, code, ..._status(rec, plan.id, code) };
      }
    }
    throw Err("proto.not_in_population", { entity: code, stratum: "*" });
  }

  function _status(rec, stratum, code) {
    const srow = rec.strata.find((s) => s.id === stratum);
    if (srow === undefined) throw named("StopIteration");
    const key = Seed.ticket_key(Bytes.fromHex(rec.seed), stratum);
    const t = Bytes.hex(Select.ticket(key, Bytes.utf8(code)));
    const drawn = srow.drawn.map((d) => d.code);
    const reserve = srow.reserve.map((r) => r.code);
    const rank = reserve.indexOf(code);
    return {
      ticket: t,
      cutoff: srow.cutoff,
      last_drawn: drawn.length ? drawn[drawn.length - 1] : null,
      drawn: drawn.includes(code),
      reserve_rank: rank >= 0 ? rank + 1 : null,
    };
  }

  /** Check a per-entity proof; returns its status. RcError on failure. */
  function verify_entity_proof(proof, announcement, record) {
    const ann = Announce.parse_announcement(Envelope.open_envelope(announcement, "announcement").doc);
    const rec = Envelope.open_envelope(record, "record").doc;
    const plan = ann.strata.find((p) => p.id === proof.stratum);
    if (plan === undefined) {
      throw Err("proto.not_in_population", { entity: Spec.pyStr(proof.code), stratum: "?" });
    }
    const code = proof.code;
    Commit.verify_inclusion(proof, code, plan.count, plan.root);
    const status = _status(rec, plan.id, code);
    if (plan.sample_size) {
      const c1 = Bytes.compare(Bytes.fromHex(status.ticket), Bytes.fromHex(status.cutoff));
      const le = c1 < 0 || (c1 === 0 && Bytes.compare(Bytes.utf8(code), Bytes.utf8(status.last_drawn)) <= 0);
      if (le !== status.drawn) throw Err("proto.proof_status", { entity: code });
    }
    for (const [k, v] of Object.entries(status)) {
      if (!Json.equal(Json.has(proof, k) ? proof[k] : null, v)) throw Err("proto.proof_status", { entity: code });
    }
    return status;
  }

  return { replay, entity_proof, verify_entity_proof, _status, _compare };
})();
