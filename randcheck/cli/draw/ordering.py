"""The randcheck/draw/v2 steps of the ceremony (docs/SPEC-v2.md): the entropy commitment
signed by the operator and the witnesses present, its timestamp (online or relayed by QR code
through another machine), and the drand round it fixes, shown with its time in 北京时间."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from randcheck.bundle.layout import folder_name
from randcheck.catalog import render
from randcheck.cli._lazy import lazy
from randcheck.cli._screen import qr_code
from randcheck.cli._signals import defer_signals
from randcheck.cli.draw import prompts
from randcheck.core import signing
from randcheck.core.chinatime import beijing_time
from randcheck.errors import InputError, RandcheckError
from randcheck.io.atomic import atomic_write

if TYPE_CHECKING:
    from randcheck.cli.draw.flow import Ceremony
    from randcheck.services import audit, commitments
else:
    audit = lazy("randcheck.services.audit")
    commitments = lazy("randcheck.services.commitments")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def fix_rounds(cer: Ceremony, rounds: Mapping[int, int]) -> None:
    """From here on the drand sources name their round (for the screens and the checks)."""
    for i, r in rounds.items():
        cer.sources[i] = {**cer.sources[i], "round": r}


def practice_rounds(cer: Ceremony) -> None:
    """A practice draw commits nothing: its round is the one a commitment made now would fix."""
    from randcheck.core.draw.announce import parse_announcement
    from randcheck.core.draw.commitment import expected_rounds

    ann = parse_announcement(cer.plan.doc)
    fix_rounds(cer, expected_rounds(ann, Fraction(int(_now().timestamp()))))


def commit(cer: Ceremony, by_index: Mapping[int, Mapping[str, Any]]) -> None:
    """Sign (operator), timestamp, co-sign (witnesses) and log the commitment of the values
    in ``by_index``."""
    plan = cer.plan
    values: list[Mapping[str, Any] | None] = [by_index.get(i) for i in range(len(plan.sources))]
    cer.con.print(Panel(Text(cer.t("ceremony.v2_intro")), border_style="cyan"))
    cer.show_evidence([v for v in values if v is not None])
    cer.confirm("ceremony.confirm_commit")
    operator = cer.unlock_operator()
    witnesses = cer.unlock_witnesses()
    commitments.check_witness_keys(plan, witnesses)  # before anything is signed
    body = commitments.build(plan, values, audit.format_time(_now()))
    env = commitments.sign(plan, body, operator, [])
    # the token covers the body, not the signatures (SPEC-v2 §4): it is requested right after
    # the operator signs, so co-signing never eats into the margin; witnesses co-signing on
    # their own computers get the file first and sign meanwhile (within their 120 s)
    here = {str(signing.key_id(signing.public_raw(k))) for _n, k in witnesses}
    written = write_for_witnesses(cer, env, here)
    token = get_token(cer, env, body)
    env = commitments.cosign(plan, env, witnesses)
    for name, _key in witnesses:
        cer.ok(cer.t("ceremony.witness_cosigned", name=name))
    if written:
        env = cosignatures(cer, env)
    with defer_signals(stop_after=True):
        committed = commitments.log(cer.ws, cer.engine, plan, env, token, cer.app.actor,
                                    redraw=cer.redraw_reason is not None)  # fmt: skip
    cer.committed = committed
    cer.ok(cer.t("ceremony.commitment_logged", seq=committed.seq))
    # a token that came back after the round was published anchors nothing: the commitment is
    # logged (a pending attempt) with it, and the draw stops; a new one is a marked redraw
    commitments.ensure_alive(committed)
    show_round(cer, committed)


def write_for_witnesses(cer: Ceremony, env: bytes, here: set[str]) -> bool:
    """Interactive ceremony: declared witnesses whose keys were not unlocked here (``here``:
    key ids) may co-sign on their own computers (``randcheck cosign``, on the spot: within
    120 s of committed_at): the operator-signed commitment is written to a file at once.
    False when nobody needs it (all keys here, or the --entropy path)."""
    from randcheck.core.draw.envelope import open_envelope

    if cer.entropy_doc is not None:
        return False  # the --entropy path asks nothing
    opened = open_envelope(env, "commitment")
    signed = here | {s for s, _ in opened.signatures}
    missing = {k: n for k, n in commitments.witness_names(cer.plan).items() if k not in signed}
    if not missing:
        return False
    folder = cer.ws.root / "commitments"
    folder.mkdir(exist_ok=True)
    path = folder / f"{folder_name(cer.plan.task_id)}-{opened.digest[:16]}.json"
    atomic_write(path, env)  # a witness never copies a half-written commitment
    cer.note("ceremony.cosign_file_now", path=str(path), names="、".join(missing.values()),
             age=commitments.COSIGN_MAX_AGE)  # fmt: skip
    return True


def cosignatures(cer: Ceremony, env: bytes) -> bytes:
    """Interactive ceremony, after the token: each co-signature file's path typed back (made
    with ``randcheck cosign`` from the file :func:`write_for_witnesses` wrote); a wrong file
    is refused with the reason."""
    import json

    from randcheck.core.draw.envelope import open_envelope

    names = commitments.witness_names(cer.plan)
    opened = open_envelope(env, "commitment")
    missing = {k: n for k, n in names.items() if k not in {s for s, _ in opened.signatures}}
    while missing:
        typed = prompts.ask(cer.t("ceremony.prompt.cosign_file")).strip().strip("\"'")
        if not typed:
            break
        try:
            doc = json.loads(_read(Path(typed).expanduser()).decode("utf-8"))
            env, name = commitments.add_cosignature(cer.ws, cer.plan, env, doc)
        except (ValueError, UnicodeDecodeError):
            cer.problem(cer.t("cosign.rejected", reason=cer.t("cosign.bad_file")))
            continue
        except RandcheckError as exc:
            cer.problem(render(exc.code, cer.app.lang, **exc.params))
            continue
        missing = {k: n for k, n in missing.items() if n != name}
        cer.ok(cer.t("ceremony.witness_cosigned", name=name))
    return env


def show_round(cer: Ceremony, committed: commitments.Committed) -> None:
    fix_rounds(cer, committed.rounds)
    r, unix = commitments.round_time(cer.plan, committed)
    margin = next((int(s["margin"]) for s in cer.plan.sources if "margin" in s), 0)
    anchor = commitments.anchor_text(committed)
    cer.con.print(
        Panel(
            Text(
                cer.t(
                    "ceremony.round_fixed",
                    round=r,
                    time=beijing_time(unix),
                    anchor=anchor,
                    margin=margin,
                ),
                style="bold",
            ),
            title=cer.t("ceremony.commitment_title"),
            border_style="green",
        )
    )


def get_token(cer: Ceremony, env: bytes, body: Mapping[str, Any]) -> commitments.Token | None:
    """A timestamp token when the announcement lists a TSA: online from the TSA's URL, or
    relayed through another machine; None when it lists none.  One token per commitment: the
    first valid one (SPEC-v2 §4)."""
    from randcheck.core.draw.envelope import open_envelope

    ann_tsa = cer.plan.doc.get("ordering", {}).get("tsa", [])
    if not ann_tsa:
        return None
    digest = open_envelope(env, "commitment").digest
    cer.note("ceremony.commitment_digest", style="bold", digest=digest)
    if cer.tsa_url:
        cer.note("ceremony.tsa_fetching", url=cer.tsa_url)
        from randcheck.services import timestamp

        try:
            der = timestamp.request_token(cer.tsa_url, bytes.fromhex(digest))
            return commitments.check_token(cer.plan, env, der)
        except RandcheckError as exc:  # the network or the TSA: relay through another machine
            reason = render(exc.code, cer.app.lang, **exc.params)
            cer.problem(cer.t("ceremony.tsa_failed", reason=reason))
    return relay(cer, env, digest, str(body["committed_at"]))


def relay(cer: Ceremony, env: bytes, digest: str, committed_at: str) -> commitments.Token:
    """The commitment digest as text and a QR code; the token file's path typed back in.
    A wrong file is refused with the reason and asked again; the deadline (the publication of
    the round ``committed_at`` fixes) is shown."""
    from randcheck.core.draw.announce import parse_announcement
    from randcheck.core.draw.commitment import expected_rounds, first_publication
    from randcheck.core.draw.spec import unix_time

    ann = parse_announcement(cer.plan.doc)
    deadline = first_publication(ann, expected_rounds(ann, unix_time(committed_at)))
    text = Text(cer.t("ceremony.tsa_relay", digest=digest))
    text.append("\n" + cer.t("ceremony.tsa_deadline", time=beijing_time(deadline)))
    qr = qr_code(digest)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(qr, Group(text))
    cer.con.print(Panel(grid, title=cer.t("ceremony.commitment_title"), border_style="cyan"))
    while True:
        path = prompts.ask(cer.t("ceremony.prompt.tsa_file")).strip().strip("\"'")
        if not path:
            continue
        try:
            tok = commitments.check_token(cer.plan, env, _read(Path(path).expanduser()))
        except RandcheckError as exc:
            cer.problem(cer.t("ceremony.tsa_rejected",
                              reason=render(exc.code, cer.app.lang, **exc.params)))  # fmt: skip
            continue
        when = beijing_time(int(tok.gen_time.timestamp()))
        cer.ok(cer.t("ceremony.tsa_ok", tsa=tok.tsa_name, time=when))
        return tok


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError("ceremony.entropy_missing_file", file=str(path)) from exc


def unlock_witnesses(cer: Ceremony) -> list[tuple[str, Ed25519PrivateKey]]:
    """The witness keys named with ``--witness-key``, each unlocked by its own passphrase."""
    return [(name, cer.unlock_witness(name)) for name in cer.witness_keys]


def committed_values(committed: commitments.Committed) -> Sequence[Mapping[str, Any] | None]:
    from randcheck.core.draw.envelope import open_envelope

    values = open_envelope(committed.envelope, "commitment").doc["values"]
    return list(values)
