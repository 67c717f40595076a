"""``randcheck verifier-page --out FILE``: write the standalone browser verifier, one HTML file
that checks any bundle picked from disk (docs/VERIFIER.md); the logic is in
:mod:`randcheck.services.verifierpage`.

Prints ``<sha256>  <FILE>`` on stdout (``sha256sum`` format; ``--json``: an object), what the
file is on stderr.  Exit codes: 0 written; 3 could not run (something other than a verifier
page is at FILE and no ``--force``, FILE is a folder, cannot write).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from randcheck.cli._console import H, err, out, print_json
from randcheck.cli._context import get
from randcheck.cli._lazy import lazy

if TYPE_CHECKING:
    from randcheck.services import verifierpage as svc
else:
    svc = lazy("randcheck.services.verifierpage")


def verifier_page_cmd(
    ctx: typer.Context,
    out_file: Annotated[
        Path, typer.Option("--out", metavar="FILE", help=H("verifierpage.opt.out"))
    ],
    force: Annotated[bool, typer.Option("--force", help=H("verifierpage.opt.force"))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
) -> None:
    app = get(ctx)
    written = svc.write(out_file, force=force)
    if as_json:
        print_json(
            {
                "path": str(written.path),
                "sha256": written.sha256,
                "bytes": written.size,
                "version": written.version,
                "replaced": written.replaced,
            }
        )
    else:
        out.file.write(f"{written.sha256}  {written.path}\n")  # as sha256sum prints it
        out.file.flush()
    key = {None: "verifierpage.written", "verifier": "verifierpage.replaced",
           "other": "verifierpage.forced"}[written.replaced]  # fmt: skip
    err.print(escape(app.t(key, path=str(written.path), version=written.version,
                           size=written.size)))  # fmt: skip
    err.print(escape(app.t("verifierpage.what", sha256=written.sha256)))


def register(app: typer.Typer) -> None:
    app.command("verifier-page", help=H("verifierpage.help"))(verifier_page_cmd)
