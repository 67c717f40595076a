// Tables: the `results` and `results.xlsx` checks (randcheck/services/verify/tables.py) and the
// table rules they use (randcheck/bundle/table.py: columns, titles, notes, inert cells, the
// rows after the addenda, results.csv as Python's csv module reads and writes it, and the
// workbook read as the openpyxl-based from_xlsx reads it).
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

  // layout.py names and reading.py bounds used here
  const FORMAT_V1 = "randcheck/bundle/v1";
  const INSPECTORS = "inspectors.json";
  const ROSTER = "roster.json";
  const RESULTS_CSV = "results.csv";
  const RESULTS_XLSX = "results.xlsx";
  const PUBLIC_INSPECTOR_FIELDS = ["badge_no", "name", "unit", "department", "issuer"];
  const JSON_DEPTH = 32;
  const XLSX_EXPANSION = 20;

  /** Python's whitespace (str.split(), str.strip(), re's \\s on str), as a character-class body. */
  const PY_WS = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const fmtText = (template, params) => template.replace(/\{(\w+)\}/g, (_, k) => String(params[k]));
  /** Python's dict[key]: a missing key (or a non-object) throws, as KeyError/TypeError would. */
  function need(obj, key) {
    if (obj === null || typeof obj !== "object" || !Object.prototype.hasOwnProperty.call(obj, key)) {
      throw new TypeError(`missing ${key}`);
    }
    return obj[key];
  }
  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  /** Python's str() of the JSON values a signed document may hold here. */
  function pyStr(v) {
    if (v === true) return "True";
    if (v === false) return "False";
    if (v === null || v === undefined) return "None";
    return String(v);
  }

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
    if (fmt === FORMAT_V1) return table.map((row) => row.slice());
    return table.map((row) => row.map(inert));
  }

  // -- results.csv: Python's csv module, excel dialect ------------------------------------
  const FIELD_LIMIT = 131072;

  /** Python's csv.writer(lineterminator="\r\n") rows, UTF-8 with BOM (table.py to_csv). */
  function to_csv(table) {
    let out = "";
    for (const row of table) {
      if (row.length === 1 && row[0] === "") { out += "\"\"\r\n"; continue; }
      out += row.map((v) => (/[",\r\n]/.test(v) ? "\"" + v.replace(/"/g, "\"\"") + "\"" : v)).join(",") + "\r\n";
    }
    return Bytes.concat(BOM, Bytes.utf8(out));
  }

  /** The lines of io.StringIO(text, newline=""): each ends after \n, \r\n or a lone \r. */
  function splitLines(text) {
    const out = [];
    let start = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) { out.push(text.slice(start, i + 1)); start = i + 1; }
      else if (c === 13) {
        if (i + 1 < n && text.charCodeAt(i + 1) === 10) i++;
        out.push(text.slice(start, i + 1)); start = i + 1;
      }
    }
    if (start < n) out.push(text.slice(start));
    return out;
  }

  /** Python 3.11's csv.reader (excel dialect, strict off) over a string: rows, or throws. */
  function csvRead(text) {
    const START_RECORD = 0, START_FIELD = 1, IN_FIELD = 2, IN_QUOTED_FIELD = 3, QUOTE_IN_QUOTED_FIELD = 4, EAT_CRNL = 5;
    const EOL = -2;
    const rows = [];
    let fields = [];
    let field = [];
    let state = START_RECORD;
    const save = () => { fields.push(field.join("")); field = []; };
    const add = (ch) => { if (field.length >= FIELD_LIMIT) throw new Error("field larger than field limit"); field.push(ch); };
    const lines = splitLines(text);
    for (const line of lines) {
      const chars = Array.from(line); // code points, as Python's str
      chars.push(EOL);
      for (const c of chars) {
        const nl = c === "\n" || c === "\r";
        switch (state) {
          case START_RECORD:
            if (c === EOL) break;
            if (nl) { state = EAT_CRNL; break; }
            state = START_FIELD;
          // fallthrough
          case START_FIELD:
            if (nl || c === EOL) { save(); state = c === EOL ? START_RECORD : EAT_CRNL; }
            else if (c === "\"") state = IN_QUOTED_FIELD;
            else if (c === ",") save();
            else { add(c); state = IN_FIELD; }
            break;
          case IN_FIELD:
            if (nl || c === EOL) { save(); state = c === EOL ? START_RECORD : EAT_CRNL; }
            else if (c === ",") { save(); state = START_FIELD; }
            else add(c);
            break;
          case IN_QUOTED_FIELD:
            if (c === EOL) { /* a line break inside quotes: the next line continues */ }
            else if (c === "\"") state = QUOTE_IN_QUOTED_FIELD;
            else add(c);
            break;
          case QUOTE_IN_QUOTED_FIELD:
            if (c === "\"") { add(c); state = IN_QUOTED_FIELD; }
            else if (c === ",") { save(); state = START_FIELD; }
            else if (nl || c === EOL) { save(); state = c === EOL ? START_RECORD : EAT_CRNL; }
            else { add(c); state = IN_FIELD; }
            break;
          case EAT_CRNL:
            if (nl) { /* skip */ }
            else if (c === EOL) state = START_RECORD;
            else throw new Error("new-line character seen in unquoted field");
            break;
          default:
            throw new Error("csv state");
        }
      }
      if (state === START_RECORD) { rows.push(fields); fields = []; }
    }
    if (field.length !== 0 || state === IN_QUOTED_FIELD) { save(); rows.push(fields); }
    return rows;
  }

  /** The rows of a results.csv, or null when it is not UTF-8 CSV with a BOM. */
  function from_csv(data) {
    if (!data || data.length < 3 || data[0] !== 0xef || data[1] !== 0xbb || data[2] !== 0xbf) return null;
    let text;
    try { text = Bytes.text(data.subarray(3)); } catch (e) { return null; }
    try { return csvRead(text); } catch (e) { return null; }
  }

  // -- results.xlsx: what openpyxl (read-only, data_only=False) shows -----------------------
  const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
  const CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types";
  const WORKBOOK_TYPES = [
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
  ];
  const SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml";
  // number format ids openpyxl knows as built-in and not "General" (BUILTIN_FORMATS)
  const BUILTIN_NOT_GENERAL = new Set([...Array.from({ length: 22 }, (_, i) => i + 1), ...Array.from({ length: 13 }, (_, i) => i + 37)]);
  const BUILTIN_MAX = 164;

  class Unreadable extends Error {}
  class Refused extends Error { constructor(code) { super(code); this.code = code; } }

  function xml(bytes) {
    let text;
    try { text = Bytes.text(bytes); } catch (e) { throw new Unreadable("not UTF-8"); }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (/<!DOCTYPE/i.test(text)) throw new Unreadable("a DTD"); // no entity expansion, ever
    if (typeof DOMParser === "undefined") throw new Unreadable("no XML parser");
    const doc = new DOMParser().parseFromString(text, "application/xml");
    if (doc.getElementsByTagName("parsererror").length) throw new Unreadable("not well-formed XML");
    return doc;
  }
  const children = (el, ns, local) => Array.from(el.children).filter((c) => c.namespaceURI === ns && c.localName === local);
  const child = (el, ns, local) => { const all = children(el, ns, local); return all.length ? all[0] : null; };
  const lastChild = (el, ns, local) => { const all = children(el, ns, local); return all.length ? all[all.length - 1] : null; };
  /** openpyxl's Text.content: the plain <t> and the runs' <t>. */
  function textContent(el) {
    let s = "";
    const t = lastChild(el, MAIN, "t");
    if (t) s += t.textContent;
    for (const r of children(el, MAIN, "r")) { const rt = lastChild(r, MAIN, "t"); if (rt) s += rt.textContent; }
    return s;
  }
  /** Python int() of the text (spaces and underscores allowed between digits), else Unreadable. */
  function pyInt(s) {
    const m = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(s);
    if (!m) throw new Unreadable("not an integer");
    return Number(m[1] + m[2].replace(/_/g, ""));
  }
  function pyNumberOk(s) {
    if (/[.eE]/.test(s)) return /^\s*[+-]?((\d+(_\d+)*)?(\.(\d+(_\d+)*)?)?([eE][+-]?\d+(_\d+)*)?|inf(inity)?|nan)\s*$/i.test(s) && /\d|inf|nan/i.test(s);
    pyInt(s);
    return true;
  }
  /** Column and row of an A1 reference (openpyxl coordinate_to_tuple), else Unreadable. */
  function coordinate(ref) {
    const m = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(ref);
    if (!m) throw new Unreadable("a bad cell reference");
    let col = 0;
    for (const ch of m[1].toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
    const row = Number(m[2]);
    if (col > 18278 || row < 1) throw new Unreadable("a bad cell reference");
    return [row, col];
  }
  /** openpyxl's range_boundaries of a <dimension ref>: [minCol, minRow, maxCol, maxRow]. */
  function boundaries(ref) {
    const parts = ref.split(":");
    if (parts.length > 2) throw new Unreadable("a bad dimension");
    const a = coordinate(parts[0]);
    const b = parts.length === 2 ? coordinate(parts[1]) : a;
    return [a[1], a[0], b[1], b[0]];
  }
  function joinPath(folder, target) {
    const parts = (target.startsWith("/") ? target.slice(1) : folder + "/" + target).split("/");
    const out = [];
    for (const p of parts) {
      if (p === "..") out.pop(); else if (p !== "." && p !== "") out.push(p);
    }
    return out.join("/");
  }
  function relsPath(part) {
    const i = part.lastIndexOf("/");
    return `${part.slice(0, i + 1)}_rels/${part.slice(i + 1)}.rels`;
  }

  /** Python's table.from_xlsx(data, sheet): the one sheet's rows as text (blank cells "",
   *  trailing blanks dropped), or the catalog code of what is wrong. */
  async function from_xlsx(data, sheet = null) {
    try {
      return await readWorkbook(data, sheet);
    } catch (e) {
      if (e instanceof Refused) return e.code;
      return "verify.xlsx_unreadable";
    }
  }

  async function readWorkbook(data, sheet) {
    const z = await Zip.open(data);
    const limit = data.length * 1000 + (1 << 20); // xlsx_within bounded the whole before
    const part = async (path) => (z.has(path) ? z.read(path, limit) : null);
    const types = await part("[Content_Types].xml");
    if (types === null) throw new Unreadable("no content types");
    const ct = xml(types);
    const overrides = Array.from(ct.getElementsByTagNameNS(CT_NS, "Override"));
    const find = (type) => overrides.find((o) => o.getAttribute("ContentType") === type) || null;
    let wbPart = null;
    for (const t of WORKBOOK_TYPES) { const o = find(t); if (o) { wbPart = o.getAttribute("PartName"); break; } }
    if (wbPart === null) {
      const defaults = Array.from(ct.getElementsByTagNameNS(CT_NS, "Default")).map((d) => d.getAttribute("ContentType"));
      if (!defaults.some((d) => WORKBOOK_TYPES.includes(d))) throw new Unreadable("no workbook part");
      wbPart = "/xl/workbook.xml";
    }
    wbPart = wbPart.replace(/^\//, "");
    // shared strings
    let strings = [];
    const ss = find(SHARED_STRINGS);
    if (ss) {
      const raw = await part(ss.getAttribute("PartName").replace(/^\//, ""));
      if (raw === null) throw new Unreadable("no shared strings part");
      strings = Array.from(xml(raw).getElementsByTagNameNS(MAIN, "si")).map((si) => textContent(si).split("x005F_").join(""));
    }
    // the workbook and its relationships
    const wbRaw = await part(wbPart);
    if (wbRaw === null) throw new Unreadable("no workbook");
    const wb = xml(wbRaw);
    const rels = new Map();
    const relsRaw = await part(relsPath(wbPart));
    const folder = wbPart.slice(0, wbPart.lastIndexOf("/"));
    if (relsRaw !== null) {
      for (const r of xml(relsRaw).getElementsByTagNameNS(PKG_REL, "Relationship")) {
        rels.set(r.getAttribute("Id"), { type: r.getAttribute("Type") || "", target: joinPath(folder, r.getAttribute("Target") || "") });
      }
    }
    // the styles: number format of each cell style (xl/styles.xml, as openpyxl reads it)
    let xfs = [0];
    const custom = new Map();
    const stylesRaw = await part("xl/styles.xml");
    if (stylesRaw !== null) {
      const st = xml(stylesRaw);
      const root = st.documentElement;
      const numFmts = child(root, MAIN, "numFmts");
      if (numFmts) for (const f of children(numFmts, MAIN, "numFmt")) custom.set(pyInt(f.getAttribute("numFmtId") || ""), f.getAttribute("formatCode"));
      const cellXfs = child(root, MAIN, "cellXfs");
      xfs = cellXfs ? children(cellXfs, MAIN, "xf").map((x) => (x.hasAttribute("numFmtId") ? pyInt(x.getAttribute("numFmtId")) : 0)) : [];
    }
    const isGeneral = (styleId) => {
      const id = styleId < 0 ? xfs[xfs.length + styleId] : xfs[styleId];
      if (id === undefined) throw new Unreadable("no such cell style");
      if (custom.has(id)) return custom.get(id) === "General";
      if (id < BUILTIN_MAX) return !BUILTIN_NOT_GENERAL.has(id);
      throw new Unreadable("no such number format");
    };
    // the worksheets (chartsheets and sheets without a part are not worksheets)
    const worksheets = [];
    const sheetsEl = child(wb.documentElement, MAIN, "sheets");
    for (const s of sheetsEl ? children(sheetsEl, MAIN, "sheet") : []) {
      const id = s.getAttributeNS(REL_NS, "id");
      if (!id) continue;
      const rel = rels.get(id);
      if (!rel) throw new Unreadable("a sheet without a relationship");
      if (!z.has(rel.target)) continue;
      if (rel.type.includes("chartsheet")) continue;
      worksheets.push({ title: s.getAttribute("name"), path: rel.target });
    }
    // openpyxl opens every worksheet (its <dimension>) while it loads the workbook
    for (const w of worksheets) {
      w.doc = xml(await part(w.path));
      w.maxCol = null; w.maxRow = null;
      const dims = w.doc.getElementsByTagNameNS(MAIN, "dimension");
      if (dims.length) {
        const ref = dims[0].getAttribute("ref");
        if (ref === null) throw new Unreadable("a dimension without ref");
        const b = boundaries(ref);
        w.maxCol = b[2]; w.maxRow = b[3];
      }
    }
    if (worksheets.length !== 1) throw new Refused("verify.xlsx_sheets");
    if (sheet !== null && worksheets[0].title !== sheet) throw new Refused("verify.xlsx_sheet_name");
    const ws = worksheets[0].doc;
    const maxCol = worksheets[0].maxCol;
    const maxRow = worksheets[0].maxRow;
    const rows = [];
    let counter = 1;
    let rowCounter = 0;
    for (const rowEl of ws.getElementsByTagNameNS(MAIN, "row")) {
      if (rowEl.hasAttribute("r")) rowCounter = pyInt(rowEl.getAttribute("r")); else rowCounter += 1;
      let colCounter = 0;
      const cellsIn = [];
      for (const c of rowEl.children) {
        let col;
        if (c.hasAttribute("r")) { col = coordinate(c.getAttribute("r"))[1]; colCounter = col; } else { colCounter += 1; col = colCounter; }
        cellsIn.push([col, parseCell(c)]); // the whole row is parsed before it is looked at
      }
      const idx = rowCounter;
      if (maxRow !== null && idx > maxRow) break;
      for (; counter < idx; counter++) rows.push([]);
      if (counter > idx) continue;
      counter++;
      if (!cellsIn.length && !maxCol) { rows.push([]); continue; }
      const width = maxCol || cellsIn[cellsIn.length - 1][0];
      const placed = new Array(width).fill(null);
      for (const [col, c] of cellsIn) if (col >= 1 && col <= width) placed[col - 1] = c;
      const out = [];
      for (const c of placed) out.push(c === null ? "" : judge(c));
      while (out.length && out[out.length - 1] === "") out.pop();
      rows.push(out);
    }
    while (rows.length && !rows[rows.length - 1].length) rows.pop();
    return rows;

    // openpyxl's WorkSheetParser.parse_cell: {value, type, styleId}; throws what it raises
    function parseCell(c) {
      let type = c.hasAttribute("t") ? c.getAttribute("t") : "n";
      const styleId = c.hasAttribute("s") && c.getAttribute("s") ? pyInt(c.getAttribute("s")) : 0;
      let value = null;
      if (type !== "inlineStr") { const v = child(c, MAIN, "v"); value = v && v.textContent ? v.textContent : null; }
      if (child(c, MAIN, "f") !== null) return { value: "=", type: "f", styleId };
      if (value !== null) {
        if (type === "n") { if (!pyNumberOk(value)) throw new Unreadable("not a number"); value = 0; }
        else if (type === "s") {
          const i = pyInt(value);
          const s = i < 0 ? strings[strings.length + i] : strings[i];
          if (s === undefined) throw new Unreadable("no such shared string");
          value = s;
        } else if (type === "b") { pyInt(value); value = false; }
        else if (type === "d") value = 0;
        else if (type === "str") type = "s";
      } else if (type === "inlineStr") {
        const is = child(c, MAIN, "is");
        if (is !== null) { type = "s"; value = textContent(is); }
      }
      return { value, type, styleId };
    }
    // from_xlsx's look at one cell: "" for no value, its text, or a refusal
    function judge(p) {
      if (p.value === null) return "";
      if (p.type === "f") throw new Refused("verify.xlsx_formula");
      if (typeof p.value !== "string" || !isGeneral(p.styleId)) throw new Refused("verify.xlsx_cell_type");
      return p.value;
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
        if (r === null || typeof r !== "object" || Array.isArray(r)) return null;
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
    const unquote = fmt === FORMAT_V1 ? (v) => v : raw;
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
    const unquote = fmt === FORMAT_V1 ? (v) => v : raw;
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
          if (fmt !== FORMAT_V1 && inert(raw(g)) !== g) return Checks.failed("results", "verify.results_live", { row: i, entity });
          if (!pyStrip(unquote(g))) return Checks.failed("results", "verify.results_no_name", { row: i, entity });
        } else if (g !== w) {
          return Checks.failed("results", "verify.results_cell", { row: i, column: TITLES[COLUMNS[c]], got: Array.from(g).slice(0, 60).join(""), expected: w });
        }
      }
    }
    if (rows.length !== exp.table.length) return Checks.failed("results", "verify.results_count", { got: rows.length - 1, expected: exp.table.length - 1 });
    return Checks.passed("results", "verify.results_ok", { rows: rows.length - 1 });
  }

  // Python's str.strip() (no argument): Unicode whitespace, including \x1c-\x1f
  const STRIP = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, "gu");
  function pyStrip(s) { return s.replace(STRIP, ""); }

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
    inspector_names, expected, isCheck, csv_rows, csv_names, results_check, xlsx_check, trimmed, pyStr, pyStrip, PY_WS, need, sameRow,
  };
})();
