"""``randcheck log``: show, verify, repair, checkpoint, prove, verify-proof.

Exit codes: 0 ok / intact; 1 verification failed (the first bad entry is named); 2 usage;
3 could not run (no workspace, no key, wrong passphrase).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from randcheck.cli._console import H, err, out, print_json
from randcheck.cli._context import AppContext, get
from randcheck.cli._lazy import lazy
from randcheck.cli.keys import unlock
from randcheck.core import logverify, note
from randcheck.core.checks import Check
from randcheck.errors import CannotRunError, ChainError, NotFoundError, VerificationError
from randcheck.io.atomic import atomic_write
from randcheck.workspace import DEFAULT_KEY, Workspace

if TYPE_CHECKING:
    from sqlmodel import Session

    from randcheck.services import audit as svc
    from randcheck.services import keys as keys_svc
    from randcheck.services import logrepair
else:
    svc = lazy("randcheck.services.audit")
    keys_svc = lazy("randcheck.services.keys")
    logrepair = lazy("randcheck.services.logrepair")

log_app = typer.Typer(help=H("log.help"), no_args_is_help=True, rich_markup_mode=None)


def _summary(payload: dict[str, Any], width: int = 70) -> str:
    parts = []
    for key in sorted(payload):
        if key == "state":
            continue
        value = payload[key]
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}={text}")
    joined = " ".join(parts)
    return joined if len(joined) <= width else joined[: width - 1] + "…"


@log_app.command("show", help=H("log.show.help"))
def show_cmd(
    ctx: typer.Context,
    start: Annotated[int, typer.Option("--from", min=0, help=H("log.opt.from"))] = 0,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help=H("log.opt.limit"))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    everything = svc.AuditLog(ws, app.engine()).entries()
    entries = everything[start:]
    if limit is not None:
        entries = entries[:limit]
    if as_json:
        print_json(entries)
        return
    if not entries:
        if everything:
            err.print(app.t("log.none_from", start=start, size=len(everything)))
        else:
            err.print(app.t("log.empty"))
        return
    table = Table()
    for col in ("seq", "time", "actor", "kind", "summary"):
        table.add_column(app.t(f"log.col.{col}"), no_wrap=col != "summary")
    for e in entries:
        table.add_row(
            str(e["seq"]),
            e["time"],
            escape(e["actor"]),
            e["kind"],
            escape(_summary(e["payload"])),
        )
    out.print(table)


def _state_provider() -> Callable[[Session], dict[str, str]] | None:
    """The registry's ``state_digests`` when that part is installed."""
    try:
        from randcheck.services.registry import state_digests
    except ImportError:
        return None
    provider: Callable[[Session], dict[str, str]] = state_digests
    return provider


def _where(app: AppContext, p: Check) -> str:
    seq, line = p.params.get("seq"), p.params.get("line")
    if seq is not None and line is not None:
        return app.t("log.where", seq=seq, line=line)
    if seq is not None:
        return app.t("log.where_seq", seq=seq)
    return app.t("log.where_none")


def _reason(app: AppContext, p: Check) -> str:
    return app.t(p.code, **p.params)


def _verify(ws: Workspace, audit: svc.AuditLog) -> svc.LogReport:
    """Exactly the checks of ``randcheck log verify``."""
    keys = keys_svc.own_public_keys(ws, include_revoked=True)
    return svc.verify_log(ws, audit, keys, _state_provider())


def _show_report(
    app: AppContext,
    report: svc.LogReport,
    as_json: bool,
    extra: dict[str, Any] | None = None,
) -> None:
    """Print ``report`` as ``log verify`` does (``extra`` adds keys to the JSON document)."""
    problems = report.failures
    if as_json:
        doc = report.to_json()
        for row, c in zip(doc["checks"], report.checks, strict=True):
            row["message"] = _reason(app, c)
        doc["problems"] = [
            {**row, "seq": row["params"].get("seq"), "line": row["params"].get("line")}
            for row in doc["checks"]
            if not row["ok"]
        ]
        print_json({**doc, **(extra or {})})
    elif report.ok:
        err.print(
            app.t(
                "log.intact",
                size=report.size,
                root=report.root.hex(),
                checkpoints=len(report.checkpoints),
            )
        )
    else:
        first = problems[0]
        err.print(
            "[bold red]"
            + escape(
                app.t(
                    "log.broken",
                    count=len(problems),
                    where=_where(app, first),
                    reason=_reason(app, first),
                )
            )
            + "[/]",
            markup=True,
        )
        table = Table()
        table.add_column(app.t("log.col.where"), no_wrap=True)
        table.add_column(app.t("log.col.check"), no_wrap=True)
        table.add_column(app.t("log.col.problem"), overflow="fold")  # a CJK run is one "word"
        for p in problems[:50]:
            table.add_row(_where(app, p), p.name, escape(_reason(app, p)))
        err.print(table)


@log_app.command("verify", help=H("log.verify.help"))
def verify_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    report = _verify(ws, svc.AuditLog(ws, app.engine()))
    _show_report(app, report, as_json)
    if not report.ok:
        raise typer.Exit(1)


@log_app.command("repair", help=H("log.repair.help"))
def repair_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
) -> None:
    """Append the entries an interrupted write left out, then run ``log verify``'s checks.

    Exit 0 when the log then verifies, 1 when it does not (or the file diverged from the
    database: then nothing is changed), 3 when it cannot run.
    """
    app = get(ctx)
    ws = app.workspace.require()
    audit = svc.AuditLog(ws, app.engine())
    refused: ChainError | None = None
    done: logrepair.RepairResult | None = None
    try:
        done = logrepair.repair_log(audit)
    except ChainError as exc:
        refused = exc
        prefix = app.t("error.prefix")
        err.print(
            f"[bold red]{escape(prefix)}[/]: " + escape(app.t(exc.code, **exc.params)),
            markup=True,
        )
        err.print(app.t("log.repair_unchanged"))
    else:
        if done.torn_bytes:
            err.print(app.t("log.repair_cut", bytes=done.torn_bytes, seq=done.start))
        if done.appended:
            err.print(
                app.t("log.repaired", count=done.appended, start=done.start, path=str(audit.path))
            )
        else:
            err.print(app.t("log.repair_nothing", path=str(audit.path)))
    report = _verify(ws, audit)
    repair_doc: dict[str, Any] = {
        "appended": 0 if done is None else done.appended,
        "torn_bytes": 0 if done is None else done.torn_bytes,
        "refused": None
        if refused is None
        else {"code": refused.code, "message": app.t(refused.code, **refused.params)},
    }
    _show_report(app, report, as_json, {"repair": repair_doc})
    if refused is not None or not report.ok:
        raise typer.Exit(1)


@log_app.command("checkpoint", help=H("log.checkpoint.help"))
def checkpoint_cmd(
    ctx: typer.Context,
    key_name: Annotated[str, typer.Option("--key", help=H("log.opt.key_name"))] = DEFAULT_KEY,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    audit = svc.AuditLog(ws, app.engine())
    key = unlock(ws, key_name, app.t("keys.prompt.unlock", name=key_name))
    region = ws.bureau()["region_code"]
    cp, signed, path = svc.write_checkpoint(ws, audit, key, region)
    out.file.write(signed)
    out.file.flush()
    err.print(app.t("log.checkpoint_written", size=cp.size, root=cp.root.hex(), path=str(path)))


@log_app.command("prove", help=H("log.prove.help"))
def prove_cmd(
    ctx: typer.Context,
    index: Annotated[int, typer.Argument(min=0, help=H("log.arg.index"))],
    output: Annotated[Path | None, typer.Option("--output", "-o", help=H("log.opt.output"))] = None,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    bundle = svc.prove(ws, svc.AuditLog(ws, app.engine()), index)
    if output is None:
        out.file.write(bundle)
        out.file.flush()
    else:
        atomic_write(output, bundle.encode("utf-8"))
        err.print(app.t("log.proof_written", path=str(output)))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError("io.file_missing", path=str(path)) from exc
    except OSError as exc:
        raise CannotRunError("io.cannot_read", path=str(path), reason=exc.strerror or "") from exc


@log_app.command("verify-proof", help=H("log.verify_proof.help"))
def verify_proof_cmd(
    ctx: typer.Context,
    proof_file: Annotated[Path, typer.Argument(help=H("log.arg.proof"))],
    key: Annotated[Path, typer.Option("--key", help=H("log.opt.pubkey"))],
    entry_file: Annotated[
        Path | None, typer.Option("--entry-file", help=H("log.opt.entry_file"))
    ] = None,
) -> None:
    app = get(ctx)
    try:
        bundle_text = _read(proof_file).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CannotRunError("log.proof_file_malformed", path=str(proof_file)) from exc
    try:
        key_text = _read(key).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CannotRunError("keys.bad_public_file", path=str(key)) from exc
    public, _name = keys_svc.parse_public_text(key_text, str(key))
    try:
        index = note.parse_proof(bundle_text).index
    except VerificationError as exc:  # say which file, and where a proof comes from
        raise VerificationError("log.proof_file_malformed", path=str(proof_file)) from exc
    if entry_file is not None:
        entry = _read(entry_file)
        if entry.endswith(b"\n"):
            entry = entry[:-1]
    else:
        entry = svc.entry_line(app.workspace.require(), index)
    bundle, cp = logverify.verify_proof(bundle_text, public, entry)
    kind = json.loads(entry.decode("utf-8"))["kind"]
    err.print(
        app.t(
            "log.proof_ok",
            index=bundle.index,
            kind=kind,
            origin=cp.origin,
            size=cp.size,
            root=cp.root.hex(),
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")
