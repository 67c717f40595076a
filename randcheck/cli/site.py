"""``randcheck site build``: the office's public website (issue #10).

Exit codes: 0 built; 2 bad command line (a bad ``--as-of``); 3 could not run (no workspace,
no key, wrong passphrase, cannot write the folder — nothing is written then).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from randcheck.cli._console import H, err, print_json
from randcheck.cli._context import get
from randcheck.cli._dates import day_option
from randcheck.cli._lazy import lazy
from randcheck.cli.keys import unlock
from randcheck.workspace import DEFAULT_KEY

if TYPE_CHECKING:
    from randcheck.site import build as svc
else:
    svc = lazy("randcheck.site.build")

site_app = typer.Typer(help=H("site.help"), no_args_is_help=True, rich_markup_mode=None)


@site_app.command("build", help=H("site.build.help"))
def build_cmd(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", help=H("site.opt.out"))] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=H("site.opt.as_of"))] = None,
    entity_directory: Annotated[
        bool, typer.Option("--entity-directory", help=H("site.opt.entity_directory"))
    ] = False,
    key_name: Annotated[str, typer.Option("--key", help=H("site.opt.key"))] = DEFAULT_KEY,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
) -> None:
    app = get(ctx)
    day = day_option(as_of, "site.bad_as_of")  # before the passphrase is asked for
    ws = app.workspace.require()
    engine = app.engine()
    key = unlock(ws, key_name, app.t("keys.prompt.unlock", name=key_name))
    result = svc.build_site(
        ws, engine, key, out=out, as_of=day, entity_directory=entity_directory, actor=app.actor
    )
    if as_json:
        print_json(
            {
                "path": str(result.path),
                "files": result.files,
                "written": list(result.written),
                "removed": list(result.removed),
                "sums": result.sums,
                "log_seq": result.seq,
            }
        )
    err.print(
        escape(
            app.t(
                "site.done",
                path=str(result.path),
                files=result.files,
                written=len(result.written),
                removed=len(result.removed),
                sums=result.sums,
            )
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(site_app, name="site", help=H("site.help"))
