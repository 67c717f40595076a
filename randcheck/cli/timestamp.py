"""``randcheck timestamp DIGEST --tsa URL --out FILE``: an RFC 3161 timestamp token for a
SHA-256 digest, on a machine that is online (the relayed step of a v2 ceremony whose own
machine is offline, docs/SPEC-v2.md §4).

Exit codes: 0 written; 1 the TSA refused or answered something else; 2 usage (a digest that
is not 64 hex digits, either case; a bad URL); 3 could not run (network, an existing output
file, an output folder that is missing or not writable — checked before the TSA is asked).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from randcheck.cli._console import H, err
from randcheck.cli._context import get
from randcheck.core.chinatime import beijing_time
from randcheck.core.tsa_certs import printable
from randcheck.errors import CannotRunError, UsageError

_DIGEST = re.compile(r"[0-9a-f]{64}")


def _check_out(out_file: Path) -> None:
    """The token can be written at `out_file`: it does not exist, and its folder exists and
    takes a new file (tried, not guessed from the mode bits)."""
    if out_file.exists() or out_file.is_symlink():
        raise CannotRunError("timestamp.exists", path=str(out_file))
    folder = out_file.parent
    if not folder.is_dir():
        raise CannotRunError("timestamp.out_dir", path=str(folder), reason="not a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".randcheck-", suffix=".tmp"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CannotRunError("timestamp.out_dir", path=str(folder), reason=reason) from exc


def timestamp_cmd(
    ctx: typer.Context,
    digest: Annotated[str, typer.Argument(metavar="DIGEST", help=H("timestamp.arg.digest"))],
    tsa: Annotated[str, typer.Option("--tsa", metavar="URL", help=H("timestamp.opt.tsa"))],
    out_file: Annotated[Path, typer.Option("--out", metavar="FILE", help=H("timestamp.opt.out"))],
) -> None:
    app = get(ctx)
    digest = digest.strip().lower()  # as sha256sum prints it, or upper case
    if not _DIGEST.fullmatch(digest):
        raise UsageError("timestamp.bad_digest", value=printable(digest, 80))
    from randcheck.core import tsa as tsa_mod
    from randcheck.services import timestamp

    try:
        timestamp.check_url(tsa)
    except CannotRunError as exc:  # a typing mistake: usage, before anything else is tried
        raise UsageError(exc.code, **exc.params) from exc
    _check_out(out_file)  # before the TSA is asked: its answer is not lost to a bad --out
    der = timestamp.request_token(tsa, bytes.fromhex(digest))  # CannotRunError: the network
    token = tsa_mod.verify_token(der, bytes.fromhex(digest))  # TimestampError: exit 1
    from randcheck.io.atomic import atomic_write

    atomic_write(out_file, der, 0o644)
    when = beijing_time(int(token.gen_time.timestamp()))
    err.print(escape(app.t("timestamp.written", path=str(out_file), tsa=token.tsa_name, time=when)))


def register(app: typer.Typer) -> None:
    app.command("timestamp", help=H("timestamp.help"))(timestamp_cmd)
