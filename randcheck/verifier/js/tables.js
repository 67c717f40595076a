// Tables: the `results` and `results.xlsx` checks (randcheck/services/verify/tables.py) and the
// table rules they use (randcheck/bundle/table.py: columns, titles, notes, inert cells, the
// rows after the addenda, results.csv written and read through Python's csv module (Csv,
// js/csv.js), and the workbook read as the openpyxl-based from_xlsx reads it (Xlsx, js/xlsx.js)).
const Tables = (() => {
  // -- randcheck/bundle/table.py: protocol constants (SPEC §14.1) ---------------------------
  const COLUMNS = ["task", "stratum", "batch", "code", "name", "badges", "inspectors", "note"];
  const TITLES = {
    task: "任务编号",
    stratum: "层",
    batch: "批次",
    code: "统一社会信用代码/注册号",
    name: "名称",
    badges: "检查人员执法证号",
    inspectors: "检查人员姓名",
    note: "备注",
  };
  const HEADER = COLUMNS.map((c) => TITLES[c]);
  const NAME_COL = COLUMNS.indexOf("name");
  const CODE_COL = COLUMNS.indexOf("code");
  const NOTE_REPLACEMENT = "替补（第 {seq} 号补充记录替换 {target}）";
  const NOTE_TEAM_CHANGED = "检查组经第 {seq} 号补充记录调整";
  const SEPARATOR = ";";
  const SHEET = "抽查结果";
  const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
  const TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r", "'"]);

  // layout.py names and reading.py bounds used here (the format ids: Files, defined later)
  const { INSPECTORS, ROSTER, RESULTS_CSV, RESULTS_XLSX } = Reading.LAYOUT;
  const { JSON_DEPTH, XLSX_EXPANSION } = Reading;
  const PUBLIC_INSPECTOR_FIELDS = ["badge_no", "name", "unit", "department", "issuer"];

  const fmtText = Spec.pyFormat;
  /** Python's dict[key]: a missing key (or a non-object) throws, as KeyError/TypeError would. */
  function need(obj, key) {
    if (obj === null || typeof obj !== "object" || !Object.prototype.hasOwnProperty.call(obj, key)) {
      throw new TypeError(`missing ${key}`);
    }
    return obj[key];
  }
  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  const { pyStr, pyStrip } = Spec; // Python's str() and str.strip()

  /** `value` with a leading ' when it starts with = + - @, tab, CR or '. */
  function inert(value) { return TRIGGERS.has(value.slice(0, 1)) ? "'" + value : value; }
  /** The value inert() made `cell` from. */
  function raw(cell) { return cell.slice(0, 1) === "'" && TRIGGERS.has(cell.slice(1, 2)) ? cell.slice(1) : cell; }

  // -- the rows ---------------------------------------------------------------------------
  /** [teams: Map target → members, stratum: Map target → id, changed: Map target → seq]. */
  function final_state(record, addenda) {
    const teams = new Map();
    const stratum = new Map();
    const changed = new Map();
    for (const row of need(record, "teams")) {
      teams.set(need(row, "target"), Array.from(need(row, "members")));
      stratum.set(need(row, "target"), need(row, "stratum"));
    }
    for (const add of addenda) {
      const target = need(add, "target");
      if (need(add, "action") === "replace_target" && need(add, "replacement") !== null) {
        const rep = add.replacement;
        const fallback = need(rep, "stratum"); // Python evaluates pop()'s default first
        let s = fallback;
        if (stratum.has(target)) { s = stratum.get(target); stratum.delete(target); }
        teams.delete(target);
        const code = need(rep, "code");
        // like a Python dict, Map.set keeps the place of a key already there and appends a new one
        teams.set(code, Array.from(need(add, "team")));
        stratum.set(code, s);
        changed.set(code, need(add, "seq"));
      } else if (teams.has(target)) {
        teams.set(target, Array.from(need(add, "team")));
        changed.set(target, need(add, "seq"));
      }
    }
    return [teams, stratum, changed];
  }

  /** One row per current target in publish order (table.py result_rows). */
  function result_rows(strata_order, record, addenda) {
    const [teams, stratum, changed] = final_state(record, addenda);
    const batch = new Map();
    for (const s of need(record, "strata")) for (const d of need(s, "drawn")) batch.set(need(d, "code"), need(d, "batch"));
    const replacedBy = new Map();
    for (const a of addenda) {
      if (a.action === "replace_target" && a.replacement !== null) replacedBy.set(need(a.replacement, "code"), [need(a, "seq"), need(a, "target")]);
    }
    const order = new Map(strata_order.map((sid, i) => [sid, i]));
    const rank = new Map();
    for (const s of record.strata) s.drawn.forEach((d, i) => rank.set(d.code, i));
    const rows = [];
    for (const [code, members] of teams) {
      rows.push({
        stratum: stratum.get(code),
        batch: batch.has(code) ? batch.get(code) : null,
        code,
        badges: members.map((m) => need(m, "id")),
        experts: members.map((m) => need(m, "expert")),
        replaces: replacedBy.has(code) ? replacedBy.get(code) : null,
        team_changed: !replacedBy.has(code) && changed.has(code) ? changed.get(code) : null,
      });
    }
    const big = 2 ** 40;
    const key = (r) => [
      order.has(r.stratum) ? order.get(r.stratum) : big,
      r.replaces !== null ? 1 : 0,
      rank.has(r.code) ? rank.get(r.code) : big,
      r.replaces ? r.replaces[0] : 0,
    ];
    const keyed = rows.map((r) => [key(r), r]);
    keyed.sort((a, b) => {
      for (let i = 0; i < 4; i++) if (a[0][i] !== b[0][i]) return a[0][i] < b[0][i] ? -1 : 1;
      return 0;
    });
    return keyed.map((k) => k[1]);
  }

  function note_text(row) {
    if (row.replaces !== null) return fmtText(NOTE_REPLACEMENT, { seq: pyStr(row.replaces[0]), target: pyStr(row.replaces[1]) });
    if (row.team_changed !== null) return fmtText(NOTE_TEAM_CHANGED, { seq: pyStr(row.team_changed) });
    return "";
  }

  /** The table's values (heading row first), before the inert-cell rule. */
  function build(task_id, rows, entity_names, inspector_names) {
    const get = (m, k) => (has(m, k) ? m[k] : "");
    return [HEADER.slice()].concat(rows.map((r) => [
      task_id,
      r.stratum,
      r.batch === null ? "" : pyStr(r.batch),
      r.code,
      get(entity_names, r.code),
      r.badges.join(SEPARATOR),
      r.badges.map((b) => get(inspector_names, b)).join(SEPARATOR),
      note_text(r),
    ]));
  }

  function cells(table, fmt) {
    if (fmt === Files.FORMAT_V1) return table.map((row) => row.slice());
    return table.map((row) => row.map(inert));
  }

  // -- results.csv: table.py's to_csv and from_csv (the csv module: js/csv.js) -------------
  /** Python's csv.writer(lineterminator="\r\n") rows, UTF-8 with BOM (table.py to_csv). */
  function to_csv(table) {
    return Bytes.concat(BOM, Bytes.utf8(Csv.writerows(table)));
  }

  /** The rows of a results.csv, or null when it is not UTF-8 CSV with a BOM. */
  function from_csv(data) {
    if (!data || data.length < 3 || data[0] !== 0xef || data[1] !== 0xbb || data[2] !== 0xbf) return null;
    let text;
    try { text = Bytes.text(data.subarray(3)); } catch (e) { return null; }
    try { return Csv.reader(text); } catch (e) { return null; }
  }

  // -- results.xlsx: table.py's from_xlsx (the workbook as openpyxl reads it: js/xlsx.js) --
  /** Python's table.from_xlsx(data, sheet): the one sheet's rows as text (blank cells "",
   *  trailing blanks dropped), or the catalog code of what is wrong. */
  async function from_xlsx(data, sheet = null) {
    try {
      return await Xlsx.readWorkbook(data, sheet);
    } catch (e) {
      if (e instanceof Xlsx.Refused) return e.code;
      return "verify.xlsx_unreadable";
    }
  }

  // -- services/verify/tables.py -----------------------------------------------------------

  /** badge → name from inspectors.json; null when it is missing or not the roster's list. */
  function inspector_names(found) {
    let names;
    try {
      const doc = Json.parse(found.get(INSPECTORS) || new Uint8Array(0), JSON_DEPTH);
      const roster = Json.parse(found.get(ROSTER) || new Uint8Array(0), JSON_DEPTH);
      const rows = need(doc, "inspectors");
      const ids = Array.from(need(roster, "inspectors")).map((r) => pyStr(need(r, "id")));
      names = new Map();
      for (const r of rows) {
        if (!Json.isObject(r)) return null;
        const keys = Object.keys(r);
        if (keys.length !== PUBLIC_INSPECTOR_FIELDS.length || !PUBLIC_INSPECTOR_FIELDS.every((f) => has(r, f) && typeof r[f] === "string")) return null;
        if (names.has(r.badge_no)) return null;
        names.set(r.badge_no, r.name);
      }
      const list = Array.from(names.keys());
      if (list.length !== ids.length || list.some((b, i) => b !== ids[i])) return null;
    } catch (e) {
      return null;
    }
    return Object.fromEntries(names);
  }

  /** What the signed documents (and inspectors.json) say the public files must show
   *  ({task, rows, table, inspectors}), or the check saying why there is nothing to compare. */
  function expected(found, ann, rec, adds, fmt) {
    if (ann == null || rec == null || adds.some((a) => a == null)) return Checks.skipped("results");
    let rows;
    try {
      const order = ann.strata.map((p) => p.id);
      rows = result_rows(order, rec, adds.map((a) => a.doc));
    } catch (e) {
      return Checks.skipped("results");
    }
    const names = inspector_names(found);
    if (names === null) {
      if (!found.has(INSPECTORS)) return found.absent("results", INSPECTORS);
      return Checks.failed("results", "verify.inspectors_bad", { file: INSPECTORS });
    }
    for (const r of rows) {
      for (const b of r.badges) {
        if (!has(names, b)) return Checks.failed("results", "verify.inspector_unknown", { badge: b, entity: r.code });
      }
    }
    const table = cells(build(ann.task.id, rows, {}, names), fmt);
    return { task: ann.task.id, rows, table, inspectors: names };
  }
  const isCheck = (x) => x !== null && typeof x === "object" && typeof x.status === "string" && typeof x.name === "string";

  function csv_rows(found) {
    const data = found.get(RESULTS_CSV);
    return data == null ? null : from_csv(data);
  }

  /** code → entity name as results.csv shows it (the inert-cell prefix taken off). */
  function csv_names(found, fmt) {
    const rows = csv_rows(found) || [];
    const unquote = fmt === Files.FORMAT_V1 ? (v) => v : raw;
    const out = {};
    for (const r of rows.slice(1)) if (r.length === COLUMNS.length) out[unquote(r[CODE_COL])] = unquote(r[NAME_COL]);
    return out;
  }

  const sameRow = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

  /** Every column of results.csv against the signed record after its addenda. */
  function results_check(found, exp, fmt) {
    if (!found.has(RESULTS_CSV)) return found.absent("results", RESULTS_CSV);
    if (isCheck(exp)) return exp;
    const rows = csv_rows(found);
    if (rows === null) return Checks.failed("results", "verify.results_unreadable", { file: RESULTS_CSV });
    if (!rows.length || !sameRow(rows[0], exp.table[0])) return Checks.failed("results", "verify.results_header", { file: RESULTS_CSV });
    const unquote = fmt === Files.FORMAT_V1 ? (v) => v : raw;
    const n = Math.min(rows.length, exp.table.length);
    for (let k = 1; k < n; k++) {
      const got = rows[k];
      const want = exp.table[k];
      const i = k + 1;
      const entity = unquote(want[CODE_COL]);
      if (got.length !== want.length) return Checks.failed("results", "verify.results_row", { row: i, entity });
      for (let c = 0; c < got.length; c++) {
        const g = got[c];
        const w = want[c];
        if (c === NAME_COL) {
          if (fmt !== Files.FORMAT_V1 && inert(raw(g)) !== g) return Checks.failed("results", "verify.results_live", { row: i, entity });
          if (!pyStrip(unquote(g))) return Checks.failed("results", "verify.results_no_name", { row: i, entity });
        } else if (g !== w) {
          return Checks.failed("results", "verify.results_cell", { row: i, column: TITLES[COLUMNS[c]], got: Array.from(g).slice(0, 60).join(""), expected: w });
        }
      }
    }
    if (rows.length !== exp.table.length) return Checks.failed("results", "verify.results_count", { got: rows.length - 1, expected: exp.table.length - 1 });
    return Checks.passed("results", "verify.results_ok", { rows: rows.length - 1 });
  }

  /** results.xlsx shows exactly results.csv, header row included, as plain text cells. */
  async function xlsx_check(found) {
    const data = found.get(RESULTS_XLSX);
    if (data == null) return found.absent("results.xlsx", RESULTS_XLSX);
    const rows = csv_rows(found);
    if (rows === null) {
      if (!found.has(RESULTS_CSV)) return found.absent("results.xlsx", RESULTS_CSV);
      return Checks.failed("results.xlsx", "verify.results_unreadable", { file: RESULTS_CSV });
    }
    const bound = XLSX_EXPANSION * (found.get(RESULTS_CSV).length + 64 * 1024);
    if (!Zip.xlsx_within(data, bound)) return Checks.failed("results.xlsx", "verify.xlsx_bomb", { file: RESULTS_XLSX, limit: bound });
    const got = await from_xlsx(data, SHEET);
    if (typeof got === "string") return Checks.failed("results.xlsx", got, { file: RESULTS_XLSX, sheet: SHEET });
    const want = trimmed(rows);
    const n = Math.min(got.length, want.length);
    for (let i = 0; i < n; i++) if (!sameRow(got[i], want[i])) return Checks.failed("results.xlsx", "verify.xlsx_row", { row: i + 1 });
    if (got.length !== want.length) return Checks.failed("results.xlsx", "verify.xlsx_count", { got: got.length, expected: want.length });
    return Checks.passed("results.xlsx", "verify.xlsx_ok", { rows: want.length });
  }

  /** Each row without its trailing empty cells. */
  function trimmed(rows) {
    return rows.map((r) => { const row = r.slice(); while (row.length && row[row.length - 1] === "") row.pop(); return row; });
  }

  return {
    COLUMNS, TITLES, HEADER, NAME_COL, CODE_COL, NOTE_REPLACEMENT, NOTE_TEAM_CHANGED, SEPARATOR, SHEET, BOM, TRIGGERS,
    XLSX_EXPANSION, JSON_DEPTH,
    inert, raw, final_state, result_rows, note_text, build, cells, to_csv, from_csv, from_xlsx,
    inspector_names, expected, isCheck, csv_rows, csv_names, results_check, xlsx_check, trimmed, need, sameRow,
  };
})();
