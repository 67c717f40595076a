// Uscc: the unified social credit code (GB 32100-2015) and the legacy 15-digit 注册号 — a port
// of randcheck/core/uscc.py's normalise and check, as `verify --entity` uses them.
// check(raw) → {code, kind: "uscc"|"legacy"|"invalid", error, warnings: [...], params: {...}, ok}
const Uscc = (() => {
  const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));
  const WEIGHTS = Array.from({ length: 17 }, (_, i) => { let w = 1; for (let k = 0; k < i; k++) w = (w * 3) % 31; return w; });
  const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
  const USCC_RE = /^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$/;
  const SPACES = new Set([..." \t\r\n\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"]);

  /** Full-width to half-width, spaces (incl. U+3000) removed, upper case. */
  function normalise(raw) {
    if (/^[A-Za-z0-9]+$/.test(raw)) return raw.toUpperCase();
    let out = "";
    for (const ch of raw) {
      const cp = ch.codePointAt(0);
      if (SPACES.has(ch)) continue;
      out += cp >= 0xff01 && cp <= 0xff5e ? String.fromCharCode(cp - 0xfee0) : ch;
    }
    return out.toUpperCase();
  }
  function uscc_check_char(first17) {
    let total = 0;
    for (let i = 0; i < 17; i++) total += VALUE.get(first17[i]) * WEIGHTS[i];
    return ALPHABET[(31 - (total % 31)) % 31];
  }
  function org_check_char(body8) {
    let total = 0;
    for (let i = 0; i < 8; i++) total += parseInt(body8[i], 36) * ORG_WEIGHTS[i];
    const value = 11 - (total % 11);
    return value === 10 ? "X" : value === 11 ? "0" : String(value);
  }
  function legacy_check_digit(first14) {
    let p = 10;
    for (let i = 0; i < 14; i++) {
      const s = (p + Number(first14[i])) % 10 || 10;
      p = (s * 2) % 11;
    }
    return String((11 - p) % 10);
  }
  const result = (code, kind, error = null, warnings = [], params = {}) => ({ code, kind, error, warnings, params, ok: error === null });

  /** Normalise and validate a USCC or a legacy 15-digit 注册号. Never throws. */
  function check(raw) {
    const code = normalise(raw);
    const chars = [...code];
    if (chars.length === 18) {
      if (USCC_RE.test(code)) {
        const expected = uscc_check_char(code.slice(0, 17));
        if (code[17] === expected) {
          const org = org_check_char(code.slice(8, 16));
          if (org === code[16]) return result(code, "uscc");
          return result(code, "uscc", null, ["uscc.warn_org_check"], { expected: org });
        }
      }
      const bad = chars.filter((c) => !VALUE.has(c));
      if (bad.length) return result(code, "invalid", "uscc.bad_char", [], { char: bad[0] });
      if (!/^[0-9]{6}$/.test(code.slice(2, 8))) return result(code, "invalid", "uscc.bad_region");
      const expected = uscc_check_char(code.slice(0, 17));
      if (code[17] !== expected) return result(code, "invalid", "uscc.bad_check", [], { expected });
      const org = org_check_char(code.slice(8, 16));
      if (org !== code[16]) return result(code, "uscc", null, ["uscc.warn_org_check"], { expected: org });
      return result(code, "uscc");
    }
    if (chars.length === 15) {
      if (!/^[0-9]{15}$/.test(code)) return result(code, "invalid", "uscc.legacy_digits");
      const expected = legacy_check_digit(code.slice(0, 14));
      if (code[14] !== expected) return result(code, "legacy", null, ["uscc.warn_legacy_check"], { expected });
      return result(code, "legacy");
    }
    if (!code) return result(code, "invalid", "uscc.empty");
    return result(code, "invalid", "uscc.bad_length", [], { length: String(chars.length) });
  }

  return { ALPHABET, normalise, uscc_check_char, org_check_char, legacy_check_digit, check };
})();
