"""``randcheck timestamp DIGEST --tsa URL --out FILE``: an RFC 3161 timestamp token for a
SHA-256 digest, on a machine that is online (the relayed step of a v2 ceremony whose own
machine is offline, docs/SPEC-v2.md §4).

Exit codes: 0 written; 1 the TSA refused or answered something else; 2 usage (a digest that
is not 64 lowercase hex digits); 3 could not run (network, an existing output file).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from randcheck.cli._console import H, err
from randcheck.cli._context import get
from randcheck.core.chinatime import beijing_time
from randcheck.errors import CannotRunError, UsageError

_DIGEST = re.compile(r"[0-9a-f]{64}")


def timestamp_cmd(
    ctx: typer.Context,
    digest: Annotated[str, typer.Argument(metavar="DIGEST", help=H("timestamp.arg.digest"))],
    tsa: Annotated[str, typer.Option("--tsa", metavar="URL", help=H("timestamp.opt.tsa"))],
    out_file: Annotated[Path, typer.Option("--out", metavar="FILE", help=H("timestamp.opt.out"))],
) -> None:
    app = get(ctx)
    if not _DIGEST.fullmatch(digest):
        raise UsageError("timestamp.bad_digest", value=digest[:80])
    if out_file.exists():
        raise CannotRunError("timestamp.exists", path=str(out_file))
    from randcheck.core import tsa as tsa_mod
    from randcheck.services import timestamp

    der = timestamp.request_token(tsa, bytes.fromhex(digest))  # CannotRunError: the network
    token = tsa_mod.verify_token(der, bytes.fromhex(digest))  # TimestampError: exit 1
    from randcheck.io.atomic import atomic_write

    atomic_write(out_file, der, 0o644)
    when = beijing_time(int(token.gen_time.timestamp()))
    err.print(escape(app.t("timestamp.written", path=str(out_file), tsa=token.tsa_name, time=when)))


def register(app: typer.Typer) -> None:
    app.command("timestamp", help=H("timestamp.help"))(timestamp_cmd)
