"""``randcheck keys``: init, rewrap, list, export, trust, revoke.

Passphrases come from ``RANDCHECK_KEY_PASSPHRASE`` or a hidden prompt, never from argv;
``keys rewrap`` reads the new one from ``RANDCHECK_NEW_KEY_PASSPHRASE`` or a hidden prompt
asked twice.  A new key's passphrase must pass ``services.keys.check_new_passphrase``.
Exit codes: 0 ok, 1 refused (already exists, bad file, weak passphrase), 2 usage, 3 could not
run (including a wrong passphrase).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from randcheck.catalog import render
from randcheck.cli._console import H, err, out, print_json
from randcheck.cli._context import get
from randcheck.cli._lazy import lazy
from randcheck.errors import CannotRunError, InputError, RandcheckError
from randcheck.io import keyfile
from randcheck.workspace import DEFAULT_KEY

if TYPE_CHECKING:
    from randcheck.services import audit
    from randcheck.services import keys as svc
else:
    audit = lazy("randcheck.services.audit")
    svc = lazy("randcheck.services.keys")

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from randcheck.workspace import Workspace

PASSPHRASE_ENV = "RANDCHECK_KEY_PASSPHRASE"
NEW_PASSPHRASE_ENV = "RANDCHECK_NEW_KEY_PASSPHRASE"

keys_app = typer.Typer(help=H("keys.help"), no_args_is_help=True, rich_markup_mode=None)


def hidden_prompt(text: str, env: str = PASSPHRASE_ENV) -> str:
    """A hidden prompt; with no terminal and no input (a script without the environment
    variable ``env``) it says so in the catalog's words instead of Click's English "Aborted!"."""
    if not sys.stdin.isatty():
        # piped input has no echo to hide: read one line (getpass would warn on the terminal)
        sys.stderr.write(text + ": ")
        sys.stderr.flush()
        line = sys.stdin.readline()
        sys.stderr.write("\n")
        if not line:
            raise CannotRunError("keys.no_passphrase", env=env)
        return line.rstrip("\r\n")
    try:
        value: str = typer.prompt(text, hide_input=True, err=True)
    except typer.Abort as exc:
        raise CannotRunError("keys.no_passphrase", env=env) from exc
    return value


def get_passphrase(prompt_key: str, lang: str, confirm: bool = False, **params: str) -> bytes:
    """The passphrase from ``RANDCHECK_KEY_PASSPHRASE``, else a hidden prompt on the terminal.

    ``confirm`` asks twice (for a new key).  The value is never echoed or logged.
    """
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env.encode("utf-8")
    value = hidden_prompt(render(prompt_key, lang, **params))
    if confirm:
        again = hidden_prompt(render("keys.prompt.confirm", lang))
        if again != value:
            raise CannotRunError("keys.passphrase_mismatch")
    if not value:
        raise CannotRunError("keys.empty_passphrase")
    return value.encode("utf-8")


class PassphraseRefused(CannotRunError):
    """A wrong passphrase (exit 3, as everywhere: the signature could not be made; nothing was
    signed).  The ceremony logs it as an abort."""


def unlock(
    ws: Workspace,
    name: str,
    prompt: str,
    env_var: str = PASSPHRASE_ENV,
    attempts: int = 1,
    on_wrong: Callable[[int], None] | None = None,
) -> Ed25519PrivateKey:
    """Own key ``name``, decrypted: the one way a command asks for a passphrase.

    First the key must exist (``keys.no_key``, exit 3, names `randcheck keys init`: nobody is
    asked for the passphrase of a key that does not exist); then the passphrase comes from
    ``env_var`` or a hidden ``prompt``.  A wrong one from the environment fails at once; at the
    prompt after ``attempts`` tries (``on_wrong(tries left)`` between them).  Either way
    ``PassphraseRefused`` (``keys.bad_passphrase``).  The value is never echoed or logged.
    """
    svc.public_key(ws, name)
    env = os.environ.get(env_var)
    for attempt in range(1, attempts + 1):
        passphrase = (env or hidden_prompt(prompt, env_var)).encode("utf-8")
        try:
            if not passphrase:
                raise CannotRunError("keys.bad_passphrase")
            return svc.load_private_key(ws, name, passphrase)
        except CannotRunError as exc:
            if exc.code != "keys.bad_passphrase":
                raise
            if env or attempt == attempts:
                raise PassphraseRefused("keys.bad_passphrase") from None
            if on_wrong is not None:
                on_wrong(attempts - attempt)
    raise PassphraseRefused("keys.bad_passphrase")  # pragma: no cover - loop always returns


def get_new_passphrase(prompt_key: str, lang: str, env_var: str, **params: str) -> bytes:
    """A passphrase for a new key file, from ``env_var`` or a hidden prompt asked twice.

    It must pass the rule (``keys.weak_passphrase``, exit 1): at the prompt that is checked
    before the second question.  The value is never echoed or logged.
    """
    env = os.environ.get(env_var)
    if env:
        value = env.encode("utf-8")
        keyfile.check_new_passphrase(value)
        return value
    first = hidden_prompt(render(prompt_key, lang, **params), env_var)
    keyfile.check_new_passphrase(first.encode("utf-8"))
    again = hidden_prompt(render("keys.prompt.confirm", lang), env_var)
    if again != first:
        raise CannotRunError("keys.passphrase_mismatch")
    return first.encode("utf-8")


@keys_app.command("init", help=H("keys.init.help", min=str(keyfile.MIN_PASSPHRASE_CHARS)))
def init_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help=H("keys.opt.name"))] = DEFAULT_KEY,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    svc.check_name(name)
    log = audit.AuditLog(ws, app.engine())
    passphrase = get_new_passphrase("keys.prompt.new", app.lang, PASSPHRASE_ENV)
    info = svc.init_key(ws, log, app.actor, passphrase, name=name)
    err.print(
        app.t(
            "keys.created",
            name=info.name,
            key_id=info.key_id,
            path=str(ws.keys_dir / f"{name}.key"),
        )
    )


@keys_app.command("rewrap", help=H("keys.rewrap.help", min=str(keyfile.MIN_PASSPHRASE_CHARS)))
def rewrap_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=H("keys.arg.name"))] = DEFAULT_KEY,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    svc.check_name(name)
    svc.public_key(ws, name)  # a missing key fails before any prompt (exit 3)
    old = get_passphrase("keys.prompt.current", app.lang, name=name)
    svc.unlock_key(ws, name, old)  # a wrong passphrase fails before the new one is asked
    new = get_new_passphrase("keys.prompt.rewrap_new", app.lang, NEW_PASSPHRASE_ENV, name=name)
    info = svc.rewrap_key(ws, audit.AuditLog(ws, app.engine()), app.actor, old, new, name=name)
    err.print(
        app.t(
            "keys.rewrapped",
            name=info.name,
            key_id=info.key_id,
            path=str(ws.keys_dir / f"{name}.key"),
        )
    )


@keys_app.command("list", help=H("keys.list.help"))
def list_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    found = svc.list_keys(ws)
    if as_json:
        print_json([k.to_json() for k in found])
        return
    if not found:
        err.print(app.t("keys.none"))
        return
    table = Table()
    for col in ("name", "role", "key_id", "since", "status"):
        table.add_column(app.t(f"keys.col.{col}"), no_wrap=col in ("key_id", "since"))
    for k in found:
        status = (
            app.t("keys.status.active")
            if k.revoked is None
            else app.t("keys.status.revoked", reason=k.revoked.get("reason", ""))
        )
        table.add_row(k.name, app.t(f"keys.role.{k.role}"), k.key_id[:16], k.since, status)
    out.print(table)


@keys_app.command("export", help=H("keys.export.help"))
def export_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help=H("keys.opt.name"))] = DEFAULT_KEY,
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    out.file.write(svc.export_text(ws, name))
    out.file.flush()


@keys_app.command("trust", help=H("keys.trust.help"))
def trust_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=H("keys.arg.file"))],
    name: Annotated[str, typer.Option("--name", help=H("keys.opt.name"))],
    role: Annotated[str, typer.Option("--role", help=H("keys.opt.role"))] = "office",
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CannotRunError("io.file_missing", path=str(file)) from exc
    except UnicodeDecodeError as exc:
        raise CannotRunError("keys.bad_public_file", path=str(file)) from exc
    log = audit.AuditLog(ws, app.engine())
    info = svc.trust_key(ws, log, app.actor, text, str(file), name, role)
    err.print(
        app.t(
            "keys.trusted", role=app.t(f"keys.role.{info.role}"), name=info.name, key_id=info.key_id
        )
    )


@keys_app.command("revoke", help=H("keys.revoke.help"))
def revoke_cmd(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help=H("keys.arg.key_id"))],
    reason: Annotated[str, typer.Option("--reason", help=H("keys.opt.reason"))],
) -> None:
    app = get(ctx)
    ws = app.workspace.require()
    info = svc.revoke_key(ws, audit.AuditLog(ws, app.engine()), app.actor, key_id, reason)
    err.print(app.t("keys.revoked_done", name=info.name, key_id=info.key_id))


def _cosign_now() -> int:
    """The witness's own clock (Unix seconds); a seam for tests."""
    import time

    return int(time.time())


def _check_out_folder(target: Path) -> None:
    """``--out``'s folder exists and is writable, and ``--out`` does not exist: checked before
    the passphrase is asked (exit 3)."""
    if target.exists():
        raise CannotRunError("timestamp.exists", path=str(target))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise CannotRunError("cosign.out_folder", path=str(target))


def _check_private_key_file(data: bytes, source: str) -> None:
    """A public key given as ``--key`` says so (``keys.public_not_private``), before any
    passphrase is asked; any other unreadable file is ``keys.bad_file``."""
    try:
        keyfile.detect_format(data, source)
    except CannotRunError:
        try:
            svc.parse_public_text(data.decode("utf-8"), source)
        except (RandcheckError, UnicodeDecodeError):
            raise CannotRunError("keys.bad_file", path=source) from None
        raise CannotRunError("keys.public_not_private", path=source) from None


def cosign_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=H("cosign.arg.file"))],
    key: Annotated[Path, typer.Option("--key", help=H("cosign.opt.key"))],
    out_path: Annotated[Path | None, typer.Option("--out", help=H("cosign.opt.out"))] = None,
    announcement: Annotated[
        Path | None, typer.Option("--announcement", help=H("cosign.opt.announcement"))
    ] = None,
) -> None:
    """``randcheck cosign FILE --key KEYFILE``: a witness co-signs an entropy commitment on
    their own device, with their own key file, on the spot (randcheck/draw/v2,
    docs/SPEC-v2.md §4, §10): the commitment's ``committed_at`` must be now by the witness's
    own clock (``services.commitments.check_cosign_time``); the co-signature file goes back to
    the ceremony.  Needs no workspace.  Everything that can refuse is checked before the
    passphrase is asked."""
    import json

    from randcheck.core.chinatime import beijing_time
    from randcheck.core.draw import envelope
    from randcheck.io.atomic import atomic_write
    from randcheck.services import commitments

    app = get(ctx)
    try:
        env = file.read_bytes()
        data = key.read_bytes()
        ann = None if announcement is None else announcement.read_bytes()
    except OSError as exc:
        raise CannotRunError(
            "io.cannot_read", path=str(exc.filename), reason=exc.strerror or ""
        ) from exc
    target = out_path or file.with_name(file.stem + ".cosig.json")
    _check_out_folder(target)
    _check_private_key_file(data, str(key))
    try:
        opened = envelope.open_envelope(env, "commitment")
    except RandcheckError as exc:
        raise InputError("cosign.not_commitment") from exc
    now = _cosign_now()
    at = commitments.check_cosign_time(opened, now)
    if ann is not None:
        assert announcement is not None
        signer = commitments.check_cosign_announcement(opened, ann, str(announcement))
        digest = str(opened.doc.get("announcement"))[:16]
        err.print(render("cosign.announcement_ok", app.lang, digest=digest, key_id=signer[:16]))
    # what the witness signs: the time (now) and the values entered in the room
    err.print(render("cosign.show_time", app.lang, task=str(opened.doc.get("task_id")),
                     digest=opened.digest, at=beijing_time(at), now=beijing_time(now)))  # fmt: skip
    for value in opened.doc.get("values", []):
        if value is not None:
            err.print("  " + json.dumps(value, ensure_ascii=False))
    env_pass = os.environ.get(PASSPHRASE_ENV)
    passphrase = (env_pass or hidden_prompt(render("cosign.prompt", app.lang))).encode("utf-8")
    try:
        private = keyfile.decode_private_key(data, passphrase, str(key))
    except CannotRunError as exc:
        if exc.code == "keys.bad_passphrase":
            raise PassphraseRefused("keys.bad_passphrase") from None
        raise
    # the passphrase took time: the clock rule holds when the signature is made
    commitments.check_cosign_time(opened, _cosign_now())
    doc = commitments.cosignature(env, private)
    try:
        # atomic: a witness's process killed mid-write leaves no half co-signature behind
        atomic_write(target, (json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8"))
    except OSError as exc:
        raise CannotRunError("cosign.out_folder", path=str(target)) from exc
    out.print(render("cosign.written", app.lang, path=str(target), key_id=doc["keyid"][:16]))


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
    # the help's numbers are services.commitments.COSIGN_MAX_AGE / _AHEAD (a test keeps them
    # equal; importing the service here would load the database layer for every command)
    app.command("cosign", help=H("cosign.command_help"))(cosign_cmd)
