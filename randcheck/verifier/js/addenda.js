// Addenda: substitution addenda (SPEC §10) — a port of randcheck/core/draw/addenda.py
// (initial_state, apply_addendum; issuing addenda is the office's, not the verifier's).
//
// State {pairing: Pairing.Pairing, teams: Map target → [Member] (insertion order = staffing
//        order, as Python's dict), stratum_of: Map target → stratum id, ever: Set of codes,
//        reserve: {stratum id: [[code, ticket hex], …]}, record_digest, drawn_at, seq, last, log}
const Addenda = (() => {
  const ADDENDUM_KEYS = ["spec", "kind", "tool", "record", "seq", "previous", "issued_at", "reason",
    "action", "target", "inspector", "replacement", "team"];
  const Err = (code, params) => new Checks.RcError(code, params);
  const hashable = (v) => v === null || typeof v !== "object";
  function typeError(msg) { return new TypeError(msg); }

  function _members(rows) {
    return rows.map((r) => {
      if (!Json.isObject(r)) throw typeError("members");
      for (const k of ["id", "ticket", "expert"]) if (!Json.has(r, k)) { const e = new Error(k); e.name = "KeyError"; throw e; }
      return new Pairing.Member(r.id, r.ticket, r.expert);
    });
  }
  function get(obj, k) {
    if (!Json.isObject(obj)) throw typeError("not a dict");
    if (!Json.has(obj, k)) { const e = new Error(k); e.name = "KeyError"; throw e; }
    return obj[k];
  }

  /** The state right after the record (its teams are trusted here; replay checks them). */
  function initial_state(ann, record, roster) {
    const env = Envelope.open_envelope(record, "record");
    const doc = env.doc;
    const seed = Bytes.fromHex(doc.seed);
    const pairing = new Pairing.Pairing(roster, ann.teams, ann.task.departments, Seed.pairing_key(seed));
    const teams = new Map();
    const stratum_of = new Map();
    for (const row of doc.teams) {
      const members = _members(row.members);
      for (const m of members) {
        if (!(m.id in pairing.loads)) throw Err("proto.unknown_inspector", { inspector: m.id });
        pairing.take(m.id);
      }
      teams.set(row.target, members);
      stratum_of.set(row.target, row.stratum);
    }
    const reserve = Object.create(null);
    for (const s of doc.strata) reserve[s.id] = s.reserve.map((r) => [r.code, r.ticket]);
    return {
      pairing, teams, stratum_of, ever: new Set(teams.keys()), reserve,
      record_digest: env.digest, drawn_at: doc.drawn_at, seq: 0, last: null, log: [],
    };
  }

  /** Apply one substitution to `state`; returns [replacement, new team]. */
  function _apply(state, action, target, inspector) {
    if (!hashable(target)) throw typeError("unhashable type");
    if (!state.teams.has(target)) throw Err("proto.not_a_target", { target });
    if (action === "replace_target") {
      if (inspector !== null) throw Err("proto.bad_addendum");
      const stratum = state.stratum_of.get(target);
      const nxt = (state.reserve[stratum] || []).find(([c]) => !state.ever.has(c));
      if (nxt === undefined) throw Err("proto.reserve_exhausted", { stratum });
      const old = state.teams.get(target);
      state.teams.delete(target);
      state.pairing.release(old);
      state.stratum_of.delete(target);
      const [code, ticket] = nxt;
      const team = state.pairing.staff(code);
      state.teams.set(code, team);
      state.stratum_of.set(code, stratum);
      state.ever.add(code);
      return [{ code, stratum, ticket }, team];
    }
    if (action === "replace_inspector") {
      const team = state.teams.get(target);
      if (inspector === null || !team.some((m) => m.id === inspector)) {
        throw Err("proto.not_on_team", { inspector: typeof inspector === "string" ? inspector : Spec.repr(inspector), target });
      }
      state.pairing.recused.add([inspector, target]);
      const kept = team.filter((m) => m.id !== inspector);
      state.pairing.release(team.filter((m) => m.id === inspector));
      const fresh = state.pairing.staff(target, kept);
      state.teams.set(target, fresh);
      return [null, fresh];
    }
    throw Err("proto.bad_action", { action });
  }

  /** Check an addendum (envelope bytes) against the state and apply it; RcError
   *  proto.addendum_mismatch (Python's ReplayMismatchError) and the others of _apply. */
  function apply_addendum(state, envelope) {
    const env = Envelope.open_envelope(envelope, "addendum");
    const doc = env.doc;
    const ks = Object.keys(doc);
    if (ks.length !== ADDENDUM_KEYS.length || !ADDENDUM_KEYS.every((k) => Json.has(doc, k))) {
      throw Err("proto.addendum_mismatch", { seq: Json.has(doc, "seq") ? doc.seq : null, field: "keys" });
    }
    const expect = [["record", state.record_digest], ["seq", state.seq + 1], ["previous", state.last]];
    for (const [k, v] of expect) {
      if (!Json.equal(doc[k], v)) throw Err("proto.addendum_mismatch", { seq: doc.seq, field: k });
    }
    Spec.check_time(doc.issued_at, "issued_at");
    Spec.check_text(doc.reason, "reason");
    if (doc.issued_at < state.drawn_at) throw Err("proto.addendum_mismatch", { seq: doc.seq, field: "issued_at" });
    const [replacement, team] = _apply(state, doc.action, doc.target, doc.inspector);
    if (!Json.equal(doc.replacement, replacement) || !Json.equal(doc.team, team.map((m) => m.to_json()))) {
      throw Err("proto.addendum_mismatch", { seq: doc.seq, field: "team" });
    }
    state.seq += 1;
    state.last = env.digest;
  }

  return { ADDENDUM_KEYS, initial_state, apply_addendum, _apply, _members, get };
})();
