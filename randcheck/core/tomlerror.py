"""TOML syntax errors in the user's language, with line and column.

``tomllib`` raises English messages ("Invalid value (at line 2, column 9)"); on Python < 3.14
the error has no ``lineno``/``colno``, so they are parsed from the message.  Each of the
parser's messages (stable since 3.11) maps to a catalog key ``taskdef.toml.*`` that says what
to write instead; an unknown one is shown as it is (``taskdef.toml.other``).
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from randcheck.errors import InputError

_AT = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")
# tomllib's messages (stable since 3.11), each as a catalog key of its own
_TOML_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^Invalid value$", "taskdef.toml.value"),
        (r"^Invalid statement$", "taskdef.toml.statement"),
        (r"^Expected '=' after a key", "taskdef.toml.equals"),
        (r"^Invalid initial character for a key part$", "taskdef.toml.key"),
        (r"^Unclosed array$", "taskdef.toml.array"),
        (r"^Unclosed inline table$", "taskdef.toml.inline"),
        (r"^Unterminated string$|^Illegal character '\\n'", "taskdef.toml.string"),
        (r"^Expected newline or end of document", "taskdef.toml.newline"),
        (r"^Expected '\]+' at the end of", "taskdef.toml.header"),
        (r"^(Cannot declare|Cannot overwrite|Duplicate inline table key|Cannot redefine)",
         "taskdef.toml.twice"),
        (r"^Invalid date or datetime$", "taskdef.toml.date"),
        (r"^(Illegal|Found invalid) character", "taskdef.toml.char"),
        (r"^(Unescaped|Invalid hex value|Escaped character)", "taskdef.toml.escape"),
    )
)  # fmt: skip


def toml_error(exc: tomllib.TOMLDecodeError, name: str) -> InputError:
    """A TOML syntax error in the user's language, with its line and column (parsed from the
    message on Python < 3.14, whose error has no ``lineno``/``colno``)."""
    text = str(exc.args[0]) if exc.args else str(exc)
    m = _AT.search(text)
    detail = text[: m.start()] if m else text
    line = getattr(exc, "lineno", None) or (int(m.group(1)) if m and m.group(1) else None)
    column = getattr(exc, "colno", None) or (int(m.group(2)) if m and m.group(2) else None)
    reason_key = next(
        (key for pattern, key in _TOML_REASONS if pattern.search(detail)), "taskdef.toml.other"
    )
    reason: dict[str, Any] = {"reason_key": reason_key, "reason_params": {"detail": detail}}
    if line is None or column is None:
        return InputError("taskdef.toml_syntax_end", file=name, **reason)
    return InputError("taskdef.toml_syntax", file=name, line=line, column=column, **reason)
