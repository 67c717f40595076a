"""``randcheck verify PATH``: check a publication bundle, or one company's place in it.

Exit codes: 0 every check passed; 1 a check failed (the first failure is named on stderr) or
``--entity`` is not in the pool; 3 could not run (path missing, not a bundle, unreadable); 4 no
check failed but some are unverified: no trusted key was given, so the content was checked
against the folder's own key and the signer is unconfirmed, or (v2) the timestamp's TSA or a
witness's key is not one the reader trusts (--trusted-tsa, --witness-keys).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from randcheck.catalog import MESSAGES
from randcheck.cli._console import H, err, out, print_json
from randcheck.cli._context import AppContext, get
from randcheck.cli._lazy import lazy
from randcheck.core import signing
from randcheck.core.checks import Check
from randcheck.errors import CannotRunError, InputError, NotFoundError

if TYPE_CHECKING:
    from randcheck.services import keys as keys_svc
    from randcheck.services import verify as svc
else:
    keys_svc = lazy("randcheck.services.keys")
    svc = lazy("randcheck.services.verify")

#: exit code when nothing failed but something could not be confirmed (the signer's key, a
#: v2 timestamp's TSA or a witness's key is not trusted)
EXIT_UNCONFIRMED = 4


def _read_key(path: Path) -> tuple[str, bytes]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFoundError("io.file_missing", path=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CannotRunError("verify.bad_key_file", path=str(path)) from exc
    public, _name = keys_svc.parse_public_text(text, str(path))
    return signing.key_id(public), public


def trusted_witness_keys(app: AppContext, files: list[Path] | None) -> set[str]:
    """Key ids of the witness keys the reader trusts (SPEC-v2 §8, ``commitment.witnesses``):
    every ``--witness-keys`` file (each obtained from the witness), else the workspace's
    trusted keys of role ``witness``.  ``--trusted-keys`` files are the office's keys only."""
    if files:
        return {_read_key(p)[0] for p in files}
    ws = app.workspace
    if not ws.is_initialised():
        return set()
    return {k.key_id for k in keys_svc.trusted_entries(ws) if k.role == "witness" and not k.revoked}


def trusted_keys(app: AppContext, files: list[Path] | None) -> dict[str, bytes]:
    """The office keys the reader trusts: ``--trusted-keys`` files, else the workspace's own
    keys and the other offices' trusted keys (not witnesses', not revoked ones).  Never a
    witness key: those come with ``--witness-keys`` (:func:`trusted_witness_keys`)."""
    if files:
        return dict(_read_key(p) for p in files)
    ws = app.workspace
    if not ws.is_initialised():
        return {}
    # operator keys only: this workspace's own keys and other offices' keys, never a witness
    # key (a witness co-signs, it cannot stand in for the office) and never a revoked key
    keys = dict(keys_svc.own_public_keys(ws, include_revoked=False))
    keys.update(
        (k.key_id, k.public)
        for k in keys_svc.trusted_entries(ws)
        if k.role == "office" and not k.revoked
    )
    return keys


#: a held checkpoint is a signed note of a few lines: larger files are not read
CHECKPOINT_MAX = 64 * 1024


def held_checkpoints(files: list[Path] | None) -> list[svc.Held]:
    """The ``--checkpoint`` files as :class:`~randcheck.services.verify.Held` (label: the path)."""
    out = []
    for path in files or []:
        try:
            with open(path, "rb") as fh:
                data = fh.read(CHECKPOINT_MAX + 1)
            if len(data) > CHECKPOINT_MAX:
                raise CannotRunError("verify.bad_checkpoint_file", path=str(path))
            out.append(svc.Held(str(path), data.decode("utf-8")))
        except FileNotFoundError as exc:
            raise NotFoundError("io.file_missing", path=str(path)) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise CannotRunError("verify.bad_checkpoint_file", path=str(path)) from exc
    return out


def what(app: AppContext, name: str) -> str:
    parts = name.split(".")
    while parts:
        key = "verify.what." + ".".join(parts)
        if key in MESSAGES:
            return app.t(key)
        parts.pop()
    return name


def reason(app: AppContext, check: Check) -> str:
    params: dict[str, Any] = dict(check.params)
    if isinstance(params.get("reason_code"), str):
        params["reason_code"] = app.t(params["reason_code"])
    return app.t(check.code, **params)


def _entity_lines(app: AppContext, ent: dict[str, Any]) -> list[str]:
    code = ent["code"]
    warnings = [app.t(w["code"], **w["params"]) for w in ent.get("warnings", [])]
    if not ent.get("in_pool"):
        return [*_absent_lines(app, ent), *warnings]
    lines = [
        app.t(
            "verify.entity.in_pool",
            code=code,
            stratum=ent["stratum"],
            count=ent["count"],
            chunk=ent["chunk_index"],
        ),
        app.t("verify.entity.ticket", ticket=ent["ticket"]),
    ]
    if ent["cutoff"] is None:
        lines.append(app.t("verify.entity.no_cutoff"))
    else:
        lines.append(app.t("verify.entity.cutoff", cutoff=ent["cutoff"], last=ent["last_drawn"]))
    lines.append(app.t("verify.entity.drawn" if ent["drawn"] else "verify.entity.not_drawn"))
    if ent.get("reserve_rank"):
        lines.append(app.t("verify.entity.reserve", rank=ent["reserve_rank"]))
    if ent.get("replaced_by_addendum"):
        lines.append(app.t("verify.entity.replaced", seq=ent["replaced_by_addendum"]))
    if ent.get("brought_in_by_addendum"):
        lines.append(app.t("verify.entity.brought_in", seq=ent["brought_in_by_addendum"]))
    lines.append(app.t("verify.entity.note"))
    return [*lines, *warnings]


def _absent_lines(app: AppContext, ent: dict[str, Any]) -> list[str]:
    """Why a code is not in the pool, as far as the bundle can say."""
    code = ent["code"]
    bad = ent.get("malformed")
    if bad is not None:
        problem = app.t(bad["code"], **bad["params"])
        return [app.t("verify.entity.malformed", code=code, problem=problem)]
    lines = [app.t("verify.entity.not_in_pool", code=code)]
    exclusions: dict[str, int] = ent.get("exclusions") or {}
    total = sum(exclusions.values())
    if "exclusions" not in ent:  # the announcement could not be read: nothing more to say
        return lines
    if total:
        reasons = ("、" if app.lang == "zh" else "; ").join(
            app.t("verify.entity.reason_count", reason=_excl_label(app, k), count=v)
            for k, v in exclusions.items()
            if v
        )
        lines.append(app.t("verify.entity.excluded", total=total, reasons=reasons))
        lines.append(app.t("verify.entity.excluded_which", code=code))
    else:
        lines.append(app.t("verify.entity.none_excluded", code=code))
    return lines


def _excl_label(app: AppContext, reason: str) -> str:
    key = f"publish.excl.{reason}"
    return app.t(key) if key in MESSAGES else reason


def trusted_tsa_certs(app: AppContext, files: list[Path] | None) -> list[bytes]:
    """``--trusted-tsa`` certificates (PEM or DER, DER out), else the workspace's trusted TSA
    certificates (randcheck/draw/v2 timestamps, docs/SPEC-v2.md §8)."""
    if not files:
        ws = app.workspace
        if not ws.is_initialised():
            return []
        from randcheck.services.tasks import trusted_tsa_certs as in_workspace

        return in_workspace(ws)
    from randcheck.core import tsa

    out: list[bytes] = []
    for f in files:
        try:
            out.extend(tsa.load_certificates(f.read_bytes()))
        except (OSError, tsa.TimestampError) as exc:
            raise InputError("verify.tsa_cert_unreadable", path=str(f)) from exc
    return out


def verify_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help=H("verify.arg.path"))],
    trusted: Annotated[
        list[Path] | None,
        typer.Option("--trusted-keys", metavar="FILE", help=H("verify.opt.trusted_keys")),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
    entity: Annotated[
        str | None, typer.Option("--entity", metavar="CODE", help=H("verify.opt.entity"))
    ] = None,
    trusted_tsa: Annotated[
        list[Path] | None,
        typer.Option("--trusted-tsa", metavar="CERT", help=H("verify.opt.trusted_tsa")),
    ] = None,
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option("--checkpoint", metavar="FILE", help=H("verify.opt.checkpoint")),
    ] = None,
    witness_keys: Annotated[
        list[Path] | None,
        typer.Option("--witness-keys", metavar="FILE", help=H("verify.opt.witness_keys")),
    ] = None,
) -> None:
    app = get(ctx)
    keys = trusted_keys(app, trusted)
    tsa_certs = trusted_tsa_certs(app, trusted_tsa)
    held = held_checkpoints(checkpoint)
    witnesses = trusted_witness_keys(app, witness_keys)
    report = svc.verify_bundle(path, keys, entity=entity, checkpoints=held, trusted_tsa=tsa_certs,
                               trusted_witnesses=witnesses)  # fmt: skip
    failed = report.failures
    entity_missing = report.entity is not None and not report.entity.get("in_pool")
    if as_json:
        doc = report.to_json()
        for c, row in zip(report.checks, doc["checks"], strict=True):
            row["what"] = what(app, c.name)
            row["message"] = reason(app, c)
        if report.entity is not None:
            doc["entity"]["explanation"] = _entity_lines(app, report.entity)
        print_json(doc)
    else:
        err.print(
            escape(
                app.t(
                    "verify.title",
                    path=str(report.path),
                    task=report.task_id or "?",
                    record=report.record_digest or "?",
                    code=report.code or "?",
                )
            )
        )
        table = Table()
        table.add_column(app.t("verify.col.check"), no_wrap=True)
        # fold, not ellipsis: a Chinese sentence is one "word" to rich, and the reason column
        # carries the next step, which must not be cut off
        table.add_column(app.t("verify.col.what"), overflow="fold")
        table.add_column(app.t("verify.col.result"), no_wrap=True)
        table.add_column(app.t("verify.col.reason"), overflow="fold")
        for c in report.checks:
            if c.ok:
                mark = f"[green]{app.t('verify.pass')}[/]"
            elif c.unverified:
                mark = f"[bold yellow]{app.t('verify.unverified')}[/]"
            else:
                mark = f"[bold red]{app.t('verify.fail')}[/]"
            table.add_row(escape(c.name), escape(what(app, c.name)), mark, escape(reason(app, c)))
        out.print(table)
        if report.entity is not None:
            out.print(
                escape(app.t("verify.entity.title", code=report.entity["code"])), style="bold"
            )
            for line in _entity_lines(app, report.entity):
                out.print("  " + escape(line))
    first = report.first_failure
    if first is not None:
        err.print(
            "[bold red]"
            + escape(
                app.t(
                    "verify.failed",
                    count=len(failed),
                    check=first.name,
                    what=what(app, first.name),
                    reason=reason(app, first),
                )
            )
            + "[/]",
            markup=True,
        )
    elif report.unverified:
        unconfirmed = report.unverified
        err.print(
            "[bold yellow]"
            + escape(
                app.t(
                    _unconfirmed_code(unconfirmed),
                    passed=sum(c.ok for c in report.checks),
                    count=len(unconfirmed),
                    checks=", ".join(c.name for c in unconfirmed),
                    code=report.code or "?",
                )
            )
            + "[/]",
            markup=True,
        )
    else:
        err.print(escape(app.t("verify.all_ok", count=len(report.checks), code=report.code)))
    if first is not None or entity_missing:
        raise typer.Exit(1)
    if report.unverified:
        raise typer.Exit(EXIT_UNCONFIRMED)


def _settled_by(check: Check) -> str:
    """What settles an unverified check: the office's key (``keys``), a TSA certificate
    (``tsa``: ``commitment.anchor`` on an untrusted token) or the witnesses' own key files
    (``witnesses``: ``commitment.witnesses``, and ``commitment.anchor`` resting on them)."""
    if check.name == "commitment.witnesses" or check.code.startswith(
        "verify.ordering_witnesses_unconfirmed"
    ):
        return "witnesses"
    return "tsa" if check.name == "commitment.anchor" else "keys"


def _unconfirmed_code(unconfirmed: tuple[Check, ...]) -> str:
    """The summary's advice: --trusted-keys for the office's key, --trusted-tsa for a TSA,
    --witness-keys with the key files the witnesses gave for witness co-signatures."""
    kinds = {_settled_by(c) for c in unconfirmed}
    if kinds == {"tsa"}:
        return "verify.unconfirmed_tsa"
    if kinds == {"witnesses"}:
        return "verify.unconfirmed_witnesses"
    if kinds == {"tsa", "witnesses"}:
        return "verify.unconfirmed_tsa_witnesses"
    return "verify.unconfirmed"


def register(app: typer.Typer) -> None:
    app.command("verify", help=H("verify.help"))(verify_cmd)
