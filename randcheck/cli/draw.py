"""``randcheck draw``: the live draw ceremony at the terminal, and substitutions.

``randcheck draw TASK`` (the same as ``randcheck draw run TASK``) runs the ceremony;
``randcheck draw substitute RECORD --target CODE [--inspector ID] --reason TEXT`` signs a
substitution addendum.  A task literally named ``run`` or ``substitute`` is drawn with
``randcheck draw run NAME``.  Thin over :mod:`randcheck.services.draws`: nothing is signed or
stored before ``draws.finalize``; an abort (Ctrl-C, a wrong passphrase, a "no" at a
confirmation) is logged with ``draws.log_abort`` and leaves nothing else behind.

Exit codes: 0 done; 1 refused (second draw without ``--redraw``, bad entropy, wrong
passphrase, a "no" at a confirmation); 2 usage; 3 could not run (no workspace, unknown task or
key); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import math
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.align import Align
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.core import TyperGroup

from randcheck.catalog import render
from randcheck.cli._console import H, err, out, print_json
from randcheck.cli._context import AppContext, get
from randcheck.cli.keys import PASSPHRASE_ENV, hidden_prompt
from randcheck.core.canonical import parse
from randcheck.core.draw import envelope
from randcheck.core.draw.entropy import nonce_commitment
from randcheck.errors import (
    EXIT_CANNOT_RUN,
    EXIT_NO,
    CannotRunError,
    InputError,
    RandcheckError,
    UsageError,
)
from randcheck.services import draws
from randcheck.services import keys as keys_svc
from randcheck.services.audit import format_time
from randcheck.store.models import Entity, Inspector
from randcheck.workspace import Workspace

EXIT_INTERRUPTED = 130
BEIJING = timezone(timedelta(hours=8))
WITNESS_ENV_PREFIX = "RANDCHECK_WITNESS_PASSPHRASE_"
PASSPHRASE_ATTEMPTS = 3  # at a hidden prompt; a wrong passphrase from the environment: one
STAGES = ("checks", "entropy", "seed", "targets", "teams", "sign")
MAX_JSON_LINES = 60  # a pasted drand round spread over more lines than this is refused


class PassphraseRefused(RandcheckError):
    """A wrong passphrase at the ceremony or a substitution (exit 3, as everywhere: the
    signature could not be made; nothing was signed)."""

    exit_code = EXIT_CANNOT_RUN


class Declined(RandcheckError):
    """The operator answered "no" at a confirmation (exit 1)."""

    exit_code = EXIT_NO


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


# --- small helpers ------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def human_time(utc_text: str, lang: str) -> str:
    """A record time (UTC) as the room reads it: Beijing time first, UTC in brackets."""
    when = datetime.strptime(utc_text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    local = when.astimezone(BEIJING)
    return render("ceremony.time", lang, local=f"{local:%Y-%m-%d %H:%M:%S}", utc=f"{when:%H:%M:%S}")


def group_hex(value: str, size: int = 8) -> str:
    """Hex in blocks, easier to read aloud and compare."""
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


def check_values(
    values: Sequence[int], count: int, lo: int, hi: int
) -> tuple[str, dict[str, Any]] | None:
    """Why ``values`` are not ``count`` numbers in ``lo..hi`` (a catalog key and params)."""
    if len(values) != count:
        return "ceremony.wrong_count", {"want": count, "got": len(values)}
    for n, v in enumerate(values, 1):
        if not lo <= v <= hi:
            return "ceremony.out_of_range", {"n": n, "value": v, "min": lo, "max": hi}
    return None


def _parse_ints(text: str) -> list[int] | None:
    """Space- (or comma-) separated decimal integers, or None if anything else is there."""
    parts = [p for p in re.split(r"[\s,，、]+", text.strip()) if p]
    if not parts or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


def _env_name(key_name: str) -> str:
    return WITNESS_ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", key_name.upper())


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def entity_names(engine: Engine, codes: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    with Session(engine) as s:
        for part in _chunks(sorted(set(codes))):
            query = select(Entity.code, Entity.name).where(col(Entity.code).in_(part))
            found.update(dict(s.exec(query).all()))
    return found


def inspector_names(engine: Engine, ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    with Session(engine) as s:
        for part in _chunks(sorted(set(ids))):
            query = select(Inspector.badge_no, Inspector.name).where(
                col(Inspector.badge_no).in_(part)
            )
            found.update(dict(s.exec(query).all()))
    return found


# A 3x5 block font for the verification code, so it can be read from the back of the room.
_GLYPHS: dict[str, tuple[str, ...]] = {
    "0": ("███", "█ █", "█ █", "█ █", "███"),
    "1": (" █ ", "██ ", " █ ", " █ ", "███"),
    "2": ("███", "  █", "███", "█  ", "███"),
    "3": ("███", "  █", "███", "  █", "███"),
    "4": ("█ █", "█ █", "███", "  █", "  █"),
    "5": ("███", "█  ", "███", "  █", "███"),
    "6": ("███", "█  ", "███", "█ █", "███"),
    "7": ("███", "  █", "  █", "  █", "  █"),
    "8": ("███", "█ █", "███", "█ █", "███"),
    "9": ("███", "█ █", "███", "  █", "███"),
    "A": ("███", "█ █", "███", "█ █", "█ █"),
    "B": ("██ ", "█ █", "██ ", "█ █", "██ "),
    "C": ("███", "█  ", "█  ", "█  ", "███"),
    "D": ("██ ", "█ █", "█ █", "█ █", "██ "),
    "E": ("███", "█  ", "███", "█  ", "███"),
    "F": ("███", "█  ", "███", "█  ", "█  "),
    "-": ("   ", "   ", "███", "   ", "   "),
}


def big_text(code: str) -> str:
    """``code`` (hex digits and dashes) in the block font, two columns of space apart."""
    rows = ["  ".join(_GLYPHS[ch][r] for ch in code.upper()) for r in range(5)]
    return "\n".join(rows)


def countdown(con: Console, due: datetime, label: Callable[[str], str], tick: float = 0.5) -> None:
    """A live panel counting down (hh:mm:ss, rounded up) until ``due``; returns at once if
    ``due`` has passed.  Ctrl-C interrupts it like any other step."""

    def panel() -> RenderableType:
        left = max(0, math.ceil((due - datetime.now(UTC)).total_seconds()))
        clock = f"{left // 3600:02d}:{left % 3600 // 60:02d}:{left % 60:02d}"
        return Panel(Align.center(Text(label(clock), style="bold")), border_style="magenta")

    if datetime.now(UTC) >= due:
        return
    with Live(panel(), console=con, refresh_per_second=4, transient=False) as live:
        while datetime.now(UTC) < due:
            time.sleep(tick)
            live.update(panel())


class Terminated(Exception):
    """The terminal was closed (SIGHUP) or the process asked to stop (SIGTERM): the ceremony
    ends as an interrupted one (its abort is logged).  Safety does not rest on this: a reveal
    is durable before it is shown, so even SIGKILL cannot re-roll quietly."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def reason(self) -> str:
        return {signal.SIGHUP: "sighup", signal.SIGTERM: "sigterm"}.get(
            signal.Signals(self.signum), "signal"
        )


_STOP_SIGNALS = (signal.SIGINT, signal.SIGHUP, signal.SIGTERM)


def _raise_terminated(signum: int, _frame: Any) -> None:
    raise Terminated(signum)


@contextmanager
def _on_hangup() -> Iterator[None]:
    """SIGHUP and SIGTERM raise :class:`Terminated` in the ceremony (Ctrl-C already raises
    KeyboardInterrupt), so that the abort is logged and the screen says what happened."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _raise_terminated) for s in (signal.SIGHUP, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


@contextmanager
def _defer_signals() -> Iterator[list[int]]:
    """Hold Ctrl-C, SIGHUP and SIGTERM while a transaction commits: it then either committed
    or never started, and the screen says which.  (SIGKILL cannot be held; the database's
    transaction is what makes that case safe.)"""
    hits: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield hits
        return
    old = {s: signal.signal(s, lambda signum, frame: hits.append(signum)) for s in _STOP_SIGNALS}
    try:
        yield hits
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if hits and hits[0] != signal.SIGINT:
            raise Terminated(hits[0])


def load_key(
    ws: Workspace,
    name: str,
    env_var: str,
    prompt: str,
    attempts: int = PASSPHRASE_ATTEMPTS,
    on_wrong: Callable[[int], None] | None = None,
) -> Ed25519PrivateKey:
    """Decrypt own key ``name`` with the passphrase from ``env_var`` or a hidden prompt.

    A wrong passphrase from the environment fails at once; at the prompt, after ``attempts``
    tries.  Either way ``PassphraseRefused`` (exit 3).
    """
    keys_svc.public_key(ws, name)  # a missing key fails before any prompt (exit 3)
    env = os.environ.get(env_var)
    for attempt in range(1, attempts + 1):
        if env:
            passphrase = env.encode("utf-8")
        else:
            passphrase = hidden_prompt(prompt).encode("utf-8")
        try:
            if not passphrase:
                raise CannotRunError("keys.bad_passphrase")
            return keys_svc.load_private_key(ws, name, passphrase)
        except CannotRunError as exc:
            if exc.code != "keys.bad_passphrase":
                raise
            if env or attempt == attempts:
                raise PassphraseRefused("keys.bad_passphrase") from None
            if on_wrong is not None:
                on_wrong(attempts - attempt)
    raise PassphraseRefused("keys.bad_passphrase")  # pragma: no cover - loop always returns


# --- the ceremony -------------------------------------------------------------------------


class Ceremony:
    """One run of ``randcheck draw TASK``: renders each stage and keeps track of where it is,
    so that an abort is logged with the right stage."""

    def __init__(
        self,
        app: AppContext,
        ws: Workspace,
        engine: Engine,
        plan: draws.DrawPlan,
        *,
        console: Console,
        entropy_doc: Mapping[str, Any] | None,
        drand_text: str | None,
        yes: bool,
        practice: bool,
        redraw_reason: str | None,
        key_name: str,
        witness_keys: Sequence[str],
    ) -> None:
        self.app = app
        self.ws = ws
        self.engine = engine
        self.plan = plan
        self.con = console
        self.entropy_doc = entropy_doc
        self.drand_text = drand_text
        self.yes = yes
        self.practice = practice
        self.redraw_reason = redraw_reason
        self.key_name = key_name
        self.witness_keys = list(witness_keys)
        self.stage = "checks"
        self.revealed: int | None = None  # log seq of this attempt's draw.revealed entry
        self.sources = draws.sources_for(plan, practice)
        self.names: dict[str, str] = {}
        self.staff: dict[str, str] = {}

    # rendering helpers
    def t(self, key: str, **params: Any) -> str:
        return self.app.t(key, **params)

    def header(self, step: int, key: str) -> None:
        title = self.t("ceremony.step", step=step, total=6, title=self.t(key))
        if self.practice:
            title = f"{self.t('ceremony.practice_tag')}  {title}"
        self.con.print()
        self.con.print(Rule(Text(title, style="bold"), style="yellow" if self.practice else "cyan"))
        if self.practice:
            self.practice_banner()

    def practice_banner(self) -> None:
        self.con.print(
            Panel(
                Align.center(
                    Text(self.t("ceremony.practice_banner"), style="bold black on yellow")
                ),
                style="yellow",
                border_style="yellow",
            )
        )

    def note(self, key: str, style: str = "", **params: Any) -> None:
        self.con.print(Text(self.t(key, **params), style=style))

    def problem(self, text: str) -> None:
        self.con.print(Text(f"✗ {text}", style="bold red"))

    def ok(self, text: str) -> None:
        self.con.print(Text(f"✓ {text}", style="bold green"))

    def prompt(self, key: str, hide: bool = False, **params: Any) -> str:
        value: str = typer.prompt(
            self.t(key, **params), hide_input=hide, err=True, default="", show_default=False
        )
        return value

    def pause(self, key: str = "ceremony.press_enter") -> None:
        if not self.yes:
            typer.prompt(self.t(key), default="", show_default=False, err=True, prompt_suffix=" ")

    def confirm(self, key: str, **params: Any) -> None:
        if self.yes:
            return
        if not typer.confirm(self.t(key, **params), default=True, err=True):
            raise Declined("ceremony.declined")

    # the stages
    def run(self) -> draws.Finalized | None:
        self.show_task()
        self.confirm("ceremony.confirm_start")
        self.stage = "entropy"
        evidence = self.gather()
        drawn_at = format_time(_now())
        body = draws.compute(
            self.plan,
            evidence,
            drawn_at,
            practice=self.practice,
            redraw_reason=self.redraw_reason,
        )
        self.stage = "seed"
        self.show_seed(body)
        self.pause()
        self.stage = "targets"
        self.show_targets(body)
        self.stage = "teams"
        self.show_teams(body)
        if self.practice:
            seq = draws.log_practice(self.ws, self.engine, self.plan.task_id, self.app.actor, body)
            self.con.print()
            self.con.print(
                Panel(
                    Text(self.t("ceremony.practice_done", seq=seq), style="bold"),
                    border_style="yellow",
                    padding=(1, 2),
                )
            )
            return None
        self.stage = "sign"
        return self.sign(body)

    def show_task(self) -> None:
        self.header(1, "ceremony.stage.checks")
        doc = self.plan.doc
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        task = doc.get("task", {})
        grid.add_row(self.t("ceremony.f.task"), f"{self.plan.task_id}  {self.plan.title}")
        grid.add_row(self.t("ceremony.f.departments"), "、".join(task.get("departments", [])))
        grid.add_row(
            self.t("ceremony.f.items"), ", ".join(str(i["code"]) for i in task.get("items", []))
        )
        grid.add_row(
            self.t("ceremony.f.announced_at"), human_time(self.plan.announced_at, self.app.lang)
        )
        grid.add_row(self.t("ceremony.f.announcement"), self.plan.digest)
        grid.add_row(
            self.t("ceremony.f.operator"), self.t("ceremony.operator_value", actor=self.app.actor)
        )
        if self.redraw_reason is not None:
            grid.add_row(
                Text(self.t("ceremony.f.redraw"), style="bold red"),
                Text(self.redraw_reason, style="bold red"),
            )
        self.con.print(
            Panel(grid, title=self.t("ceremony.title"), border_style="cyan", padding=(1, 2))
        )
        table = Table(title=self.t("ceremony.checks_title"), expand=False)
        table.add_column(self.t("ceremony.col.check"))
        table.add_column(self.t("ceremony.col.result"))
        table.add_column(self.t("ceremony.col.detail"), overflow="fold")
        for check in self.plan.checks:
            label = (
                self.t("ceremony.check.snapshot", stratum=check.name.split(".", 1)[1])
                if check.name.startswith("snapshot.")
                else self.t("ceremony.check.roster")
            )
            table.add_row(
                label,
                Text("✓ " + self.t("ceremony.pass"), style="bold green")
                if check.ok
                else Text("✗", style="bold red"),
                str(check.params.get("detail", "")),
            )
        self.con.print(table)
        plan_table = Table(title=self.t("ceremony.plan_title"))
        for key in ("stratum", "population", "sample", "reserve"):
            plan_table.add_column(
                self.t(f"ceremony.col.{key}"), justify="right" if key != "stratum" else "left"
            )
        for s in doc.get("strata", []):
            plan_table.add_row(
                str(s["id"]), str(s["count"]), str(s["sample_size"]), str(s["reserve_size"])
            )
        self.con.print(plan_table)
        src_table = Table(title=self.t("ceremony.sources_title"))
        src_table.add_column("#", justify="right")
        src_table.add_column(self.t("ceremony.col.source"), overflow="fold")
        for i, src in enumerate(self.sources, 1):
            src_table.add_row(str(i), self.describe_source(src))
        self.con.print(src_table)
        if self.plan.needs_redraw and self.redraw_reason is not None:
            self.note("ceremony.needs_redraw_note", style="bold red")

    def describe_source(self, src: Mapping[str, Any]) -> str:
        kind = src["type"]
        if kind == "nonce":
            return self.t("ceremony.src.nonce", commitment=str(src["commitment"])[:16])
        if kind == "dice":
            return self.t(
                "ceremony.src.dice", witness=src["witness"], count=src["count"], faces=src["faces"]
            )
        if kind == "lottery":
            return self.t(
                "ceremony.src.lottery",
                name=src["name"],
                period=src["period"],
                count=src["count"],
                min=src["min"],
                max=src["max"],
            )
        return self.t(
            "ceremony.src.drand",
            round=src["round"],
            time=human_time(draws.drand_round_time(src), self.app.lang),
        )

    # entropy
    def gather(self) -> list[dict[str, Any]]:
        self.header(2, "ceremony.stage.entropy")
        if self.entropy_doc is not None:
            doc = dict(self.entropy_doc)
            if self.drand_text is not None:
                doc["drand"] = self.drand_text
            evidence = draws.evidence_from_file(self.plan, doc, format_time(_now()), self.practice)
            self.reveal(evidence)
            self.show_evidence(evidence)
            self.confirm("ceremony.confirm_entropy")
            return evidence
        by_index: dict[int, dict[str, Any]] = {}
        dice = [(i, s) for i, s in enumerate(self.sources) if s["type"] == "dice"]
        if dice:
            by_index.update(self.gather_dice(dice))
        for i, src in enumerate(self.sources):
            if src["type"] == "lottery":
                by_index[i] = self.gather_lottery(src)
        for i, src in enumerate(self.sources):
            if src["type"] == "drand":
                by_index[i] = self.gather_drand(src)
        # the operator's nonce last: nobody sees it before every public value is in
        for i, src in enumerate(self.sources):
            if src["type"] == "nonce":
                by_index[i] = draws.nonce_evidence(self.plan, self.practice)
        evidence = [by_index[i] for i in range(len(self.sources))]
        self.reveal(evidence)
        for i, src in enumerate(self.sources):
            if src["type"] == "nonce":
                self.show_nonce(src, by_index[i])
        self.show_evidence(evidence)
        self.confirm("ceremony.confirm_entropy")
        return evidence

    def reveal(self, evidence: Sequence[Mapping[str, Any]]) -> None:
        """Make this attempt durable (an official one: a ``draw.revealed`` log entry, committed
        and fsynced) before the nonce or anything derived from it reaches the screen."""
        if not self.practice:
            with _defer_signals():
                self.revealed = draws.reveal(
                    self.ws,
                    self.engine,
                    self.plan,
                    evidence,
                    self.app.actor,
                    redraw=self.redraw_reason is not None,
                )
        # from here on every input of the seed may be on screen: an abort forces a redraw
        self.stage = "reveal"

    def gather_dice(self, dice: list[tuple[int, dict[str, Any]]]) -> dict[int, dict[str, Any]]:
        while True:
            got: dict[int, dict[str, Any]] = {}
            self.con.print(Panel(Text(self.t("ceremony.dice_intro")), border_style="cyan"))
            for i, src in dice:
                got[i] = self.one_witness(src)
            table = Table(title=self.t("ceremony.dice_reveal"))
            table.add_column(self.t("ceremony.col.witness"))
            table.add_column(self.t("ceremony.col.values"), overflow="fold")
            for i, _ in dice:
                ev = got[i]
                table.add_row(str(ev["witness"]), "  ".join(str(v) for v in ev["values"]))
            self.con.print(table)
            if self.yes or typer.confirm(self.t("ceremony.dice_ok"), default=True, err=True):
                return got
            self.note("ceremony.dice_again", style="yellow")

    def one_witness(self, src: Mapping[str, Any]) -> dict[str, Any]:
        witness, count, faces = str(src["witness"]), int(src["count"]), int(src["faces"])
        self.con.print(
            Text(
                self.t("ceremony.dice_ask", witness=witness, count=count, faces=faces), style="bold"
            )
        )
        while True:
            first = self.prompt("ceremony.prompt.dice", hide=True, witness=witness)
            values = _parse_ints(first)
            if values is None:
                self.problem(self.t("ceremony.not_numbers"))
                continue
            why = check_values(values, count, 1, faces)
            if why is not None:
                self.problem(self.t(why[0], **why[1]))
                continue
            try:
                ev = draws.dice_evidence(src, values)
            except InputError as exc:
                self.problem(render(exc.code, self.app.lang, **exc.params))
                continue
            again = _parse_ints(
                self.prompt("ceremony.prompt.dice_again", hide=True, witness=witness)
            )
            if again != values:
                self.problem(self.t("ceremony.mismatch"))
                continue
            self.ok(self.t("ceremony.dice_taken", witness=witness, count=count))
            return ev

    def gather_lottery(self, src: Mapping[str, Any]) -> dict[str, Any]:
        name, period = str(src["name"]), str(src["period"])
        self.con.print(
            Text(
                self.t(
                    "ceremony.lottery_ask",
                    name=name,
                    period=period,
                    count=src["count"],
                    min=src["min"],
                    max=src["max"],
                ),
                style="bold",
            )
        )
        while True:
            numbers = _parse_ints(self.prompt("ceremony.prompt.lottery", name=name))
            if numbers is None:
                self.problem(self.t("ceremony.not_numbers"))
                continue
            why = check_values(numbers, int(src["count"]), int(src["min"]), int(src["max"]))
            if why is not None:
                self.problem(self.t(why[0], **why[1]))
                continue
            try:
                ev = draws.lottery_evidence(src, numbers)
            except InputError as exc:
                self.problem(render(exc.code, self.app.lang, **exc.params))
                continue
            if _parse_ints(self.prompt("ceremony.prompt.lottery_again", name=name)) != numbers:
                self.problem(self.t("ceremony.mismatch"))
                continue
            self.ok(self.t("ceremony.lottery_taken", name=name, period=period))
            return ev

    def wait_for_round(self, src: Mapping[str, Any]) -> None:
        """A live countdown until the announced drand round is published."""
        due = datetime.strptime(draws.drand_round_time(src), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC
        )
        countdown(
            self.con, due, lambda left: self.t("ceremony.countdown", round=src["round"], left=left)
        )

    def gather_drand(self, src: Mapping[str, Any]) -> dict[str, Any]:
        round_time = human_time(draws.drand_round_time(src), self.app.lang)
        self.con.print(
            Text(self.t("ceremony.drand_ask", round=src["round"], time=round_time), style="bold")
        )
        self.wait_for_round(src)
        while True:
            if self.drand_text is not None:
                text = self.drand_text
            else:
                text = self.read_json()
            try:
                ev = draws.drand_evidence(src, text, format_time(_now()), self.plan.announced_at)
            except RandcheckError as exc:
                if self.drand_text is not None:
                    raise
                self.problem(render(exc.code, self.app.lang, **exc.params))
                continue
            self.ok(
                self.t(
                    "ceremony.drand_ok",
                    round=src["round"],
                    time=round_time,
                    randomness=str(ev["randomness"])[:16],
                )
            )
            return ev

    def read_json(self) -> str:
        """One pasted JSON object; a pretty-printed one may span several lines."""
        text = self.prompt("ceremony.prompt.drand")
        lines = 1
        while text.strip().startswith("{") and lines < MAX_JSON_LINES:
            try:
                json.loads(text)
                break
            except RecursionError:  # nested too deeply: let the beacon parser say so
                break
            except ValueError:
                more: str = typer.prompt(
                    "", prompt_suffix="", default="", show_default=False, err=True
                )
                text += "\n" + more
                lines += 1
        return text

    def show_nonce(self, src: Mapping[str, Any], ev: Mapping[str, Any]) -> None:
        matches = nonce_commitment(bytes.fromhex(str(ev["value"]))) == src["commitment"]
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column(overflow="fold")
        grid.add_row(self.t("ceremony.f.nonce"), str(ev["value"]))
        grid.add_row(self.t("ceremony.f.commitment"), str(src["commitment"]))
        grid.add_row(
            "",
            Text("✓ " + self.t("ceremony.nonce_ok"), style="bold green")
            if matches
            else Text("✗ " + self.t("ceremony.nonce_bad"), style="bold red"),
        )
        key = "ceremony.nonce_title_practice" if self.practice else "ceremony.nonce_title"
        self.con.print(Panel(grid, title=self.t(key), border_style="cyan"))
        if self.revealed is not None:
            self.note("ceremony.revealed_logged", style="dim", seq=self.revealed)

    def show_evidence(self, evidence: Sequence[Mapping[str, Any]]) -> None:
        table = Table(title=self.t("ceremony.evidence_title"))
        table.add_column("#", justify="right")
        table.add_column(self.t("ceremony.col.source"), overflow="fold")
        table.add_column(self.t("ceremony.col.values"), overflow="fold")
        for i, ev in enumerate(evidence, 1):
            kind = ev["type"]
            if kind == "nonce":
                label, value = self.t("ceremony.kind.nonce"), str(ev["value"])
            elif kind == "dice":
                label = self.t("ceremony.kind.dice", witness=ev["witness"])
                value = "  ".join(str(v) for v in ev["values"])
            elif kind == "lottery":
                label = self.t("ceremony.kind.lottery", name=ev["name"], period=ev["period"])
                value = "  ".join(str(v) for v in ev["numbers"])
            else:
                label = self.t("ceremony.kind.drand", round=ev["round"])
                value = str(ev["randomness"])
            table.add_row(str(i), label, value)
        self.con.print(table)

    # results
    def show_seed(self, body: Mapping[str, Any]) -> None:
        self.header(3, "ceremony.stage.seed")
        self.con.print(
            Panel(
                Align.center(Text(group_hex(str(body["seed"])), style="bold", overflow="fold")),
                title=self.t("ceremony.seed_title"),
                subtitle=self.t("ceremony.seed_sub"),
                border_style="green",
                padding=(1, 2),
            )
        )

    def show_targets(self, body: Mapping[str, Any]) -> None:
        self.header(4, "ceremony.stage.targets")
        codes = [d["code"] for s in body["strata"] for d in [*s["drawn"], *s["reserve"]]]
        self.names = entity_names(self.engine, codes)
        strata = list(body["strata"])
        for n, s in enumerate(strata):
            if n:
                self.pause("ceremony.press_enter_stratum")
            table = Table(
                title=self.t(
                    "ceremony.stratum_title",
                    stratum=s["id"],
                    count=s["count"],
                    sample=s["sample_size"],
                ),
                title_style="bold",
                show_lines=False,
            )
            table.add_column(self.t("ceremony.col.rank"), justify="right")
            table.add_column(self.t("ceremony.col.code"), no_wrap=True)
            table.add_column(self.t("ceremony.col.name"), overflow="fold")
            table.add_column(self.t("ceremony.col.ticket"), no_wrap=True)
            table.add_column(self.t("ceremony.col.batch"), justify="right")
            for rank, d in enumerate(s["drawn"], 1):
                table.add_row(
                    str(rank),
                    d["code"],
                    escape(self.names.get(d["code"], "")),
                    str(d["ticket"])[:12],
                    str(d["batch"]),
                )
            self.con.print(table)
            if s["reserve"]:
                reserve = Table(
                    title=self.t("ceremony.reserve_title", stratum=s["id"]),
                    style="dim",
                    title_style="dim",
                )
                reserve.add_column(self.t("ceremony.col.rank"), justify="right")
                reserve.add_column(self.t("ceremony.col.code"), no_wrap=True)
                reserve.add_column(self.t("ceremony.col.name"), overflow="fold")
                for i, r in enumerate(s["reserve"], 1):
                    reserve.add_row(str(i), r["code"], escape(self.names.get(r["code"], "")))
                self.con.print(reserve)
            cutoff = s.get("cutoff")
            self.con.print(
                Text(
                    self.t("ceremony.cutoff", cutoff=str(cutoff)[:16] if cutoff else "—"),
                    style="dim",
                )
            )

    def show_teams(self, body: Mapping[str, Any]) -> None:
        self.pause()
        self.header(5, "ceremony.stage.teams")
        ids = [m["id"] for team in body["teams"] for m in team["members"]]
        self.staff = inspector_names(self.engine, ids)
        table = Table(
            title=self.t("ceremony.teams_title", count=len(body["teams"])), title_style="bold"
        )
        table.add_column("#", justify="right")
        table.add_column(self.t("ceremony.col.stratum"))
        table.add_column(self.t("ceremony.col.code"), no_wrap=True)
        table.add_column(self.t("ceremony.col.name"), overflow="fold")
        table.add_column(self.t("ceremony.col.team"), overflow="fold")
        for n, team in enumerate(body["teams"], 1):
            members = "\n".join(
                f"{m['id']} {self.staff.get(m['id'], '')}"
                + (self.t("ceremony.expert") if m.get("expert") else "")
                for m in team["members"]
            )
            table.add_row(
                str(n),
                str(team["stratum"]),
                str(team["target"]),
                escape(self.names.get(team["target"], "")),
                escape(members),
            )
        self.con.print(table)

    # signing
    def sign(self, body: Mapping[str, Any]) -> draws.Finalized:
        self.header(6, "ceremony.stage.sign")
        self.confirm("ceremony.confirm_sign")

        def wrong(left: int) -> None:
            self.problem(self.t("ceremony.wrong_passphrase", left=left))

        operator = load_key(
            self.ws,
            self.key_name,
            PASSPHRASE_ENV,
            self.t("ceremony.prompt.passphrase", name=self.key_name),
            on_wrong=wrong,
        )
        self.ok(self.t("ceremony.key_ok", name=self.key_name))
        witnesses = []
        for name in self.witness_keys:
            witnesses.append(
                load_key(
                    self.ws,
                    name,
                    _env_name(name),
                    self.t("ceremony.prompt.witness_passphrase", name=name),
                    on_wrong=wrong,
                )
            )
            self.ok(self.t("ceremony.witness_ok", name=name))
        assert self.revealed is not None
        with _defer_signals() as hits:
            fin = draws.finalize(
                self.ws,
                self.engine,
                self.plan,
                body,
                operator,
                witnesses,
                self.app.actor,
                self.revealed,
            )
        self.show_done(body, fin, bool(hits))
        return fin

    def show_done(self, body: Mapping[str, Any], fin: draws.Finalized, interrupted: bool) -> None:
        width = self.con.width
        code: RenderableType = (
            Text(big_text(fin.code), style="bold")
            if width >= 80
            else Text("  ".join(fin.code), style="bold")
        )
        lines: list[RenderableType] = [
            Align.center(Text(self.t("ceremony.code_read_aloud"), style="bold")),
            Text(""),
            Align.center(code),
            Text(""),
            Align.center(Text(fin.code, style="bold")),
            Text(""),
            Align.center(Text(self.t("ceremony.record_digest"))),
            Align.center(Text(fin.digest, overflow="fold")),
            Align.center(Text(self.t("ceremony.logged", seq=fin.log_seq), style="dim")),
        ]
        if body.get("redraw"):
            lines.append(
                Align.center(
                    Text(
                        self.t("ceremony.redraw_marked", reason=body["redraw"]["reason"]),
                        style="bold red",
                    )
                )
            )
        self.con.print(
            Panel(
                Group(*lines),
                title=self.t("ceremony.done_title"),
                border_style="green",
                padding=(1, 2),
            )
        )
        if interrupted:
            self.note("ceremony.interrupt_ignored", style="yellow")
        if importlib.util.find_spec("randcheck.services.publish") is not None:
            self.note("ceremony.next_publish", style="bold", prefix=fin.digest[:16])

    # aborts
    def abort(self, stage: str, reason: str) -> int:
        """Log the abort first (the screen may be gone: a closed terminal), then say so."""
        with _defer_signals():
            seq = draws.log_abort(
                self.ws,
                self.engine,
                self.plan.task_id,
                self.app.actor,
                stage,
                reason,
                self.practice,
                self.revealed,
            )
        stage_name = self.t(f"ceremony.stage.{stage}")
        lines = [Text(self.t("ceremony.aborted", stage=stage_name, seq=seq), style="bold")]
        if self.revealed is not None:
            lines.append(Text(""))
            lines.append(
                Text(
                    self.t(
                        "ceremony.aborted_after_seed",
                        task=self.plan.task_id,
                        seq=self.revealed,
                    ),
                    style="bold red",
                )
            )
        with contextlib.suppress(OSError):  # a closed terminal: the log already has it
            self.con.print()
            self.con.print(
                Panel(Group(*lines), title=self.t("ceremony.aborted_title"), border_style="red"),
                soft_wrap=False,  # wrap the redraw instruction, never cut it (80-column rooms)
            )
        return seq


# --- commands -----------------------------------------------------------------------------


def _read_entropy(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("ceremony.entropy_missing_file", file=str(path)) from exc
    try:
        doc = parse(raw.removeprefix(b"\xef\xbb\xbf"))  # depth-limited, no floats, no dupes
    except InputError as exc:
        raise InputError(
            "ceremony.entropy_unreadable",
            file=str(path),
            reason_key=exc.code,
            reason_params=dict(exc.params),
        ) from exc
    if not isinstance(doc, dict) or not set(doc) <= {"dice", "lottery", "drand"}:
        raise InputError("ceremony.entropy_shape", file=str(path))
    for key in ("dice", "lottery"):
        part = doc.get(key, {})
        if not isinstance(part, dict) or not all(
            isinstance(v, list) and all(type(x) is int for x in v) for v in part.values()
        ):
            raise InputError("ceremony.entropy_field", file=str(path), field=key)
    return doc


def _read_drand(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError("ceremony.entropy_missing_file", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError("ceremony.entropy_unreadable", file=str(path), reason=str(exc)) from exc


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
    key: Annotated[str, typer.Option("--key", help=H("ceremony.opt.key"))] = keys_svc.DEFAULT_NAME,
    witness_key: Annotated[
        list[str] | None, typer.Option("--witness-key", help=H("ceremony.opt.witness_key"))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=H("ceremony.opt.json"))] = False,
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
    ws = app.workspace.require()
    engine = app.engine()
    keys_svc.check_name(key)
    for name in witness_key or []:
        keys_svc.check_name(name)
    entropy_doc = _read_entropy(entropy_file) if entropy_file is not None else None
    drand_text = _read_drand(drand_file) if drand_file is not None else None
    plan = draws.prepare(engine, task)
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
        console=err if as_json else out,
        entropy_doc=entropy_doc,
        drand_text=drand_text,
        yes=yes,
        practice=practice,
        redraw_reason=reason.strip() if redraw and reason else None,
        key_name=key,
        witness_keys=witness_key or [],
    )
    try:
        with _on_hangup():
            fin = ceremony.run()
    except (KeyboardInterrupt, typer.Abort, EOFError):
        ceremony.abort(ceremony.stage, "interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Terminated as exc:
        ceremony.abort(ceremony.stage, exc.reason)
        raise typer.Exit(128 + exc.signum) from None
    except RandcheckError as exc:
        # a refusal at a prompt, or any failure once the seed's inputs were revealed
        if isinstance(exc, PassphraseRefused | Declined) or ceremony.stage not in STAGES[:2]:
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
    key: Annotated[str, typer.Option("--key", help=H("ceremony.opt.key"))] = keys_svc.DEFAULT_NAME,
    as_json: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
) -> None:
    app = get(ctx)
    if not reason.strip():
        raise UsageError("ceremony.empty_reason")
    ws = app.workspace.require()
    engine = app.engine()
    keys_svc.check_name(key)
    operator = load_key(ws, key, PASSPHRASE_ENV, app.t("ceremony.prompt.passphrase", name=key))
    fin = draws.substitute(
        ws,
        engine,
        record_ref,
        target=target,
        inspector=inspector,
        reason=reason.strip(),
        operator=operator,
        actor=app.actor,
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
    names = entity_names(engine, codes)
    staff = inspector_names(engine, [m["id"] for m in team] + ([inspector] if inspector else []))
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


def register(app: typer.Typer) -> None:
    app.add_typer(draw_app, name="draw")
