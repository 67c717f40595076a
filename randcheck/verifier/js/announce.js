// Announce: the announcement's rules (SPEC §4–§5, SPEC-v2 §2) — a port of
// randcheck/core/draw/announce.py (parse_announcement, check_disjoint) and of
// randcheck/core/draw/v2.py's parse_ordering.
//
// parse_announcement(doc) → Announcement, with Python's field names:
//   {announced_at, practice, task: Model.Task, strata: [StratumPlan], exclusions: {reason: n},
//    roster_digest, roster_size, teams: Model.TeamRules, entropy: [source objects], tool, spec,
//    ordering: {witnesses: [{name, keyid}], tsa: [hex]} | null}
//   StratumPlan {id, count, root, rule: Model.Rule, reserve, sample_size, reserve_size}
const Announce = (() => {
  const ANNOUNCEMENT_KEYS = ["spec", "kind", "tool", "announced_at", "practice", "task", "strata",
    "exclusions", "roster", "teams", "entropy"];
  const ANNOUNCEMENT_KEYS_V2 = [...ANNOUNCEMENT_KEYS, "ordering"];
  const ORDERING_KEYS = ["witnesses", "tsa"];
  const Err = (code, params) => new Checks.RcError(code, params);

  class Ordering {
    constructor(witnesses = [], tsa = []) { this.witnesses = witnesses; this.tsa = tsa; }
    to_json() {
      return {
        witnesses: [...this.witnesses].sort((a, b) => Spec.strCompare(a.keyid, b.keyid)).map((w) => ({ name: w.name, keyid: w.keyid })),
        tsa: [...this.tsa].sort(),
      };
    }
    /** {key id: witness name} */
    names() { const o = {}; for (const w of this.witnesses) o[w.keyid] = w.name; return o; }
  }

  /** Check an announcement's `ordering` value (v2.py parse_ordering). */
  function parse_ordering(doc) {
    if (!Json.isObject(doc)) throw Err("proto.bad_list", { where: "ordering" });
    Model._keys(doc, ORDERING_KEYS, "ordering");
    const witnesses = [];
    for (const row of Model._list(doc.witnesses, "ordering.witnesses")) {
      Model._keys(row, ["name", "keyid"], "ordering.witnesses");
      Spec.check_hex32(row.keyid, "ordering.witnesses.keyid");
      witnesses.push({ name: Spec.check_text(row.name, "ordering.witnesses.name"), keyid: row.keyid });
    }
    if (!Model.strictlySorted(witnesses.map((w) => w.keyid))) throw Err("proto.unsorted_list", { field: "ordering.witnesses" });
    const tsa = Model._list(doc.tsa, "ordering.tsa");
    for (const fp of tsa) Spec.check_hex32(fp, "ordering.tsa");
    if (!Model.strictlySorted(tsa)) throw Err("proto.unsorted_list", { field: "ordering.tsa" });
    return new Ordering(witnesses, [...tsa]);
  }

  /** Check an announcement body against SPEC §4–§6.1; RcError with Python's codes. */
  function parse_announcement(doc) {
    const spec = Json.isObject(doc) ? doc.spec : undefined;
    if (!Spec.DRAW_SPECS.includes(spec)) throw Err("proto.bad_body");
    Model._keys(doc, spec === Spec.SPEC_V2_ID ? ANNOUNCEMENT_KEYS_V2 : ANNOUNCEMENT_KEYS, "announcement");
    if (doc.kind !== "announcement") throw Err("proto.bad_body");
    const ordering = spec === Spec.SPEC_V2_ID ? parse_ordering(doc.ordering) : null;
    const task = Model.Task.from_json(doc.task);
    const practice = Spec.check_bool(doc.practice, "practice");
    const plans = [];
    for (const row of Model._list(doc.strata, "strata")) {
      Model._keys(row, ["id", "count", "root", "rule", "reserve", "sample_size", "reserve_size"], "s");
      const sid = Spec.check_id(row.id, "strata.id");
      const count = Spec.check_int(row.count, "strata.count", 0);
      const rule = Model.Rule.from_json(row.rule);
      const reserve = Spec.check_int(row.reserve, "strata.reserve", 0);
      const size = Select.sample_size(rule, count);
      if (!Json.equal(row.sample_size, size) || !Json.equal(row.reserve_size, Math.min(reserve, count - size))) {
        throw Err("proto.bad_sample_size", { stratum: sid, expected: size });
      }
      Select.check_cap(task, sid, count, size);
      Spec.check_hex32(row.root, "strata.root");
      plans.push({ id: sid, count, root: row.root, rule, reserve, sample_size: size, reserve_size: Math.min(reserve, count - size) });
    }
    // ids compared as UTF-8 bytes (visible ASCII: the same as string order)
    const ids = plans.map((p) => p.id);
    if (!ids.length || !Model.strictlySorted(ids)) throw Err("proto.unsorted_list", { field: "strata" });
    const excl = doc.exclusions;
    if (!Json.isObject(excl)) throw Err("proto.bad_list", { where: "exclusions" });
    for (const [k, v] of Json.items(excl)) {
      Spec.check_text(k, "exclusions");
      Spec.check_int(v, `exclusions.${k}`, 0);
    }
    const roster = doc.roster;
    Model._keys(roster, ["digest", "inspectors"], "roster");
    Spec.check_hex32(roster.digest, "roster.digest");
    const teams = Model.TeamRules.from_json(doc.teams);
    if (teams.per_department && teams.min_inspectors < task.departments.length) {
      throw Err("proto.departments_exceed_team", { departments: task.departments.length, min_inspectors: teams.min_inspectors });
    }
    const sources = doc.entropy;
    Entropy.check_sources(sources, practice, String(spec));
    return {
      announced_at: Spec.check_time(doc.announced_at, "announced_at"),
      practice,
      task,
      strata: plans,
      exclusions: Json.object(Json.items(excl)),
      roster_digest: roster.digest,
      roster_size: Spec.check_int(roster.inspectors, "roster.inspectors", 0),
      teams,
      entropy: sources.map((s) => Json.object(Json.items(s))),
      tool: Spec.check_text(doc.tool, "tool"),
      spec: String(spec),
      ordering,
    };
  }

  /** Byte order of code i of CodeList a and code j of CodeList b, without allocating. */
  function cmpAt(a, i, b, j) {
    const as = a.start[i]; const al = a.start[i + 1] - as; const bs = b.start[j]; const bl = b.start[j + 1] - bs;
    const m = al < bl ? al : bl; const x = a.bytes; const y = b.bytes;
    for (let k = 0; k < m; k++) { const d = x[as + k] - y[bs + k]; if (d) return d; }
    return al - bl;
  }

  /** RcError proto.code_in_two_strata if a code is in two strata ({stratum: CodeList}, each
   *  sorted and unique): names the smallest shared code, as Python does. */
  async function check_disjoint(population) {
    const lists = Object.values(population).map((l) => (Commit.isCodeList(l) ? l : Commit.from_codes(l)));
    if (lists.length < 2) return;
    // the smallest code found in two lists: a merge walk of each pair, keeping the least
    let best = null; // [list, index]
    for (let p = 0; p < lists.length; p++) {
      for (let q = p + 1; q < lists.length; q++) {
        const a = lists[p]; const b = lists[q];
        let i = 0; let j = 0; let steps = 0;
        while (i < a.n && j < b.n) {
          if (best !== null && cmpAt(a, i, best[0], best[1]) >= 0) break;
          const d = cmpAt(a, i, b, j);
          if (d === 0) { best = [a, i]; break; }
          if (d < 0) i++; else j++;
          if ((++steps & 0xfffff) === 0) await Checks.progress("population.disjoint", steps, a.n + b.n);
        }
      }
    }
    if (best !== null) {
      let entity = "";
      for (const c of Commit.code_at(best[0], best[1])) entity += String.fromCharCode(c);
      throw Err("proto.code_in_two_strata", { entity });
    }
  }

  return { ANNOUNCEMENT_KEYS, ANNOUNCEMENT_KEYS_V2, Ordering, parse_ordering, parse_announcement, check_disjoint };
})();
