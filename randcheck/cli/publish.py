"""``randcheck publish RECORD``: write the publication bundle ``publish/<task>/``.

Exit codes: 0 written; 1 refused (bad data); 3 could not run (no record, no key, wrong
passphrase, cannot write — the previous folder is then left as it was).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from randcheck.bundle import layout
from randcheck.cli._console import H, err, print_json
from randcheck.cli._context import get
from randcheck.cli._lazy import lazy
from randcheck.cli.keys import unlock
from randcheck.workspace import DEFAULT_KEY

if TYPE_CHECKING:
    from randcheck.services import keys as keys_svc
    from randcheck.services import publish as svc
else:
    keys_svc = lazy("randcheck.services.keys")
    svc = lazy("randcheck.services.publish")


def publish_cmd(
    ctx: typer.Context,
    record: Annotated[str, typer.Argument(help=H("publish.arg.record"))],
    out: Annotated[Path | None, typer.Option("--out", help=H("publish.opt.out"))] = None,
    key_name: Annotated[str, typer.Option("--key", help=H("publish.opt.key"))] = DEFAULT_KEY,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    engine = app.engine()
    key = unlock(ws, key_name, app.t("keys.prompt.unlock", name=key_name))
    result = svc.publish_record(ws, engine, record, key, out=out, actor=app.actor)
    if result.new_checkpoint:
        err.print(escape(app.t("publish.new_checkpoint", size=result.checkpoint_size)))
    if result.private_entries:  # never published unawares (docs/SPEC.md §14)
        seqs = ", ".join(str(s) for s, _k, _f in result.private_entries)
        kinds = ", ".join(sorted({k for _s, k, _f in result.private_entries}))
        err.print(escape(app.t("publish.private_entries", seqs=seqs, kinds=kinds)), style="yellow")
    if as_json:
        print_json(
            {
                "path": str(result.path),
                "task_id": result.task_id,
                "record_digest": result.record_digest,
                "verification_code": result.code,
                "files": list(result.files),
                "checkpoint_size": result.checkpoint_size,
                "new_checkpoint": result.new_checkpoint,
            }
        )
    err.print(
        escape(
            app.t(
                "publish.done",
                path=str(result.path),
                files=len(result.files),
                record=result.record_digest,
                code=result.code,
            )
        )
    )
    err.print(escape(app.t("publish.verify_hint", path=str(result.path))))
    if (result.path / layout.COMMITMENT).is_file():  # a v2 record: its witnesses and TSA
        err.print(escape(app.t("publish.verify_hint_v2")))


def register(app: typer.Typer) -> None:
    app.command("publish", help=H("publish.help"))(publish_cmd)
