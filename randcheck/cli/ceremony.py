"""The live draw ceremony at the terminal: one :class:`Ceremony` runs the six stages of
``randcheck draw TASK`` and renders them, over :mod:`randcheck.services.draws`.

Nothing is signed or stored before ``draws.finalize``; every official attempt is logged
(``draws.reveal``) before its nonce or seed is shown, and an abort is logged with
``draws.log_abort``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.align import Align
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import Engine

from randcheck.catalog import render
from randcheck.cli._context import AppContext
from randcheck.cli._screen import (
    big_text,
    check_values,
    countdown,
    group_hex,
    human_time,
    parse_ints,
)
from randcheck.cli._signals import defer_signals
from randcheck.cli.keys import PASSPHRASE_ENV, hidden_prompt
from randcheck.core.draw.entropy import nonce_commitment
from randcheck.errors import (
    EXIT_CANNOT_RUN,
    EXIT_NO,
    CannotRunError,
    InputError,
    RandcheckError,
)
from randcheck.services import draws
from randcheck.services import keys as keys_svc
from randcheck.services.audit import format_time
from randcheck.workspace import Workspace

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


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _env_name(key_name: str) -> str:
    return WITNESS_ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", key_name.upper())


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
            with defer_signals(stop_after=True):
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
            values = parse_ints(first)
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
            again = parse_ints(
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
            numbers = parse_ints(self.prompt("ceremony.prompt.lottery", name=name))
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
            if parse_ints(self.prompt("ceremony.prompt.lottery_again", name=name)) != numbers:
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
        self.names = draws.entity_names(self.engine, codes)
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
        self.staff = draws.inspector_names(self.engine, ids)
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
        with defer_signals() as hits:
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
        with defer_signals():
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
