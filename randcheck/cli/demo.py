"""``randcheck demo``: the end-to-end story on generated data (the README's main job)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from randcheck.cli._console import H, err, out
from randcheck.cli._context import get
from randcheck.cli._lazy import lazy
from randcheck.errors import EXIT_NO

if TYPE_CHECKING:
    from randcheck.services import audit
    from randcheck.services import demo as svc
else:
    audit = lazy("randcheck.services.audit")
    svc = lazy("randcheck.services.demo")


def demo_cmd(
    ctx: typer.Context,
    out_dir: Annotated[Path | None, typer.Option("--out", help=H("demo.opt.out"))] = None,
    entities: Annotated[
        int, typer.Option("--entities", min=100, max=2_000_000, help=H("demo.opt.entities"))
    ] = 20000,
    inspectors: Annotated[
        int, typer.Option("--inspectors", min=20, max=5000, help=H("demo.opt.inspectors"))
    ] = 60,
) -> None:
    app = get(ctx)
    folder = out_dir or app.workspace.root / "randcheck-demo"
    passphrase = os.environ.get("RANDCHECK_KEY_PASSPHRASE") or "randcheck-demo"
    err.print(escape(app.t("demo.passphrase_note")))
    err.print(
        escape(
            app.t("demo.clock", time=audit.format_time(svc.simulated_now()), round=svc.DEMO_ROUND)
        )
    )

    def show(step: svc.Step) -> None:
        err.print(f"  [green]✓[/] {escape(app.t(step.key, **step.params))}  ({step.seconds:.1f}s)")

    result = svc.run_demo(
        folder,
        passphrase.encode("utf-8"),
        db_url=app.db_url_option,
        entities=entities,
        inspectors=inspectors,
        actor=app.actor,
        on_step=show,
    )
    err.print(f"  Σ {sum(s.seconds for s in result.steps):.1f}s")
    out.print(
        escape(
            app.t(
                "demo.done",
                digest=result.record_digest,
                code=result.code,
                bundle=str(result.bundle),
                index=str(result.bundle / "index.html"),
                site=str((result.site or result.bundle) / "index.html"),
                pub=str(result.bundle / "keys" / "operator.pub"),
                witnesses="、".join(str(p) for p in result.witness_keys) or "-",
                witness_opts="".join(f" --witness-keys {p}" for p in result.witness_keys),
            )
        )
    )
    if not result.verified:
        err.print(escape(app.t("demo.failed", check=result.failed_check or "?")))
        raise typer.Exit(EXIT_NO)


def register(app: typer.Typer) -> None:
    app.command("demo", help=H("demo.help"))(demo_cmd)
