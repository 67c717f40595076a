"""The two consoles: results and JSON on stdout, status and errors on stderr."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from rich.console import Console

from randcheck.catalog import normalise_lang, render

# Console.file is looked up at write time, so CliRunner still captures these.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


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
