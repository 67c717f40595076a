"""The live draw ceremony at the terminal: one :class:`Ceremony` runs the six stages of
``randcheck draw TASK`` over :mod:`randcheck.services.draws` (its screens are
:mod:`.screens`, its questions :mod:`.prompts`).

Nothing is signed or stored before ``draws.finalize``; every official attempt is logged
(``draws.reveal``) before its nonce or seed is shown, and an abort is logged with
``draws.log_abort``.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from randcheck.catalog import render
from randcheck.cli._context import AppContext
from randcheck.cli._lazy import lazy
from randcheck.cli._screen import check_values, countdown, human_time
from randcheck.cli._signals import defer_signals
from randcheck.cli.draw import ordering, prompts
from randcheck.cli.draw.screens import Screens
from randcheck.cli.keys import unlock
from randcheck.errors import InputError, RandcheckError
from randcheck.workspace import Workspace

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlalchemy.engine import Engine

    from randcheck.services import audit, commitments, draws, gathering
else:
    commitments = lazy("randcheck.services.commitments")
    audit = lazy("randcheck.services.audit")
    draws = lazy("randcheck.services.draws")
    gathering = lazy("randcheck.services.gathering")

WITNESS_ENV_PREFIX = "RANDCHECK_WITNESS_PASSPHRASE_"
PASSPHRASE_ATTEMPTS = 3  # at a hidden prompt; a wrong passphrase from the environment: one


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _env_name(key_name: str) -> str:
    return WITNESS_ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", key_name.upper())


# --- the ceremony -------------------------------------------------------------------------


class Ceremony(Screens):
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
        drand_file: str | None = None,
        yes: bool,
        practice: bool,
        redraw_reason: str | None,
        key_name: str,
        witness_keys: Sequence[str],
        resume: draws.Resumable | None = None,
        committed: commitments.Committed | None = None,
        tsa_url: str | None = None,
    ) -> None:
        self.app = app
        self.ws = ws
        self.engine = engine
        self.plan = plan
        self.con = console
        self.entropy_doc = entropy_doc
        self.drand_text = drand_text
        self.drand_file = drand_file
        self.yes = yes
        self.practice = practice
        self.redraw_reason = redraw_reason
        self.key_name = key_name
        self.witness_keys = list(witness_keys)
        self.stage = draws.Stage.CHECKS
        self.revealed: int | None = None  # log seq of this attempt's draw.revealed entry
        self.sources = list(draws.sources_for(plan, practice))  # v2 fills in rounds
        self.names: dict[str, str] = {}
        self.staff: dict[str, str] = {}
        self.resume = resume
        self.resume_hint: int | None = None  # an abort's seq that --resume could continue
        # dice and lottery values shown in the room so far: logged with an abort before the
        # seed, so that --resume continues with them (never lost, never re-chosen)
        self.entered: dict[str, dict[str, list[int]]] = {"dice": {}, "lottery": {}}
        # randcheck/draw/v2 (docs/SPEC-v2.md): the logged commitment (given when resuming it)
        self.v2 = commitments.is_v2(plan)
        self.committed = committed
        self.tsa_url = tsa_url
        self.operator: Ed25519PrivateKey | None = None
        self.witness_privs: list[tuple[str, Ed25519PrivateKey]] | None = None
        if committed is not None:
            ordering.fix_rounds(self, committed.rounds)

    def confirm(self, key: str, **params: Any) -> None:
        if not self.yes:
            prompts.confirm(self.t(key, **params))

    # the stages
    def run(self) -> draws.Finalized | None:
        self.show_task()
        if self.resume_hint is not None:
            task = self.plan.task_id + (" --practice" if self.practice else "")
            self.note("ceremony.resume_available", style="yellow", seq=self.resume_hint, task=task)
        self.confirm("ceremony.confirm_start")
        self.stage = draws.Stage.ENTROPY
        evidence = self.gather()
        drawn_at = audit.format_time(_now())
        body = draws.compute(
            self.plan,
            evidence,
            drawn_at,
            practice=self.practice,
            redraw_reason=self.redraw_reason,
            committed=self.committed,
        )
        self.stage = draws.Stage.SEED
        self.show_seed(body)
        self.pause()
        self.stage = draws.Stage.TARGETS
        self.show_targets(body)
        self.stage = draws.Stage.TEAMS
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
        self.stage = draws.Stage.SIGN
        return self.sign(body)

    # entropy
    def gather(self) -> list[dict[str, Any]]:
        self.header(2, "ceremony.stage.entropy")
        if self.v2:
            return self.gather_v2()
        if self.entropy_doc is not None:
            doc = dict(self.entropy_doc)
            if self.drand_text is not None:
                doc["drand"] = self.drand_text
            at = audit.format_time(_now())
            evidence = gathering.evidence_from_file(self.plan, doc, at, self.practice)
            self.reveal(evidence)
            self.show_evidence(evidence)
            self.confirm("ceremony.confirm_entropy")
            return evidence
        by_index = self.room_values()
        return self.finish_gather(by_index)

    def gather_v2(self) -> list[dict[str, Any]]:
        """v2: the room's values, then the commitment (signed, anchored, logged), then the
        round it fixes; a resumed commitment brings its values and round with it."""
        by_index: dict[int, dict[str, Any]] = {}
        if self.committed is not None:
            self.note("ceremony.resumed", style="bold", seq=self.committed.seq)
            for i, v in enumerate(ordering.committed_values(self.committed)):
                if v is not None:
                    by_index[i] = dict(v)
            ordering.show_round(self, self.committed)
        elif self.entropy_doc is not None:
            values = gathering.committed_from_file(self.plan, self.entropy_doc, self.practice)
            by_index = {i: v for i, v in enumerate(values) if v is not None}
        else:
            by_index = self.room_values()
        if self.committed is None:
            if self.practice:
                ordering.practice_rounds(self)
            else:
                ordering.commit(self, by_index)
        doc = dict(self.entropy_doc or {})
        if self.drand_text is not None:
            doc["drand"] = self.drand_text
        for i, src in enumerate(self.sources):
            if src["type"] == "drand":
                beacon = doc.get("drand")
                if beacon is not None and self.drand_text is None:
                    self.drand_text = beacon if isinstance(beacon, str) else json.dumps(beacon)
                by_index[i] = self.gather_drand(src)
        return self.finish_gather(by_index, drand_done=True)

    def room_values(self) -> dict[int, dict[str, Any]]:
        """The dice and lottery values entered in the room (or continued from a logged abort)."""
        by_index: dict[int, dict[str, Any]] = {}
        dice = [(i, s) for i, s in enumerate(self.sources) if s["type"] == "dice"]
        logged = self.resume.entered if self.resume is not None else {"dice": {}, "lottery": {}}
        if self.resume is not None:
            self.note("ceremony.resumed", style="bold", seq=self.resume.seq)
        if dice and all(str(s["witness"]) in logged["dice"] for _, s in dice):
            for i, src in dice:
                by_index[i] = gathering.dice_evidence(src, logged["dice"][str(src["witness"])], i)
            self.show_dice(dice, by_index)
            self.keep_dice(dice, by_index)
        elif dice:
            by_index.update(self.gather_dice(dice))
        for i, src in enumerate(self.sources):
            if src["type"] == "lottery":
                name = str(src["name"])
                if name in logged["lottery"]:
                    by_index[i] = gathering.lottery_evidence(src, logged["lottery"][name], i)
                    self.ok(self.t("ceremony.lottery_taken", name=name, period=src["period"]))
                else:
                    by_index[i] = self.gather_lottery(src)
                self.entered["lottery"][name] = list(by_index[i]["numbers"])
        return by_index

    def finish_gather(
        self, by_index: dict[int, dict[str, Any]], drand_done: bool = False
    ) -> list[dict[str, Any]]:
        """The drand round(s), then the nonce; reveal; show."""
        if not drand_done:
            for i, src in enumerate(self.sources):
                if src["type"] == "drand":
                    by_index[i] = self.gather_drand(src)
        # the operator's nonce last: nobody sees it before every public value is in
        for i, src in enumerate(self.sources):
            if src["type"] == "nonce":
                by_index[i] = gathering.nonce_evidence(self.plan, self.practice)
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
                    commitment=None if self.committed is None else self.committed.digest,
                )
        # from here on every input of the seed may be on screen: an abort forces a redraw
        self.stage = draws.Stage.REVEAL

    def gather_dice(self, dice: list[tuple[int, dict[str, Any]]]) -> dict[int, dict[str, Any]]:
        while True:
            got: dict[int, dict[str, Any]] = {}
            self.con.print(Panel(Text(self.t("ceremony.dice_intro")), border_style="cyan"))
            for i, src in dice:
                got[i] = self.one_witness(src)
            self.show_dice(dice, got)
            if self.yes or typer.confirm(self.t("ceremony.dice_ok"), default=True, err=True):
                self.keep_dice(dice, got)
                return got
            self.note("ceremony.dice_again", style="yellow")

    def keep_dice(
        self, dice: list[tuple[int, dict[str, Any]]], got: Mapping[int, Mapping[str, Any]]
    ) -> None:
        """The dice are kept for an abort's log only once revealed to the room together: a
        witness's values stay hidden from the others until then."""
        for i, _ in dice:
            self.entered["dice"][str(got[i]["witness"])] = list(got[i]["values"])

    def enter_twice(
        self,
        first: str,
        again: str,
        why_not: Callable[[list[int]], str | None],
        hide: bool = False,
        **params: Any,
    ) -> list[int]:
        """Numbers entered twice (dice hidden, lottery numbers not), checked by ``why_not``
        and by the catalog's range rule."""
        return prompts.enter_twice(
            lambda: prompts.ask(self.t(first, **params), hide),
            lambda: prompts.ask(self.t(again, **params), hide),
            why_not,
            self.problem,
            self.t("ceremony.not_numbers"),
            self.t("ceremony.mismatch"),
        )

    def why_not(
        self,
        values: list[int],
        src: Mapping[str, Any],
        lo: int,
        hi: int,
        make: Callable[[Mapping[str, Any], list[int]], dict[str, Any]],
    ) -> str | None:
        """What is wrong with ``values`` for source ``src`` (count, range, the source's own
        rule), in the room's language; None if they are good."""
        why = check_values(values, int(src["count"]), lo, hi)
        if why is not None:
            return self.t(why[0], **why[1])
        try:
            make(src, values)
        except InputError as exc:
            return render(exc.code, self.app.lang, **exc.params)
        return None

    def one_witness(self, src: Mapping[str, Any]) -> dict[str, Any]:
        witness, count, faces = str(src["witness"]), int(src["count"]), int(src["faces"])
        self.con.print(
            Text(
                self.t("ceremony.dice_ask", witness=witness, count=count, faces=faces), style="bold"
            )
        )
        values = self.enter_twice(
            "ceremony.prompt.dice",
            "ceremony.prompt.dice_again",
            lambda v: self.why_not(v, src, 1, faces, gathering.dice_evidence),
            hide=True,
            witness=witness,
        )
        self.ok(self.t("ceremony.dice_taken", witness=witness, count=count))
        return gathering.dice_evidence(src, values)

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
        lo, hi = int(src["min"]), int(src["max"])
        numbers = self.enter_twice(
            "ceremony.prompt.lottery",
            "ceremony.prompt.lottery_again",
            lambda v: self.why_not(v, src, lo, hi, gathering.lottery_evidence),
            name=name,
        )
        self.ok(self.t("ceremony.lottery_taken", name=name, period=period))
        return gathering.lottery_evidence(src, numbers)

    def wait_for_round(self, src: Mapping[str, Any]) -> None:
        """A live countdown until the announced drand round is published."""
        due = datetime.strptime(gathering.drand_round_time(src), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC
        )
        countdown(
            self.con, due, lambda left: self.t("ceremony.countdown", round=src["round"], left=left)
        )

    def gather_drand(self, src: Mapping[str, Any]) -> dict[str, Any]:
        """The announced round, from ``--drand-file``, a paste or a file path typed here.  A
        wrong or unreadable round asks again with the reason: nothing entered is lost."""
        round_time = human_time(gathering.drand_round_time(src), self.app.lang)
        self.con.print(
            Text(self.t("ceremony.drand_ask", round=src["round"], time=round_time), style="bold")
        )
        self.wait_for_round(src)
        text, origin = self.drand_text, self.drand_file
        if text is None:
            self.show_drand_fetch(src)
        while True:
            if text is None:
                text, origin = self.ask_drand()
            if text is not None:
                try:
                    ev = gathering.drand_evidence(
                        src, text, audit.format_time(_now()), self.plan.announced_at
                    )
                except RandcheckError as exc:
                    reason = render(exc.code, self.app.lang, **exc.params)
                    if origin is not None:
                        reason = self.t("ceremony.drand_file_rejected", file=origin, reason=reason)
                    self.problem(reason)
                    if origin is not None and origin == self.drand_file:
                        self.show_drand_fetch(src)  # --drand-file was wrong: say how else
                    self.note("ceremony.drand_retry", style="yellow", round=src["round"])
                    text = None
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

    def ask_drand(self) -> tuple[str | None, str | None]:
        """A pasted round (JSON) or the path of a file holding one: (text, file) with file None
        for a paste, or (None, None) after saying what was wrong."""
        first = prompts.ask(self.t("ceremony.prompt.drand"))
        if first.strip().startswith("{"):
            return prompts.read_json(first), None
        path = first.strip().strip("\"'")
        if not path:
            self.problem(self.t("ceremony.drand_empty"))
            return None, None
        try:
            return gathering.read_drand_file(Path(path).expanduser()), path
        except RandcheckError as exc:
            self.problem(render(exc.code, self.app.lang, **exc.params))
            return None, None

    # signing
    def sign(self, body: Mapping[str, Any]) -> draws.Finalized:
        self.header(6, "ceremony.stage.sign")
        self.confirm("ceremony.confirm_sign")

        operator = self.unlock_operator()
        witnesses = [key for _name, key in self.unlock_witnesses()]
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

    # keys (unlocked once: under v2 at the commitment, and kept for the record)
    def wrong(self, left: int) -> None:
        self.problem(self.t("ceremony.wrong_passphrase", left=left))

    def unlock_operator(self) -> Ed25519PrivateKey:
        if self.operator is None:
            self.operator = unlock(
                self.ws,
                self.key_name,
                self.t("ceremony.prompt.passphrase", name=self.key_name),
                attempts=PASSPHRASE_ATTEMPTS,
                on_wrong=self.wrong,
            )
            self.ok(self.t("ceremony.key_ok", name=self.key_name))
        return self.operator

    def unlock_witness(self, name: str) -> Ed25519PrivateKey:
        key = unlock(
            self.ws,
            name,
            self.t("ceremony.prompt.witness_passphrase", name=name),
            _env_name(name),
            attempts=PASSPHRASE_ATTEMPTS,
            on_wrong=self.wrong,
        )
        self.ok(self.t("ceremony.witness_ok", name=name))
        return key

    def unlock_witnesses(self) -> list[tuple[str, Ed25519PrivateKey]]:
        if self.witness_privs is None:
            self.witness_privs = ordering.unlock_witnesses(self)
        return self.witness_privs

    # aborts
    def abort(self, stage: draws.Stage, reason: str) -> int:
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
                None if self.committed is not None else self.entered,
                resumed=self.plan.resuming,
            )
        resumable = not stage.seed_seen and self.revealed is None and any(self.entered.values())
        with contextlib.suppress(OSError):  # a closed terminal: the log already has it
            self.show_aborted(stage, seq, resumable)
        return seq
