// Xlsx: a workbook read as randcheck/bundle/table.py's from_xlsx reads it through openpyxl
// (load_workbook read-only, data_only=False): readWorkbook(data, sheet) gives the one sheet's
// rows as text (blank cells "", trailing blanks dropped), throws Refused(code) for what
// from_xlsx refuses (the sheets, the sheet's name, a formula, a cell that is not plain text)
// and anything else for a workbook openpyxl would not read. Tables.from_xlsx turns these
// into its answer. Parts are read with Zip, the XML with the browser's DOMParser (no DTD).
const Xlsx = (() => {
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

  return { readWorkbook, Refused };
})();
