// Csv: Python's csv module, excel dialect, as randcheck/bundle/table.py uses it: csv.writer
// with lineterminator "\r\n" and Python 3.11's csv.reader over io.StringIO(text, newline="").
// Tables.to_csv and Tables.from_csv (table.py's) put the BOM and UTF-8 around it.
const Csv = (() => {
  const FIELD_LIMIT = 131072;

  /** Python's csv.writer(buf, lineterminator="\r\n").writerows(table): the text written. */
  function writerows(table) {
    let out = "";
    for (const row of table) {
      if (row.length === 1 && row[0] === "") { out += "\"\"\r\n"; continue; }
      out += row.map((v) => (/[",\r\n]/.test(v) ? "\"" + v.replace(/"/g, "\"\"") + "\"" : v)).join(",") + "\r\n";
    }
    return out;
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
  function reader(text) {
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

  return { FIELD_LIMIT, writerows, reader };
})();
