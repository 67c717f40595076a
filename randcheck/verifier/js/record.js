// Record: the draw record's parts (SPEC §8) — a port of randcheck/core/draw/record.py as the
// replay uses it: the population and roster commitments, the entropy and seed, and the JSON
// forms of the selection and the teams that the record must hold.
// population: {stratum id: CodeList} (js/commit.js); draws: Select's StratumDraw
// {drawn: [[ticket, code], …], reserve: [[ticket, code], …]} (Uint8Arrays).
const Record = (() => {
  const RECORD_KEYS = ["spec", "kind", "tool", "task_id", "announcement", "drawn_at", "practice",
    "redraw", "previous_record", "entropy", "seed", "strata", "teams"];
  const Err = (code, params) => new Checks.RcError(code, params);
  const ascii = (raw) => { let s = ""; for (const b of raw) s += String.fromCharCode(b); return s; };

  /** Each stratum's codes give the announced (count, root); RcError otherwise. */
  async function check_population(ann, population) {
    const ids = ann.strata.map((p) => p.id);
    const got = Object.keys(population);
    if (got.length !== ids.length || !ids.every((id) => Object.prototype.hasOwnProperty.call(population, id))) {
      throw Err("proto.population_strata", { got: got.sort() });
    }
    for (const plan of ann.strata) {
      const codes = population[plan.id];
      const n = Commit.isCodeList(codes) ? codes.n : codes.length;
      const root = await Commit.population_root(codes);
      if (n !== plan.count || root !== plan.root) throw Err("proto.population_mismatch", { stratum: plan.id });
    }
  }

  function check_roster(ann, roster) {
    const doc = roster.document();
    if (Commit.roster_digest(doc) !== ann.roster_digest || roster.inspectors.length !== ann.roster_size) {
      throw Err("proto.roster_mismatch");
    }
  }

  /** record.check_entropy: the evidence answers the announced sources (js/entropy.js). */
  async function check_entropy(ann, evidence, drawn_at, verify_bls) {
    return Entropy.check_entropy(ann, evidence, drawn_at, verify_bls);
  }

  function compute_seed(ann_digest, ann, evidence) {
    return Seed.derive_seed(ann_digest, Seed.ikm(ann.entropy, evidence));
  }

  async function select_all(ann, population, seed) { return Select.select_all(ann, population, seed); }

  /** [[[code, stratum id, [Member…]], …], pairing] (js/pairing.js). */
  async function staff_all(ann, roster, seed, draws) { return Pairing.staff_all(ann, roster, seed, draws); }

  function _strata_json(ann, draws) {
    return ann.strata.map((p, k) => {
      const d = draws[k];
      return {
        id: p.id,
        count: p.count,
        root: p.root,
        sample_size: p.sample_size,
        cutoff: d.drawn.length ? Bytes.hex(d.drawn[d.drawn.length - 1][0]) : null,
        drawn: d.drawn.map(([t, c], r) => ({ code: ascii(c), ticket: Bytes.hex(t), batch: Select.batch(r, ann.task.batches, p.sample_size) })),
        reserve: d.reserve.map(([t, c]) => ({ code: ascii(c), ticket: Bytes.hex(t) })),
      };
    });
  }

  function _teams_json(teams) {
    return teams.map(([c, s, ms]) => ({
      target: c, stratum: s,
      members: ms.map((m) => (typeof m.to_json === "function" ? m.to_json() : { id: m.id, ticket: m.ticket, expert: m.expert })),
    }));
  }

  return { RECORD_KEYS, check_population, check_roster, check_entropy, compute_seed, select_all, staff_all, _strata_json, _teams_json };
})();
