"""``randcheck draw``: the commands that run the ceremony (:mod:`randcheck.cli.draw.flow`) and
sign substitutions.

``randcheck draw TASK`` (the same as ``randcheck draw run TASK``) runs the ceremony;
``randcheck draw substitute RECORD --target CODE [--inspector ID] --reason TEXT`` signs a
substitution addendum (a reason that is an inspection result needs ``--not-a-result``).  A
task literally named ``run`` or ``substitute`` is drawn with ``randcheck draw run NAME``.
Thin over :mod:`randcheck.services.draws`: nothing is signed or stored before
``draws.finalize``; the attempt is logged before its seed is shown; an abort
(Ctrl-C, a closed terminal, SIGTERM, a wrong passphrase, a "no" at a confirmation) is logged
with ``draws.log_abort`` and leaves nothing else behind.  An abort before the seed logs the
dice and lottery values already shown, and ``randcheck draw TASK --resume`` continues with them
(``draws.resumable``): no seed existed, so that is not a redraw.

Exit codes: 0 done; 1 refused (second draw without ``--redraw``, bad entropy, a "no" at a
confirmation, another draw of the task got there first, nothing to ``--resume``); 2 usage;
3 could not run (no workspace, unknown task or key, a wrong passphrase); 130 Ctrl-C;
129 SIGHUP; 143 SIGTERM.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from randcheck.cli._console import H, out, print_json
from randcheck.cli._context import get
from randcheck.cli._lazy import lazy
from randcheck.cli._screen import ceremony_console
from randcheck.cli._signals import Terminated, on_hangup
from randcheck.cli.draw.flow import Ceremony
from randcheck.cli.draw.prompts import Declined
from randcheck.cli.keys import PassphraseRefused, unlock
from randcheck.core.draw import envelope
from randcheck.errors import InputError, RandcheckError, UsageError
from randcheck.workspace import DEFAULT_KEY

if TYPE_CHECKING:
    from randcheck.services import commitments, draws, gathering, substitutions
    from randcheck.services import keys as keys_svc
    from randcheck.services.results import guard
else:
    draws = lazy("randcheck.services.draws")
    commitments = lazy("randcheck.services.commitments")
    substitutions = lazy("randcheck.services.substitutions")
    gathering = lazy("randcheck.services.gathering")
    keys_svc = lazy("randcheck.services.keys")
    guard = lazy("randcheck.services.results.guard")

EXIT_INTERRUPTED = 130


class DrawGroup(TyperGroup):
    """``draw TASK`` means ``draw run TASK``: a first word that is not a subcommand (or an
    option other than --help) is taken as the default command's argument."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return list(super().parse_args(ctx, args))


draw_app = typer.Typer(
    cls=DrawGroup, help=H("ceremony.help"), no_args_is_help=True, rich_markup_mode=None
)


@draw_app.command("run", help=H("ceremony.run.help"))
def run_cmd(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help=H("ceremony.arg.task"))],
    entropy_file: Annotated[
        Path | None, typer.Option("--entropy", help=H("ceremony.opt.entropy"))
    ] = None,
    drand_file: Annotated[
        Path | None, typer.Option("--drand-file", help=H("ceremony.opt.drand_file"))
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=H("ceremony.opt.yes"))] = False,
    practice: Annotated[bool, typer.Option("--practice", help=H("ceremony.opt.practice"))] = False,
    redraw: Annotated[bool, typer.Option("--redraw", help=H("ceremony.opt.redraw"))] = False,
    reason: Annotated[str | None, typer.Option("--reason", help=H("ceremony.opt.reason"))] = None,
    resume: Annotated[bool, typer.Option("--resume", help=H("ceremony.opt.resume"))] = False,
    key: Annotated[str, typer.Option("--key", help=H("ceremony.opt.key"))] = DEFAULT_KEY,
    witness_key: Annotated[
        list[str] | None, typer.Option("--witness-key", help=H("ceremony.opt.witness_key"))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=H("ceremony.opt.json"))] = False,
    tsa: Annotated[str | None, typer.Option("--tsa", help=H("ceremony.opt.tsa"))] = None,
) -> None:
    app = get(ctx)
    if redraw and (reason is None or not reason.strip()):
        raise UsageError("ceremony.redraw_needs_reason")
    if reason is not None and not redraw:
        raise UsageError("ceremony.reason_needs_redraw")
    if practice and redraw:
        raise UsageError("ceremony.practice_no_redraw")
    if practice and witness_key:
        raise UsageError("ceremony.practice_no_keys")
    if resume and entropy_file is not None:
        raise UsageError("ceremony.resume_with_entropy")
    ws = app.workspace.require()
    engine = app.engine()
    keys_svc.check_name(key)
    for name in witness_key or []:
        keys_svc.check_name(name)
    entropy_doc = gathering.read_entropy_file(entropy_file) if entropy_file is not None else None
    drand_text = gathering.read_drand_file(drand_file) if drand_file is not None else None
    logged = draws.resumable(engine, task, practice) if entropy_file is None else None
    # randcheck/draw/v2: a logged commitment nothing carried on is continued with --resume
    # continuing the logged values is not a redraw; any other official draw after them is
    plan = draws.prepare(engine, task, logged.seq if resume and logged and not practice else None)
    committed = None
    if commitments.is_v2(plan) and not practice:
        committed = commitments.pending(engine, plan)
        if committed is not None and resume:
            plan = draws.prepare(engine, task, committed.seq)
    if resume and logged is None and committed is None:
        raise InputError("ceremony.resume_nothing", task=task)
    if resume and committed is not None:
        commitments.ensure_alive(committed)  # a token that came back too late: --redraw
    tsa_url = tsa or commitments.task_tsa_url(engine, task)
    if tsa_url and commitments.is_v2(plan) and not practice:
        commitments.check_tsa_url(tsa_url)  # before anything is signed
    if not practice:
        draws.check_redraw(plan, redraw)
        keys_svc.public_key(ws, key)  # the keys must exist before anything is shown
        for name in witness_key or []:
            keys_svc.public_key(ws, name)
    ceremony = Ceremony(
        app,
        ws,
        engine,
        plan,
        console=ceremony_console(stderr=as_json),
        entropy_doc=entropy_doc,
        drand_text=drand_text,
        drand_file=None if drand_file is None else str(drand_file),
        yes=yes,
        practice=practice,
        redraw_reason=reason.strip() if redraw and reason else None,
        key_name=key,
        witness_keys=witness_key or [],
        resume=logged if resume and committed is None else None,
        committed=committed if resume else None,
        tsa_url=tsa_url,
    )
    if committed is not None and not resume:
        ceremony.resume_hint = committed.seq
    elif logged is not None and not resume:
        ceremony.resume_hint = logged.seq
    try:
        with on_hangup():
            fin = ceremony.run()
    except (KeyboardInterrupt, typer.Abort, EOFError):
        ceremony.abort(ceremony.stage, "interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Terminated as exc:
        ceremony.abort(ceremony.stage, exc.reason)
        raise typer.Exit(128 + exc.signum) from None
    except RandcheckError as exc:
        # a refusal at a prompt, or any failure once the seed's inputs were revealed
        if isinstance(exc, PassphraseRefused | Declined) or ceremony.stage.seed_seen:
            ceremony.abort(ceremony.stage, exc.code)
        raise
    if as_json:
        print_json(
            {
                "task": task,
                "practice": practice,
                "record": None if fin is None else fin.digest,
                "code": None if fin is None else fin.code,
                "log_seq": None if fin is None else fin.log_seq,
                "redraw": ceremony.redraw_reason,
            }
        )


@draw_app.command("substitute", help=H("ceremony.substitute.help"))
def substitute_cmd(
    ctx: typer.Context,
    record_ref: Annotated[str, typer.Argument(metavar="RECORD", help=H("ceremony.arg.record"))],
    target: Annotated[str, typer.Option("--target", help=H("ceremony.opt.target"))],
    reason: Annotated[str, typer.Option("--reason", help=H("ceremony.opt.sub_reason"))],
    inspector: Annotated[
        str | None, typer.Option("--inspector", help=H("ceremony.opt.inspector"))
    ] = None,
    key: Annotated[str, typer.Option("--key", help=H("ceremony.opt.key"))] = DEFAULT_KEY,
    not_a_result: Annotated[
        bool, typer.Option("--not-a-result", help=H("ceremony.opt.not_a_result"))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
) -> None:
    app = get(ctx)
    if not reason.strip():
        raise UsageError("ceremony.empty_reason")
    ws = app.workspace.require()
    engine = app.engine()
    keys_svc.check_name(key)
    # a result is entered and published, never substituted: refuse before the passphrase
    guard.check_reason(ws, reason.strip(), not_a_result)
    operator = unlock(ws, key, app.t("ceremony.prompt.passphrase", name=key))
    fin = substitutions.substitute(
        ws,
        engine,
        record_ref,
        target=target,
        inspector=inspector,
        reason=reason.strip(),
        operator=operator,
        actor=app.actor,
        not_a_result=not_a_result,
    )
    doc = envelope.open_envelope(fin.envelope, "addendum").doc
    replacement = doc.get("replacement")
    team = list(doc.get("team", []))
    if as_json:
        print_json(
            {
                "addendum": fin.digest,
                "code": fin.code,
                "record": doc["record"],
                "seq": doc["seq"],
                "action": doc["action"],
                "target": doc["target"],
                "inspector": doc["inspector"],
                "replacement": replacement,
                "team": [m["id"] for m in team],
                "log_seq": fin.log_seq,
            }
        )
        return
    codes = [doc["target"]] + ([replacement["code"]] if replacement else [])
    names = draws.entity_names(engine, codes)
    staff = draws.inspector_names(
        engine, [m["id"] for m in team] + ([inspector] if inspector else [])
    )
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(app.t("ceremony.f.record"), str(doc["record"]))
    grid.add_row(app.t("ceremony.f.seq"), str(doc["seq"]))
    grid.add_row(app.t("ceremony.f.action"), app.t(f"ceremony.action.{doc['action']}"))
    grid.add_row(app.t("ceremony.f.target"), f"{doc['target']} {names.get(doc['target'], '')}")
    if inspector:
        grid.add_row(app.t("ceremony.f.inspector"), f"{inspector} {staff.get(inspector, '')}")
    if replacement:
        grid.add_row(
            app.t("ceremony.f.replacement"),
            app.t(
                "ceremony.replacement_value",
                code=replacement["code"],
                name=names.get(replacement["code"], ""),
                stratum=replacement["stratum"],
            ),
        )
    grid.add_row(
        app.t("ceremony.f.team"),
        "，".join(f"{m['id']} {staff.get(m['id'], '')}" for m in team),
    )
    grid.add_row(app.t("ceremony.f.reason"), str(doc["reason"]))
    grid.add_row(app.t("ceremony.f.addendum"), fin.digest)
    grid.add_row(app.t("ceremony.f.code"), Text(fin.code, style="bold"))
    out.print(
        Panel(grid, title=app.t("ceremony.substituted_title"), border_style="green", padding=(1, 2))
    )
    if importlib.util.find_spec("randcheck.services.publish") is not None:
        out.print(
            Text(app.t("ceremony.next_publish", prefix=str(doc["record"])[:16]), style="bold")
        )
