// Model: the frozen inputs of a draw — a port of randcheck/core/draw/model.py.
// Objects keep the Python field names:
//   Task {id, title, departments: [str], items: [{code, kind}], batches, ratio_cap: [num, den] | null}
//   Rule {kind: "count"|"ratio", n, num, den}
//   TeamRules {min_inspectors, experts, per_department, rotation, max_load, inspect_from,
//              inspect_to, qualifications: [str]}
//   Inspector {id, department, expert, cert_from, cert_to, qualifications: [str]}
//   Roster {inspectors: [Inspector], conflicts: [[inspector, code]…], previous: [[code, inspector]…]}
//     (Python's frozensets are arrays here, in sorted order, without repeats)
// Strings sort as Python sorts them (code points): Spec.strCompare.
const Model = (() => {
  const ITEM_KINDS = ["key", "general"];
  const Err = (code, params) => new Checks.RcError(code, params);
  const cmp = (a, b) => Spec.strCompare(a, b);
  /** Python's tuple/list ordering of [str, str] pairs. */
  const cmpPair = (a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]);
  /** Whether `list` equals sorted(set(list)) (strictly ascending). */
  function strictlySorted(list, compare = cmp) {
    for (let i = 1; i < list.length; i++) if (compare(list[i - 1], list[i]) >= 0) return false;
    return true;
  }

  function _keys(doc, names, where) {
    const ok = Json.isObject(doc) && Object.keys(doc).length === names.length && names.every((n) => Json.has(doc, n));
    if (!ok) {
      const got = Json.isObject(doc) ? Object.keys(doc).sort(cmp) : pyType(doc);
      throw Err("proto.bad_fields", { where, expected: [...names].sort(cmp), got });
    }
  }
  function pyType(v) {
    if (v === null || v === undefined) return "NoneType";
    if (Array.isArray(v)) return "list";
    return { string: "str", number: Number.isInteger(v) ? "int" : "float", bigint: "int", boolean: "bool" }[typeof v] || "dict";
  }
  function _list(value, where) {
    if (!Array.isArray(value)) throw Err("proto.bad_list", { where });
    return value;
  }

  class Task {
    constructor(f) { Object.assign(this, f); }
    to_json() {
      return {
        id: this.id, title: this.title, departments: [...this.departments],
        items: this.items.map((i) => ({ code: i.code, kind: i.kind })), batches: this.batches,
        ratio_cap: this.ratio_cap === null ? null : { num: this.ratio_cap[0], den: this.ratio_cap[1] },
      };
    }
    static from_json(doc) {
      _keys(doc, ["id", "title", "departments", "items", "batches", "ratio_cap"], "task");
      const deps = _list(doc.departments, "task").map((d) => Spec.check_text(d, "task.departments"));
      if (!deps.length || new Set(deps).size !== deps.length) throw Err("proto.bad_departments");
      const items = [];
      for (const it of _list(doc.items, "task.items")) {
        _keys(it, ["code", "kind"], "task.items");
        if (!ITEM_KINDS.includes(it.kind)) throw Err("proto.bad_item_kind", { value: Spec.repr(it.kind) });
        items.push({ code: Spec.check_text(it.code, "task.items.code"), kind: it.kind });
      }
      if (!items.length) throw Err("proto.no_items");
      const cap = doc.ratio_cap;
      let ratio_cap = null;
      if (cap !== null) {
        _keys(cap, ["num", "den"], "task.ratio_cap");
        const den = Spec.check_int(cap.den, "task.ratio_cap.den", 1);
        ratio_cap = [Spec.check_int(cap.num, "task.ratio_cap.num", 1, den), den];
      }
      if (ratio_cap === null && items.some((i) => i.kind === "general")) throw Err("proto.cap_required");
      return new Task({
        id: Spec.check_text(doc.id, "task.id"),
        title: Spec.check_text(doc.title, "task.title"),
        departments: deps,
        items,
        batches: Spec.check_int(doc.batches, "task.batches", 1),
        ratio_cap,
      });
    }
  }

  class Rule {
    constructor(kind, n = 0, num = 0, den = 0) { this.kind = kind; this.n = n; this.num = num; this.den = den; }
    static count(n) { return new Rule("count", n); }
    static ratio(num, den) { return new Rule("ratio", 0, num, den); }
    to_json() {
      return this.kind === "count" ? { kind: "count", n: this.n } : { kind: "ratio", num: this.num, den: this.den };
    }
    static from_json(doc) {
      if (!Json.isObject(doc) || !["count", "ratio"].includes(doc.kind)) {
        throw Err("proto.bad_rule", { value: Spec.short(doc) });
      }
      if (doc.kind === "count") {
        _keys(doc, ["kind", "n"], "rule");
        return Rule.count(Spec.check_int(doc.n, "rule.n", 0));
      }
      _keys(doc, ["kind", "num", "den"], "rule");
      const den = Spec.check_int(doc.den, "rule.den", 1);
      return Rule.ratio(Spec.check_int(doc.num, "rule.num", 1, den), den);
    }
  }

  class TeamRules {
    constructor(f) { Object.assign(this, f); }
    to_json() {
      return {
        min_inspectors: this.min_inspectors, experts: this.experts, per_department: this.per_department,
        rotation: this.rotation, max_load: this.max_load, inspect_from: this.inspect_from,
        inspect_to: this.inspect_to, qualifications: [...this.qualifications].sort(cmp),
      };
    }
    static from_json(doc) {
      _keys(doc, ["min_inspectors", "experts", "per_department", "rotation", "max_load", "inspect_from",
        "inspect_to", "qualifications"], "teams");
      const quals = _list(doc.qualifications, "q").map((q) => Spec.check_text(q, "teams.qualifications"));
      if (!strictlySorted(quals)) throw Err("proto.unsorted_list", { field: "teams.qualifications" });
      const start = Spec.check_date(doc.inspect_from, "teams.inspect_from");
      const end = Spec.check_date(doc.inspect_to, "teams.inspect_to");
      if (end < start) throw Err("proto.bad_window", { start, end });
      return new TeamRules({
        min_inspectors: Spec.check_int(doc.min_inspectors, "teams.min_inspectors", 2),
        experts: Spec.check_int(doc.experts, "teams.experts", 0),
        per_department: Spec.check_bool(doc.per_department, "teams.per_department"),
        rotation: Spec.check_bool(doc.rotation, "teams.rotation"),
        max_load: Spec.check_int(doc.max_load, "teams.max_load", 1),
        inspect_from: start,
        inspect_to: end,
        qualifications: quals,
      });
    }
  }

  class Inspector {
    constructor(f) { Object.assign(this, f); }
    to_json() {
      return {
        id: this.id, department: this.department, expert: this.expert, cert_from: this.cert_from,
        cert_to: this.cert_to, qualifications: [...new Set(this.qualifications)].sort(cmp),
      };
    }
  }

  class Roster {
    constructor(inspectors, conflicts = [], previous = []) {
      this.inspectors = inspectors; this.conflicts = conflicts; this.previous = previous;
    }
    /** The canonical roster document (SPEC §7.1): every list sorted. */
    document() {
      const ids = this.inspectors.map((i) => i.id);
      if (new Set(ids).size !== ids.length) throw Err("proto.duplicate_inspector");
      const uniq = (pairs) => {
        const seen = new Map();
        for (const p of pairs) seen.set(JSON.stringify(p), p);
        return [...seen.values()].sort(cmpPair).map((p) => [p[0], p[1]]);
      };
      return {
        inspectors: [...this.inspectors].sort((a, b) => cmp(a.id, b.id)).map((i) => i.to_json()),
        conflicts: uniq(this.conflicts),
        previous: uniq(this.previous),
      };
    }
    /** Parse and check a roster document; it must already be in canonical order. */
    static from_document(doc) {
      _keys(doc, ["inspectors", "conflicts", "previous"], "roster");
      const inspectors = [];
      for (const row of _list(doc.inspectors, "roster.inspectors")) {
        _keys(row, ["id", "department", "expert", "cert_from", "cert_to", "qualifications"], "i");
        const quals = _list(row.qualifications, "q").map((q) => Spec.check_text(q, "qualifications"));
        if (!strictlySorted(quals)) throw Err("proto.unsorted_list", { field: "roster.qualifications" });
        inspectors.push(new Inspector({
          id: Spec.check_id(row.id, "roster.id"),
          department: Spec.check_text(row.department, "roster.department"),
          expert: Spec.check_bool(row.expert, "roster.expert"),
          cert_from: Spec.check_date(row.cert_from, "roster.cert_from"),
          cert_to: Spec.check_date(row.cert_to, "roster.cert_to"),
          qualifications: quals,
        }));
      }
      if (!strictlySorted(inspectors.map((i) => i.id))) throw Err("proto.unsorted_list", { field: "roster.inspectors" });
      const pairs = [];
      for (const name of ["conflicts", "previous"]) {
        const rows = _list(doc[name], name).map((p) => {
          if (Array.isArray(p) && p.length === 2) return [Spec.check_id(p[0], name), Spec.check_id(p[1], name)];
          throw Err("proto.bad_pair", { field: name, value: Spec.short(p) });
        });
        if (!strictlySorted(rows, cmpPair)) throw Err("proto.unsorted_list", { field: `roster.${name}` });
        pairs.push(rows);
      }
      return new Roster(inspectors, pairs[0], pairs[1]);
    }
  }

  return { ITEM_KINDS, Task, Rule, TeamRules, Inspector, Roster, _keys, _list, strictlySorted, cmpPair, pyType };
})();
