"""Clean text: what a user-supplied string may contain, and how to show one that predates
the rule.

Names, titles and reasons end up in signed files, on a public page and in spreadsheets that
offices open in Excel or WPS.  Control characters break those files (a NUL in an XLSX, a CR
that XML reads back as LF); bidirectional controls and zero-width characters make a page show
something other than what it holds (visual spoofing).  So text is checked where it enters
(:func:`problem`), line breaks are turned into spaces (:func:`one_line`), and text that is
already stored is shown with every such character made visible (:func:`visible`).
"""

from __future__ import annotations

import re
import unicodedata

#: bidirectional formatting characters (Unicode TR9: embeddings, overrides, isolates, marks)
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: invisible characters that change nothing a reader sees (zero-width space and joiners, word
#: joiner, invisible operators, the byte-order mark inside text)
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
#: line and paragraph breaks that :func:`one_line` turns into one space
BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


#: every C0 and C1 control character (Unicode category Cc), and the two sets above
_BAD_RE = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI | INVISIBLE)) + "]")


def one_line(value: str) -> str:
    """``value`` with each line break (CR LF, CR, LF, VT, FF, NEL, U+2028/2029) made one space."""
    return BREAKS.sub(" ", value)


def problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` may not be stored: (catalog code, the character as ``U+XXXX NAME``), or
    None.  Line breaks are not a problem here: callers store :func:`one_line` of the value."""
    m = _BAD_RE.search(one_line(value))
    if m is None:
        return None
    ch = m.group(0)
    name = unicodedata.name(ch, "")
    label = f"U+{ord(ch):04X}" + (f" {name}" if name else "")
    if ch in BIDI:
        return "text.bidi", label
    if ch in INVISIBLE:
        return "text.invisible", label
    return "text.control", label


def visible(value: str) -> str:
    """``value`` on one line with every control, bidirectional or invisible character shown as
    ``<U+XXXX>``: for text stored before it was checked at the door."""
    flat = one_line(value)
    if _BAD_RE.search(flat) is None:
        return flat
    return _BAD_RE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", flat)


SHOWN_CHARS = 60  # how much of a refused value a row error shows


def shown(value: str, char: str | None = None) -> str:
    """``value`` as a row error shows it: on one line, every character text may not hold made
    visible (``<U+202E>``, so that printing it cannot garble a terminal or a table), at most
    ``SHOWN_CHARS`` long and, when ``char`` (a ``U+XXXX NAME`` label) is given, around the
    first occurrence of that character."""
    at = -1
    if char is not None and char.startswith("U+"):
        try:
            at = value.find(chr(int(char[2:].split(" ", 1)[0], 16)))
        except ValueError:
            at = -1
    if at <= 0:
        return visible(value)[:SHOWN_CHARS]
    head, tail = visible(value[:at]), visible(value[at:])
    if len(head) > 20:
        head = "…" + head[-19:]
    return (head + tail)[:SHOWN_CHARS]
