// Page: the `page` check (randcheck/services/verify/page.py) and table_cells, which the
// inspection.table check uses, with the words of randcheck/bundle/marks.py.
//
// Python reads index.html with html.parser (Python 3.11) into its own simple tree (a start tag
// opens an element unless it is void, an end tag closes up to the nearest open element of that
// name, nothing else is implied). A browser's DOMParser builds a different tree from the same
// bytes when they are not well-formed (implied <tbody>, foster-parented table text, dropped
// stray end tags, <template> content kept apart), so a tampered page could pass in one and
// fail in the other. So this file ports html.parser's tokenizer and Python's tree instead, and
// uses the browser only to decode named character references (the HTML5 table, the same one
// Python's html.unescape uses).
const Page = (() => {
  // -- randcheck/bundle/marks.py ---------------------------------------------------------------
  const TARGET_COUNT = "{n} 户";
  const REPLACED = "已由第 {seq} 号补充记录替换";
  const REPLACEMENT = "替补";
  const NO_BATCH = "—";
  const MEMBER = "{name}（{badge}）";
  const NO_NAME = "（未登记姓名）";
  const EXPERT = "专家";
  const LIST_SEPARATOR = "、";
  const ATTR_SEPARATOR = ";";
  const { INDEX } = Reading.LAYOUT;
  const fmtText = Spec.pyFormat;
  const get = (m, k) => (Object.prototype.hasOwnProperty.call(m, k) ? m[k] : undefined);

  function member(name, badge, expert) {
    return fmtText(MEMBER, { name: name || NO_NAME, badge }) + (expert ? EXPERT : "");
  }
  function team_text(badges, experts, names) {
    if (badges.length !== experts.length) throw new TypeError("zip strict");
    return badges.map((b, i) => member(get(names, b) || "", b, experts[i])).join(LIST_SEPARATOR);
  }
  function addendum_team_text(badges, names) {
    return badges.map((b) => fmtText(MEMBER, { name: get(names, b) || b, badge: b })).join(LIST_SEPARATOR);
  }

  // -- html.unescape (Python 3.11) -------------------------------------------------------------
  const INVALID_CHARREFS = { 0: "\ufffd", 13: "\r" };
  "€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ".split("").forEach((ch, i) => { INVALID_CHARREFS[128 + i] = ch; });
  function invalidCodepoint(n) {
    return (n >= 0x1 && n <= 0x8) || n === 0xb || (n >= 0xe && n <= 0x1f) || (n >= 0x7f && n <= 0x9f) ||
      (n >= 0xfdd0 && n <= 0xfdef) || (n & 0xfffe) === 0xfffe;
  }
  const FALLBACK = { "amp;": "&", "lt;": "<", "gt;": ">", "quot;": "\"", "apos;": "'", "nbsp;": "\u00a0", amp: "&", lt: "<", gt: ">", quot: "\"", nbsp: "\u00a0" };
  let decoder = null;
  function named(s) {
    // s: the name with its ";" if any. The browser's HTML5 table decodes exactly as Python's
    // html5 dict (with the longest legacy prefix when there is no exact match).
    if (decoder === null) {
      decoder = false;
      try {
        if (typeof document !== "undefined") decoder = document.createElement("textarea");
      } catch (e) { decoder = false; }
    }
    if (decoder) {
      decoder.innerHTML = "&" + s.replace(/[<>]/g, "");
      return decoder.value;
    }
    if (Object.prototype.hasOwnProperty.call(FALLBACK, s)) return FALLBACK[s];
    for (let x = s.length - 1; x > 1; x--) {
      if (Object.prototype.hasOwnProperty.call(FALLBACK, s.slice(0, x)) && !s.slice(0, x).endsWith(";")) return FALLBACK[s.slice(0, x)] + s.slice(x);
    }
    return "&" + s;
  }
  const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;
  function unescape(s) {
    if (!s.includes("&")) return s;
    return s.replace(CHARREF, (_, ref) => {
      if (ref[0] === "#") {
        const num = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2).replace(/;$/, ""), 16) : parseInt(ref.slice(1).replace(/;$/, ""), 10);
        if (Object.prototype.hasOwnProperty.call(INVALID_CHARREFS, num)) return INVALID_CHARREFS[num];
        if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return "\ufffd";
        if (invalidCodepoint(num)) return "";
        return String.fromCodePoint(num);
      }
      return named(ref);
    });
  }

  // -- html.parser (Python 3.11), convert_charrefs=True, fed the whole page then closed -------
  const TAGFIND = /([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|\/(?!>))*/y;
  const ATTRFIND = /((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|\/(?!>))*/y;
  const LOCATE_END = /<[a-zA-Z][^\t\n\r\f />\x00]*(?:[\s/]*(?:(?<=['"\s/])[^\s/>][^\s/=>]*(?:\s*=+\s*(?:'[^']*'|"[^"]*"|(?!['"])[^>\s]*)\s*)?(?:\s|\/(?!>))*)*)?\s*/y;
  const ENDTAGFIND = /<\/\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>/y;
  const STARTTAGOPEN = /<[a-zA-Z]/y;
  const COMMENTCLOSE = /--\s*>/g;
  const DECLNAME = /[a-zA-Z][-_.a-zA-Z0-9]*\s*/y;
  const MARKED_CLOSE = /]\s*]\s*>/g;
  const MS_MARKED_CLOSE = /]\s*>/g;
  const CDATA_CONTENT = new Set(["script", "style"]);
  const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"]);

  const at = (re, s, i) => { re.lastIndex = i; return re.exec(s); };
  const search = (re, s, i) => { re.lastIndex = i; return re.exec(s); };

  class Node {
    constructor(tag, attrs) { this.tag = tag; this.attrs = attrs; this.children = []; }
    text() { let s = ""; for (const c of this.children) s += typeof c === "string" ? c : c.text(); return s; }
    own() {
      let s = "";
      for (const c of this.children) if (typeof c === "string") s += c; else if (c.tag === "bdi") s += c.text();
      return s;
    }
    classes() { return new Set((get(this.attrs, "class") || "").split(new RegExp(`[${Spec.PY_WS}]+`, "u")).filter((x) => x)); }
    walk() {
      const out = [];
      const visit = (n) => { for (const c of n.children) if (typeof c !== "string") { out.push(c); visit(c); } };
      visit(this);
      return out;
    }
    marked(name) { return this.walk().find((n) => get(n.attrs, "data-f") === name) || null; }
    attr(name) { const v = get(this.attrs, name); return v === undefined ? null : v; }
  }

  class Unparsable extends Error {}

  /** The page's tree (page.py's _Page) from its text. */
  function parse(raw) {
    const root = new Node("#root", Object.create(null));
    const stack = [root];
    const data = (s) => { if (s) stack[stack.length - 1].children.push(s); };
    const node = (tag, attrs) => {
      const n = new Node(tag, Object.create(null));
      for (const [k, v] of attrs) if (!(k in n.attrs)) n.attrs[k] = v || "";
      stack[stack.length - 1].children.push(n);
      return n;
    };
    const starttag = (tag, attrs) => { const n = node(tag, attrs); if (!VOID.has(tag)) stack.push(n); };
    const endtag = (tag) => {
      for (let i = stack.length - 1; i > 0; i--) if (stack[i].tag === tag) { stack.length = i; return; }
    };
    let cdata = null; // the CDATA element open (script, style), and its end-tag pattern
    let interesting = null;

    function wholeStartTag(i) {
      const m = at(LOCATE_END, raw, i);
      const j = i + m[0].length;
      const next = raw.slice(j, j + 1);
      if (next === ">") return j + 1;
      if (next === "/") {
        if (raw.startsWith("/>", j)) return j + 2;
        if (raw.startsWith("/", j)) return -1;
        return j > i ? j : i + 1;
      }
      if (next === "") return -1;
      if (/[a-zA-Z=/]/.test(next)) return -1;
      return j > i ? j : i + 1;
    }
    function parseStarttag(i) {
      const endpos = wholeStartTag(i);
      if (endpos < 0) return endpos;
      const attrs = [];
      const m = at(TAGFIND, raw, i + 1);
      let k = i + 1 + m[0].length;
      const tag = m[1].toLowerCase();
      while (k < endpos) {
        const a = at(ATTRFIND, raw, k);
        if (!a) break;
        const name = a[1];
        const rest = a[2];
        let value = a[3];
        if (!rest) value = null;
        else if ((value.slice(0, 1) === "'" && value.slice(-1) === "'") || (value.slice(0, 1) === "\"" && value.slice(-1) === "\"")) value = value.slice(1, -1);
        if (value) value = unescape(value);
        attrs.push([name.toLowerCase(), value]);
        k += a[0].length;
      }
      const end = raw.slice(k, endpos).trim();
      if (end !== ">" && end !== "/>") { data(raw.slice(i, endpos)); return endpos; }
      if (end.endsWith("/>")) node(tag, attrs); // handle_startendtag: never opened
      else {
        starttag(tag, attrs);
        if (CDATA_CONTENT.has(tag)) { cdata = tag; interesting = new RegExp(`</\\s*${tag}\\s*>`, "gi"); }
      }
      return endpos;
    }
    function parseEndtag(i) {
      const gt = raw.indexOf(">", i + 1);
      if (gt < 0) return -1;
      let gtpos = gt + 1;
      const m = at(ENDTAGFIND, raw, i);
      if (!m) {
        if (cdata !== null) { data(raw.slice(i, gtpos)); return gtpos; }
        const nm = at(TAGFIND, raw, i + 2);
        if (!nm) {
          if (raw.slice(i, i + 3) === "</>") return i + 3;
          return bogusComment(i);
        }
        const tagname = nm[1].toLowerCase();
        gtpos = raw.indexOf(">", i + 2 + nm[0].length);
        endtag(tagname);
        return gtpos + 1;
      }
      const elem = m[1].toLowerCase();
      if (cdata !== null && elem !== cdata) { data(raw.slice(i, gtpos)); return gtpos; }
      endtag(elem);
      cdata = null; interesting = null;
      return gtpos;
    }
    function bogusComment(i) {
      const pos = raw.indexOf(">", i + 2);
      return pos < 0 ? -1 : pos + 1;
    }
    function comment(i) {
      const m = search(COMMENTCLOSE, raw, i + 4);
      return m ? m.index + m[0].length : -1;
    }
    function markedSection(i) {
      if (i + 3 >= raw.length) return -1;
      const m = at(DECLNAME, raw, i + 3);
      if (!m) throw new Unparsable("expected name token"); // Python raises AssertionError
      if (i + 3 + m[0].length === raw.length) return -1;
      const name = m[0].trim().toLowerCase();
      let close;
      if (["temp", "cdata", "ignore", "include", "rcdata"].includes(name)) close = search(MARKED_CLOSE, raw, i + 3);
      else if (["if", "else", "endif"].includes(name)) close = search(MS_MARKED_CLOSE, raw, i + 3);
      else throw new Unparsable("unknown status keyword in marked section");
      return close ? close.index + close[0].length : -1;
    }
    function declaration(i) {
      if (raw.slice(i, i + 4) === "<!--") return comment(i);
      if (raw.slice(i, i + 3) === "<![") return markedSection(i);
      if (raw.slice(i, i + 9).toLowerCase() === "<!doctype") {
        const gt = raw.indexOf(">", i + 9);
        return gt < 0 ? -1 : gt + 1;
      }
      return bogusComment(i);
    }

    // goahead(end=1): the whole page at once (feed() then close() come to the same)
    let i = 0;
    const n = raw.length;
    while (i < n) {
      let j;
      if (cdata === null) {
        j = raw.indexOf("<", i);
        if (j < 0) j = n;
      } else {
        const m = search(interesting, raw, i);
        if (!m) break; // an unclosed script or style: the rest is dropped
        j = m.index;
      }
      if (i < j) data(cdata === null ? unescape(raw.slice(i, j)) : raw.slice(i, j));
      i = j;
      if (i === n) break;
      // raw[i] === "<"
      let k;
      if (at(STARTTAGOPEN, raw, i)) k = parseStarttag(i);
      else if (raw.startsWith("</", i)) k = parseEndtag(i);
      else if (raw.startsWith("<!--", i)) k = comment(i);
      else if (raw.startsWith("<?", i)) { const gt = raw.indexOf(">", i + 2); k = gt < 0 ? -1 : gt + 1; }
      else if (raw.startsWith("<!", i)) k = declaration(i);
      else if (i + 1 < n) { data("<"); k = i + 1; }
      else break;
      if (k < 0) {
        k = raw.indexOf(">", i + 1);
        if (k < 0) { k = raw.indexOf("<", i + 1); if (k < 0) k = i + 1; } else k += 1;
        data(cdata === null ? unescape(raw.slice(i, k)) : raw.slice(i, k));
      }
      i = k;
    }
    if (i < n && cdata === null) data(unescape(raw.slice(i, n)));
    return root;
  }

  // -- services/verify/page.py ----------------------------------------------------------------
  const CSS_BANNED = /content|:before|:after|url\(|@import|display:none|visibility|opacity|font-size:0|transparent|position|clip|text-indent|expression/;
  const ACTIVE = new Set(["script", "iframe", "object", "embed", "link", "img", "svg", "template"]);
  const PY_SPACE = new RegExp(`[${Spec.PY_WS}]+`, "gu");
  // attributes whose value is a URL (HTML, its obsolete forms, and SVG/MathML's xlink:href)
  const URL_ATTRS = new Set(["href", "src", "srcset", "imagesrcset", "action", "formaction", "poster", "background",
    "cite", "data", "ping", "manifest", "longdesc", "lowsrc", "dynsrc", "codebase", "archive", "classid", "profile",
    "icon", "usemap", "xlink:href"]);
  // a relative path: segments of unreserved characters and %HH, joined by single "/"
  const LINK_PATH = /^(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+(?:\/(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+)*$/;
  // a segment once percent-decoded: the characters of the bundle's file names (SPEC §1, §14)
  const LINK_NAME = /^[A-Za-z0-9._~%-]+$/;
  const PERCENT = /%([0-9A-Fa-f]{2})/g;
  const LINK_SHOWN = 200; // code points of a refused link named in the check's params

  function rows(table) {
    const out = [];
    for (const tr of table.walk().filter((x) => x.tag === "tr")) {
      const cells = tr.children.filter((c) => typeof c !== "string" && (c.tag === "td" || c.tag === "th"));
      if (cells.length && cells.every((c) => c.tag === "th")) continue;
      out.push(tr);
    }
    return out;
  }
  function cell(row, name, own = false) {
    const nd = row.marked(name);
    if (nd === null) return null;
    return own ? nd.own() : nd.text();
  }
  const rowAt = (table, row, entity) => ["verify.page_row", { table, row, entity }];
  const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  const short_code = (d) => { const u = d.toUpperCase(); return `${u.slice(0, 4)}-${u.slice(4, 8)}-${u.slice(8, 12)}`; };
  const str = Spec.pyStr;

  function pageStyle(nodes) {
    for (const nd of nodes) {
      if (ACTIVE.has(nd.tag) || "style" in nd.attrs || "hidden" in nd.attrs) return ["verify.page_active", { tag: nd.tag }];
      if (Object.keys(nd.attrs).some((k) => k.startsWith("on"))) return ["verify.page_active", { tag: nd.tag }];
      if (nd.tag === "style" && CSS_BANNED.test(nd.text().toLowerCase().replace(PY_SPACE, ""))) return ["verify.page_active", { tag: "style" }];
    }
    return null;
  }

  /** Whether value (an attribute's URL) stays in the bundle's folder: "#…" (a place on the
   *  page itself), or a relative path whose segments, percent-decoded, are file names of the
   *  bundle's characters and none "." or ".." — so no scheme, "//", leading "/", "\\", "..",
   *  query or fragment (verify.html#key=…: the reader gives the key). page.py's link_ok. */
  function link_ok(value) {
    if (value.startsWith("#")) return true;
    if (!LINK_PATH.test(value)) return false;
    for (const segment of value.split("/")) {
      const name = segment.replace(PERCENT, (_, h) => String.fromCharCode(parseInt(h, 16)));
      if (!LINK_NAME.test(name) || name === "." || name === "..") return false;
    }
    return true;
  }
  function link(tag, attr, value) {
    const cps = Array.from(value);
    const shown = cps.length <= LINK_SHOWN ? value : cps.slice(0, LINK_SHOWN).join("") + "…";
    return ["verify.page_link", { tag, attr, link: shown }];
  }
  /** Every link stays in the bundle's folder; nothing re-points links (<base>), sends the
   *  reader on with a query (<form>) or refreshes elsewhere (<meta http-equiv>). */
  function pageLinks(nodes) {
    for (const nd of nodes) {
      if (nd.tag === "base") return link("base", "href", nd.attr("href") || "");
      if (nd.tag === "form") return link("form", "action", nd.attr("action") || "");
      if (nd.tag === "meta" && "http-equiv" in nd.attrs) return link("meta", "content", nd.attr("content") || "");
      for (const k of Object.keys(nd.attrs)) if (URL_ATTRS.has(k) && !link_ok(nd.attrs[k])) return link(nd.tag, k, nd.attrs[k]);
    }
    return null;
  }

  function pageSummary(nodes, exp, digest) {
    const digests = nodes.filter((x) => x.attr("data-f") === "record-digest").map((x) => x.text());
    const codes = nodes.filter((x) => x.classes().has("code")).map((x) => x.text());
    if (!digests.length || digests.some((d) => d !== digest)) return ["verify.page_digest", {}];
    if (!codes.length || codes.some((c) => c !== short_code(digest))) return ["verify.page_code", { code: short_code(digest) }];
    const counts = nodes.filter((x) => x.attr("data-f") === "target-count").map((x) => x.text());
    if (!same(counts, [fmtText(TARGET_COUNT, { n: exp.rows.length })])) return ["verify.page_count", { count: exp.rows.length }];
    return null;
  }

  const tablesOf = (nodes, cls) => nodes.filter((x) => x.tag === "table" && x.classes().has(cls));
  const need = (o, k) => Tables.need(o, k);
  function addSaw(saw, code, name) { if (!saw.has(code)) saw.set(code, new Set()); saw.get(code).add(name); }

  function pageDraw(nodes, rec, adds, saw) {
    const replaced = new Map();
    for (const a of adds) if (need(a, "action") === "replace_target") replaced.set(need(a, "target"), need(a, "seq"));
    let strata = need(rec, "strata").filter((s) => need(s, "drawn").length);
    let tables = tablesOf(nodes, "drawn");
    if (!same(tables.map((t) => t.attr("data-stratum")), strata.map((s) => need(s, "id")))) return ["verify.page_tables", { table: "drawn" }];
    for (let t = 0; t < tables.length; t++) {
      const s = strata[t];
      const rs = rows(tables[t]);
      const name = `drawn ${s.id}`;
      for (let i = 1; i <= s.drawn.length; i++) {
        const d = s.drawn[i - 1];
        if (i > rs.length) return rowAt(name, i, need(d, "code"));
        const row = rs[i - 1];
        const seq = replaced.has(d.code) ? replaced.get(d.code) : null;
        const got = [row.attr("data-code"), row.attr("data-stratum"), row.attr("data-batch"), cell(row, "code"), cell(row, "batch"), cell(row, "rank"), cell(row, "replaced")];
        const batch = str(need(d, "batch"));
        const tag = seq === null ? null : fmtText(REPLACED, { seq: str(seq) });
        if (!same(got, [need(d, "code"), s.id, batch, d.code, batch, String(i), tag])) return rowAt(name, i, d.code);
        addSaw(saw, d.code, cell(row, "name", true) || "");
      }
      if (rs.length !== s.drawn.length) return ["verify.page_rows", { table: name, expected: s.drawn.length }];
    }
    strata = rec.strata.filter((s) => need(s, "reserve").length);
    tables = tablesOf(nodes, "reserve");
    if (!same(tables.map((t) => t.attr("data-stratum")), strata.map((s) => need(s, "id")))) return ["verify.page_tables", { table: "reserve" }];
    for (let t = 0; t < tables.length; t++) {
      const s = strata[t];
      const rs = rows(tables[t]);
      const got = rs.map((r) => [r.attr("data-code"), cell(r, "code"), cell(r, "rank")]);
      const want = s.reserve.map((r, i) => [need(r, "code"), r.code, String(i + 1)]);
      if (got.length !== want.length || got.some((g, i) => !same(g, want[i]))) return ["verify.page_rows", { table: `reserve ${s.id}`, expected: want.length }];
      for (const r of rs) addSaw(saw, r.attr("data-code") === null ? "" : r.attr("data-code"), cell(r, "name") || "");
    }
    return null;
  }

  function pageTeams(nodes, exp, saw) {
    const tables = nodes.filter((x) => x.tag === "table" && x.attr("id") === "teams");
    if (tables.length !== 1) return ["verify.page_tables", { table: "teams" }];
    const rs = rows(tables[0]);
    for (let i = 1; i <= exp.rows.length; i++) {
      const want = exp.rows[i - 1];
      if (i > rs.length) return rowAt("teams", i, want.code);
      const row = rs[i - 1];
      const batch = want.batch === null ? "" : str(want.batch);
      const got = [row.attr("data-code"), row.attr("data-stratum"), row.attr("data-batch"), row.attr("data-badges"), cell(row, "code"),
        cell(row, "stratum"), cell(row, "batch"), cell(row, "members"), cell(row, "replacement")];
      const members = team_text(want.badges, want.experts, exp.inspectors);
      if (!same(got, [want.code, want.stratum, batch, want.badges.join(ATTR_SEPARATOR), want.code, want.stratum, batch || NO_BATCH, members,
        want.replaces !== null ? REPLACEMENT : null])) return rowAt("teams", i, want.code);
      addSaw(saw, want.code, cell(row, "name", true) || "");
    }
    if (rs.length !== exp.rows.length) return ["verify.page_rows", { table: "teams", expected: exp.rows.length }];
    return null;
  }

  function pageAddenda(nodes, adds, inspectors) {
    const tables = nodes.filter((x) => x.tag === "table" && x.attr("id") === "addenda");
    if (tables.length !== (adds.length ? 1 : 0)) return ["verify.page_tables", { table: "addenda" }];
    const rs = tables.length ? rows(tables[0]) : [];
    if (rs.length !== adds.length) return ["verify.page_rows", { table: "addenda", expected: adds.length }];
    for (let k = 0; k < rs.length; k++) {
      const row = rs[k];
      const a = adds[k];
      const rep = need(a, "replacement") || {};
      const fresh = get(rep, "code") === undefined ? null : rep.code;
      const badges = need(a, "team").map((m) => str(need(m, "id")));
      const got = [row.attr("data-seq"), cell(row, "seq"), row.attr("data-target"), row.attr("data-replacement"), row.attr("data-inspector"),
        row.attr("data-badges"), cell(row, "team")];
      const want = [str(need(a, "seq")), str(a.seq), need(a, "target"), fresh || "", need(a, "inspector") || "", badges.join(ATTR_SEPARATOR),
        addendum_team_text(badges, inspectors)];
      const shown = [];
      for (const c of [row.marked("target"), row.marked("replacement")]) {
        if (c === null) continue;
        for (const span of c.walk()) if (span.classes().has("mono")) shown.push(span.text());
      }
      const codes = (a.inspector ? [] : [a.target]).concat(fresh ? [fresh] : []);
      if (!same(got, want) || !same(shown, codes) || !(cell(row, "target") || "").includes(a.target)) {
        return rowAt("addenda", pyInt(a.seq), a.target);
      }
    }
    return null;
  }
  function pyInt(v) {
    if (typeof v === "number" && Number.isInteger(v)) return v;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
    throw new TypeError("int()");
  }

  function pageProblem(page, exp, rec, adds, digest, csvNames) {
    const nodes = page.walk();
    const saw = new Map(Object.entries(csvNames).map(([c, nm]) => [c, new Set([nm])]));
    const problem = pageStyle(nodes) || pageLinks(nodes) || pageSummary(nodes, exp, digest) || pageDraw(nodes, rec, adds, saw) ||
      pageTeams(nodes, exp, saw) || pageAddenda(nodes, adds, exp.inspectors);
    if (problem !== null) return problem;
    const codes = Array.from(saw.keys()).sort((a, b) => pyCompare(a, b));
    for (const code of codes) if (saw.get(code).size > 1) return ["verify.page_names", { entity: code }];
    return null;
  }
  /** Python's str ordering: by code point (JS compares UTF-16 units). */
  function pyCompare(a, b) {
    const x = Array.from(a), y = Array.from(b);
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
    return x.length - y.length;
  }

  /** The page's tree, or null when it is not UTF-8 (throws Unparsable where Python raises). */
  function readPage(raw) {
    let text;
    try { text = Bytes.text(raw); } catch (e) { return null; }
    // Python's decode("utf-8") keeps a leading BOM as U+FEFF text
    return parse(text);
  }

  /** index.html shows the record's targets, teams, digest and verification code. */
  function page_check(found, exp, rec_env, adds, csv_names) {
    const raw = found.get(INDEX);
    if (raw == null) return found.absent("page", INDEX);
    if (Tables.isCheck(exp) || rec_env == null) return Checks.skipped("page");
    let root;
    try {
      root = readPage(raw);
    } catch (e) {
      // Python's html.parser raises AssertionError here, which randcheck verify does not catch
      return Checks.failed("page", "verify.page_unreadable", { file: INDEX });
    }
    if (root === null) return Checks.failed("page", "verify.page_unreadable", { file: INDEX });
    let problem;
    try {
      problem = pageProblem(root, exp, rec_env.doc, adds.filter((a) => a != null).map((a) => a.doc), rec_env.digest, csv_names);
    } catch (e) {
      return Checks.skipped("page");
    }
    if (problem !== null) return Checks.failed("page", problem[0], problem[1]);
    return Checks.passed("page", "verify.page_ok", { targets: exp.rows.length });
  }

  /** The cell texts of the body rows of <table id=table_id> on index.html ([] when there is
   *  no such table, null when the page cannot be read). */
  function table_cells(found, table_id) {
    const raw = found.get(INDEX);
    if (raw == null) return null;
    let root;
    try { root = readPage(raw); } catch (e) { return null; }
    if (root === null) return null;
    const table = root.walk().find((x) => x.tag === "table" && x.attr("id") === table_id);
    if (!table) return [];
    return rows(table).map((tr) => tr.children.filter((c) => typeof c !== "string" && c.tag === "td").map((c) => c.text()));
  }

  return {
    TARGET_COUNT, REPLACED, REPLACEMENT, NO_BATCH, MEMBER, NO_NAME, EXPERT, LIST_SEPARATOR, ATTR_SEPARATOR,
    member, team_text, addendum_team_text, unescape, parse, page_check, table_cells, short_code, link_ok,
  };
})();
