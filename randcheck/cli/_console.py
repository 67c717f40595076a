"""The two consoles: results and JSON on stdout, status and errors on stderr."""

from __future__ import annotations

import io
import json
import os
import sys
from typing import Any

from rich.console import Console

from randcheck.catalog import normalise_lang, render

# Console.file is looked up at write time, so CliRunner still captures these.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def use_utf8_output() -> None:
    """Write UTF-8 on stdout and stderr whatever the locale says.

    A Windows console already gets UTF-8 from Python; a redirected stream there (and a
    non-UTF-8 locale elsewhere) would use the ANSI code page (cp936 on Chinese Windows),
    which cannot encode every character randcheck prints (names, box drawing, JSON)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")


def help_lang() -> str:
    """The language for --help texts, which exist before options are parsed."""
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalise_lang(argv[i + 1])
        if arg.startswith("--lang="):
            return normalise_lang(arg.split("=", 1)[1])
    return normalise_lang(os.environ.get("RANDCHECK_LANG"))


def H(key: str, **params: Any) -> str:
    """Help text for ``key`` in the help language."""
    return render(key, help_lang(), **params)


def print_json(data: Any) -> None:
    """Stable JSON on stdout (sorted keys, UTF-8, no rich markup)."""
    out.file.write(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    out.file.flush()
