// Pairing: inspectors paired with targets (SPEC §7): eligibility, (load, ticket, id) ranking,
// failures. Port of randcheck/core/draw/pairing.py (the class Pairing, Member) and of
// record.py's staff_all.
//
// Shapes (as Python's dataclasses): roster {inspectors: [{id, department, expert, cert_from,
// cert_to, qualifications}], conflicts: pairs [inspector id, code], previous: pairs [code,
// inspector id]} (pairs: any iterable of 2-element arrays); rules = ann.teams (TeamRules);
// departments = ann.task.departments. `loads` and `by_id` are null-prototype objects keyed by
// inspector id (so `id in pairing.loads` is Python's `id in pairing.loads`); `recused` is a
// PairSet (Python's set of (inspector id, code) tuples: add([id, code]), has([id, code])).
// Ids and codes are visible ASCII (SPEC §1), so JS string order is SPEC §1's byte order.
const Pairing = (() => {
  const REASONS = ["department", "certificate", "qualification", "conflict", "rotation", "workload"];

  class Member {
    constructor(id, ticket, expert) { this.id = id; this.ticket = ticket; this.expert = expert; }
    to_json() { return { id: this.id, ticket: this.ticket, expert: this.expert }; }
  }

  /** A set of 2-tuples of strings (Python's set[tuple[str, str]]). */
  class PairSet {
    constructor(pairs = []) { this.m = new Map(); for (const p of pairs) this.add(p); }
    static key(p) { return JSON.stringify([p[0], p[1]]); }
    add(p) { this.m.set(PairSet.key(p), [p[0], p[1]]); return this; }
    has(p) { return this.m.has(PairSet.key(p)); }
    delete(p) { return this.m.delete(PairSet.key(p)); }
    get size() { return this.m.size; }
    [Symbol.iterator]() { return this.m.values(); }
  }

  const cmpStr = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

  class Pairing {
    constructor(roster, rules, departments, key) {
      if (rules.per_department && rules.min_inspectors < departments.length) {
        throw new Checks.RcError("proto.departments_exceed_team", {
          departments: departments.length, min_inspectors: rules.min_inspectors,
        });
      }
      this.rules = rules;
      this.departments = Array.from(departments);
      this.inspectors = Array.from(roster.inspectors).sort((a, b) => cmpStr(a.id, b.id));
      this.by_id = Object.create(null);
      this.loads = Object.create(null);
      for (const i of this.inspectors) { this.by_id[i.id] = i; this.loads[i.id] = 0; }
      this.previous = rules.rotation ? new PairSet(roster.previous) : new PairSet();
      this.recused = new PairSet();
      this._key = key;
      this._hash = new Select.KeyedSha256(key);
      this._raw = Object.create(null);
      for (const i of this.inspectors) this._raw[i.id] = Bytes.utf8(i.id);
      const required = Array.from(rules.qualifications);
      const deps = new Set(this.departments);
      // Reasons 1-3 do not depend on the target: compute them once.
      this.static = Object.create(null);
      for (const i of this.inspectors) {
        let reason = null;
        const quals = new Set(i.qualifications);
        if (!deps.has(i.department)) reason = "department";
        else if (!(i.cert_from <= rules.inspect_from && i.cert_to >= rules.inspect_to)) reason = "certificate";
        else if (!required.every((q) => quals.has(q))) reason = "qualification";
        this.static[i.id] = reason;
      }
      this.conflicts = new PairSet(roster.conflicts);
      // conflicts (i, c) and previous (c, i) by code: the inspectors each target rules out
      this._blocked = new Map();
      const block = (code, iid) => {
        if (!this._blocked.has(code)) this._blocked.set(code, new Set());
        this._blocked.get(code).add(iid);
      };
      for (const [iid, code] of this.conflicts) block(code, iid);
      for (const [code, iid] of this.previous) block(code, iid);
      const regular = this.inspectors.filter((i) => !i.expert);
      this._groups = new Map();
      const groups = [["inspectors", regular], ["experts", this.inspectors.filter((i) => i.expert)]];
      for (const d of this.departments) groups.push([`department:${d}`, regular.filter((i) => i.department === d)]);
      for (const [name, members] of groups) {
        this._groups.set(name, [members, members.filter((i) => this.static[i.id] === null).map((i) => i.id)]);
      }
    }

    // -- loads -------------------------------------------------------------------------------
    _set_load(iid, load) { this.loads[iid] = load; }
    /** Count one more target for `iid` (a member of a team already drawn). */
    take(iid) {
      if (!(iid in this.loads)) { const e = new Error(iid); e.name = "KeyError"; throw e; }
      this._set_load(iid, this.loads[iid] + 1);
    }
    release(members) { for (const m of members) this._set_load(m.id, this.loads[m.id] - 1); }

    // -- tickets and eligibility -------------------------------------------------------------
    /** The first failing eligibility test of SPEC §7.2, or null when eligible. */
    reason(inspector, code) {
      const st = this.static[inspector.id];
      if (st !== null) return st;
      if (this.conflicts.has([inspector.id, code]) || this.recused.has([inspector.id, code])) return "conflict";
      if (this.previous.has([code, inspector.id])) return "rotation";
      if (this.loads[inspector.id] >= this.rules.max_load) return "workload";
      return null;
    }

    /** H(K_p || lp(code) || lp(id)) as 8 big-endian words, into `out`. */
    _ticket(codeRaw, iid, out) {
      const raw = this._raw[iid];
      return this._hash.begin().putU32(codeRaw.length).put(codeRaw).putU32(raw.length).put(raw).finish(out);
    }

    /** Add the best eligible candidate of group `step` (SPEC §7.3) for `code`. */
    _pick(code, step, team) {
      const [candidates, ok] = this._groups.get(step);
      const inTeam = new Set(team.map((m) => m.id));
      const blocked = this._blocked.get(code);
      const maxLoad = this.rules.max_load;
      const pool = [];
      let low = Infinity;
      for (const iid of ok) {
        if (inTeam.has(iid) || (blocked && blocked.has(iid))) continue;
        if (this.recused.size && this.recused.has([iid, code])) continue;
        const load = this.loads[iid];
        if (load >= maxLoad) continue;
        pool.push(iid);
        if (load < low) low = load;
      }
      if (pool.length) {
        const codeRaw = Bytes.utf8(code);
        const w = new Int32Array(8), bw = new Int32Array(8);
        let best = null;
        for (const iid of pool) {
          if (this.loads[iid] !== low) continue;
          this._ticket(codeRaw, iid, w);
          let c = 0;
          if (best !== null) {
            for (let j = 0; j < 8; j++) {
              const a = w[j] >>> 0, b = bw[j] >>> 0;
              if (a !== b) { c = a < b ? -1 : 1; break; }
            }
            if (c === 0) c = cmpStr(iid, best);
          }
          if (best === null || c < 0) { best = iid; bw.set(w); }
        }
        this.take(best);
        return new Member(best, Bytes.hex(Select.wordsToBytes(bw)), this.by_id[best].expert);
      }
      const counts = new Map();
      for (const i of candidates) {
        if (!inTeam.has(i.id)) {
          const r = this.reason(i, code) || "none";
          counts.set(r, (counts.get(r) || 0) + 1);
        }
      }
      const detail = REASONS.filter((r) => counts.has(r)).map((r) => `${r}=${counts.get(r)}`).join(", ") || "none";
      throw new Checks.RcError("proto.unstaffable", { target: code, step, reasons: detail });
    }

    /** Complete `team` for target `code` (SPEC §7.3); proto.unstaffable if impossible. */
    staff(code, team = []) {
      const members = Array.from(team);
      if (this.rules.per_department) {
        for (const dep of this.departments) {
          if (!members.some((m) => !m.expert && this.by_id[m.id].department === dep)) {
            members.push(this._pick(code, `department:${dep}`, members));
          }
        }
      }
      const count = (expert) => members.filter((m) => !!m.expert === expert).length;
      while (count(false) < this.rules.min_inspectors) members.push(this._pick(code, "inspectors", members));
      while (count(true) < this.rules.experts) members.push(this._pick(code, "experts", members));
      return members;
    }
  }

  /** record.staff_all: teams for all drawn targets in (ticket, code) order (SPEC §7.3):
   *  [[[code, stratum id, [Member…]], …], pairing]. */
  function staff_all(ann, roster, seed, draws) {
    const pairing = new Pairing(roster, ann.teams, ann.task.departments, Seed.pairing_key(seed));
    const targets = [];
    ann.strata.forEach((p, k) => {
      for (const [t, c] of draws[k].drawn) targets.push([t, c, p.id]);
    });
    targets.sort((a, b) => Bytes.compare(a[0], b[0]) || Bytes.compare(a[1], b[1]) || cmpStr(a[2], b[2]));
    const teams = [];
    for (const [, code, sid] of targets) {
      const name = String.fromCharCode(...code);
      teams.push([name, sid, pairing.staff(name)]);
    }
    return [teams, pairing];
  }

  return { REASONS, Member, PairSet, Pairing, staff_all };
})();
