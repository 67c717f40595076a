// Uitext: the verifier page's words, apart from its DOM (ui.js). Every word comes from CATALOG
// in the page's language (zh first, en by the switch): Python's str.format over the catalog
// (randcheck/catalog.py: render), a check's title and reason (cli/verify.py: what, reason),
// the per-entity answer (cli/verify.py: _entity_lines, _absent_lines) and the report's summary.
// No DOM here: Ui builds the page from these texts.
const Uitext = (() => {
  let lang = "zh";
  // -- messages: Python's str.format over the catalog (randcheck/catalog.py: render) -----------

  // Python's repr() and str() of a parameter (spec.js)
  const { repr: pyRepr, pyStr } = Spec;

  /** A value formatted by a str.format spec: [[fill]align][sign][0][width][,][.precision][type]. */
  function formatSpec(v, spec) {
    const m = /^(?:(.)?([<>^=]))?([+\- ])?(0)?(\d+)?([,_])?(?:\.(\d+))?([sdfeg%xXob])?$/.exec(spec);
    if (!m) throw new Error("bad spec");
    let [, fill, align, sign, zero, width, group, prec, type] = m;
    let s;
    const num = typeof v === "number";
    if (num) {
      let x = v;
      if (type === "%") x = v * 100;
      if (type === "f" || type === "%") s = Math.abs(x).toFixed(prec === undefined ? 6 : Number(prec));
      else if (type === "e") s = Math.abs(x).toExponential(prec === undefined ? 6 : Number(prec));
      else if (type === "x" || type === "X" || type === "o" || type === "b") {
        s = Math.abs(x).toString({ x: 16, X: 16, o: 8, b: 2 }[type]);
        if (type === "X") s = s.toUpperCase();
      } else s = prec !== undefined && type !== "d" ? String(Number(Math.abs(x).toPrecision(Number(prec)))) : String(Math.abs(x));
      if (group) {
        const [i, f] = s.split(".");
        s = i.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (f !== undefined ? "." + f : "");
      }
      if (type === "%") s += "%";
      const neg = x < 0 || Object.is(x, -0);
      s = (neg ? "-" : sign === "+" ? "+" : sign === " " ? " " : "") + s;
      if (zero && !align) { fill = "0"; align = "="; }
    } else {
      s = pyStr(v);
      if (prec !== undefined) s = Array.from(s).slice(0, Number(prec)).join("");
    }
    const w = width ? Number(width) : 0;
    const len = Array.from(s).length;
    if (len < w) {
      const pad = (fill || " ").repeat(w - len);
      const a = align || (num ? ">" : "<");
      if (a === "<") s = s + pad;
      else if (a === ">") s = pad + s;
      else if (a === "^") { const h = Math.floor((w - len) / 2); s = pad.slice(0, h) + s + pad.slice(h); }
      else if (a === "=") { const sg = /^[+\- ]/.test(s) ? s[0] : ""; s = sg + pad + s.slice(sg.length); }
    }
    return s;
  }

  /** str.format(template, params); throws like Python on a missing name or a bad spec. */
  function pyFormat(template, params) {
    let out = "";
    let i = 0;
    while (i < template.length) {
      const ch = template[i];
      if (ch === "{") {
        if (template[i + 1] === "{") { out += "{"; i += 2; continue; }
        const end = template.indexOf("}", i);
        if (end < 0) throw new Error("single {");
        const field = template.slice(i + 1, end);
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:!([rsa]))?(?::(.*))?$/.exec(field);
        if (!m) throw new Error("bad field");
        if (!Object.prototype.hasOwnProperty.call(params, m[1])) throw new Error("missing " + m[1]);
        let v = params[m[1]];
        if (m[2] === "r" || m[2] === "a") v = pyRepr(v);
        else if (m[2] === "s") v = pyStr(v);
        out += m[3] !== undefined && m[3] !== "" ? formatSpec(v, m[3]) : pyStr(v);
        i = end + 1;
      } else if (ch === "}") {
        if (template[i + 1] === "}") { out += "}"; i += 2; continue; }
        throw new Error("single }");
      } else { out += ch; i += 1; }
    }
    return out;
  }

  /** The message `key` in the page's language with `params` (randcheck.catalog.render). */
  function t(key, params = {}) {
    params = { ...params };
    for (const name of Object.keys(params).filter((k) => k.endsWith("_key")).map((k) => k.slice(0, -4))) {
      const inner = params[`${name}_key`];
      const innerParams = params[`${name}_params`] || {};
      delete params[`${name}_key`]; delete params[`${name}_params`];
      params[name] = t(String(inner), innerParams);
    }
    const texts = CATALOG[key];
    if (!texts) {
      const extra = Object.keys(params).sort().map((k) => `${k}=${pyStr(params[k])}`).join(" ");
      return `${key} ${extra}`.trim();
    }
    const template = texts[lang] || texts.en;
    try { return pyFormat(template, params); } catch (e) { return template; }
  }

  const has = (key) => Object.prototype.hasOwnProperty.call(CATALOG, key);

  /** The check's title: verify.what.<longest dotted prefix> (cli/verify.py: what). */
  function what(name) {
    const parts = name.split(".");
    while (parts.length) {
      const key = "verify.what." + parts.join(".");
      if (has(key)) return t(key);
      parts.pop();
    }
    return name;
  }

  // the page's own wording for reasons that name a command-line option
  const PAGE_REASONS = {
    "verify.no_trusted_keys": "webverify.reason.no_trusted_keys",
    "verify.untrusted_own_key": "webverify.reason.untrusted_own_key",
  };

  /** The check's reason from its code (cli/verify.py: reason). */
  function reason(check) {
    const params = { ...(check.params || {}) };
    if (typeof params.reason_code === "string") params.reason_code = t(params.reason_code);
    return t(PAGE_REASONS[check.code] || check.code, params);
  }

  // -- the per-entity answer (cli/verify.py: _entity_lines, _absent_lines) ---------------------

  function entityLines(ent) {
    const code = ent.code;
    const warnings = (ent.warnings || []).map((w) => t(w.code, w.params || {}));
    if (!ent.in_pool) return [...absentLines(ent), ...warnings];
    const lines = [
      t("verify.entity.in_pool", { code, stratum: ent.stratum, count: ent.count, chunk: ent.chunk_index }),
      t("verify.entity.ticket", { ticket: ent.ticket }),
    ];
    if (ent.cutoff === null || ent.cutoff === undefined) lines.push(t("verify.entity.no_cutoff"));
    else lines.push(t("verify.entity.cutoff", { cutoff: ent.cutoff, last: ent.last_drawn }));
    lines.push(t(ent.drawn ? "verify.entity.drawn" : "verify.entity.not_drawn"));
    if (ent.reserve_rank) lines.push(t("verify.entity.reserve", { rank: ent.reserve_rank }));
    if (ent.replaced_by_addendum) lines.push(t("verify.entity.replaced", { seq: ent.replaced_by_addendum }));
    if (ent.brought_in_by_addendum) lines.push(t("verify.entity.brought_in", { seq: ent.brought_in_by_addendum }));
    lines.push(t("verify.entity.note"));
    return [...lines, ...warnings];
  }

  function absentLines(ent) {
    const code = ent.code;
    const bad = ent.malformed;
    if (bad !== undefined && bad !== null) {
      return [t("verify.entity.malformed", { code, problem: t(bad.code, bad.params || {}) })];
    }
    const lines = [t("verify.entity.not_in_pool", { code })];
    if (!("exclusions" in ent)) return lines; // the announcement could not be read
    const exclusions = ent.exclusions || {};
    const total = Object.values(exclusions).reduce((n, v) => n + v, 0);
    if (total) {
      const reasons = Object.entries(exclusions).filter(([, v]) => v)
        .map(([k, v]) => t("verify.entity.reason_count", { reason: exclLabel(k), count: v }))
        .join(lang === "zh" ? "、" : "; ");
      lines.push(t("verify.entity.excluded", { total, reasons }));
      lines.push(t("verify.entity.excluded_which", { code }));
    } else {
      lines.push(t("verify.entity.none_excluded", { code }));
    }
    return lines;
  }

  function exclLabel(reasonKey) {
    const key = `publish.excl.${reasonKey}`;
    return has(key) ? t(key) : reasonKey;
  }

  // -- the report's wording ------------------------------------------------------------------

  /** A thrown error in words: its catalog message, else its code or text. */
  function problemOf(e) {
    if (e && e.code && has(e.code)) return t(e.code, e.params || {});
    if (e && e.code) return e.code;
    return (e && e.message) || String(e);
  }

  /** The report's one-line summary for its outcome (pass | fail | incomplete). `addressOnly`:
   *  the ids of the trusted keys that came only from the page's address (`#key=`), not from
   *  the reader: a pass under one of them says whose key it is only if the id is the office's
   *  (a forger can send a link with their own key). */
  function summary(r, status, addressOnly = []) {
    const checks = r.checks;
    const passed = checks.filter((c) => c.ok).length;
    if (status === "pass") {
      const trusted = r.trusted_keys || [];
      const fromAddress = trusted.filter((k) => addressOnly.includes(k));
      if (fromAddress.length) {
        return t("webverify.status.pass_address", { count: checks.length, code: r.verification_code || "?", keys: fromAddress.join(", ") });
      }
      return t("webverify.status.pass", { count: checks.length, code: r.verification_code || "?", keys: trusted.map((k) => k.slice(0, 16)).join(", ") });
    }
    if (status === "fail") {
      const failed = checks.filter((c) => !c.ok && c.status !== "unverified");
      const first = failed[0];
      return t("webverify.status.fail", { count: failed.length, check: first.name, what: what(first.name), reason: reason(first) });
    }
    const unconfirmed = checks.filter((c) => c.status === "unverified");
    const names = unconfirmed.map((c) => c.name).join(", ");
    if (!(r.trusted_keys || []).length) {
      const trust = checks.find((c) => c.name === "trust");
      const keyId = trust && trust.params && trust.params.key_id;
      if (keyId) return t("webverify.status.no_key", { passed, count: unconfirmed.length, checks: names, key_id: keyId, code: r.verification_code || "?" });
      return t("webverify.status.no_key_none", { count: unconfirmed.length, checks: names });
    }
    return t("webverify.status.unconfirmed", { passed, count: unconfirmed.length, checks: names, code: r.verification_code || "?" });
  }

  return { t, has, what, reason, entityLines, pyFormat, problemOf, summary,
    setLang(l) { lang = l; }, get lang() { return lang; } };
})();
