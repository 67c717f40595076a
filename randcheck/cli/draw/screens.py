"""The ceremony's screens: one method per thing shown in the room (the task and its checks,
the sources, the evidence, the seed, the drawn entities, the teams, the verification code and
an abort), rendered with rich.  Panels wrap their text rather than cut it (80-column rooms)."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.align import Align
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from randcheck.cli._context import AppContext
from randcheck.cli._lazy import lazy
from randcheck.cli._screen import big_text, group_hex, human_time, qr_code
from randcheck.cli.draw import prompts
from randcheck.core.draw import drand
from randcheck.core.draw.entropy import nonce_commitment

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from randcheck.services import draws, gathering
else:
    draws = lazy("randcheck.services.draws")
    gathering = lazy("randcheck.services.gathering")


class Screens:
    """What a :class:`~randcheck.cli.draw.flow.Ceremony` shows; it holds no state of the draw
    beyond the names looked up for display."""

    app: AppContext
    con: Console
    engine: Engine
    plan: draws.DrawPlan
    practice: bool
    redraw_reason: str | None
    sources: list[dict[str, Any]]
    revealed: int | None
    names: dict[str, str]
    staff: dict[str, str]
    yes: bool

    def pause(self, key: str = "ceremony.press_enter") -> None:
        """Wait for Enter before the next page of results (not with ``--yes``)."""
        if not self.yes:
            prompts.pause(self.t(key))

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
        if "round" not in src:  # randcheck/draw/v2: the commitment will fix it
            return self.t("ceremony.src.drand_v2", margin=src["margin"])
        return self.t(
            "ceremony.src.drand",
            round=src["round"],
            time=human_time(gathering.drand_round_time(src), self.app.lang),
        )

    def show_dice(
        self, dice: Sequence[tuple[int, Mapping[str, Any]]], got: Mapping[int, Mapping[str, Any]]
    ) -> None:
        """Every witness's values, revealed together."""
        table = Table(title=self.t("ceremony.dice_reveal"))
        table.add_column(self.t("ceremony.col.witness"))
        table.add_column(self.t("ceremony.col.values"), overflow="fold")
        for i, _ in dice:
            ev = got[i]
            table.add_row(str(ev["witness"]), "  ".join(str(v) for v in ev["values"]))
        self.con.print(table)

    def show_drand_fetch(self, src: Mapping[str, Any]) -> None:
        """How to bring the round into a room without internet: its full URLs (chain hash and
        all, wrapped, never cut), a QR code of the first, and the two ways in (paste, file)."""
        urls = drand.round_urls(str(src["chain_hash"]), int(src["round"]))
        text: list[RenderableType] = [
            Text(self.t("ceremony.drand_fetch_title", round=src["round"]), style="bold"),
            Text(self.t("ceremony.drand_fetch_how")),
        ]
        # a URL has no spaces: fold it at the edge, so every character stays on screen
        text.extend(Text(url, style="bold cyan", overflow="fold") for url in urls)
        text.append(Text(self.t("ceremony.drand_fetch_then", task=self.plan.task_id)))
        qr = qr_code(urls[0])
        qr_width = max(len(line) for line in qr.plain.split("\n"))
        width = self.con.width
        if width >= qr_width + 2 + 30:  # side by side: it fits 80×24
            grid = Table.grid(padding=(0, 2))
            grid.add_column(no_wrap=True, width=qr_width)
            grid.add_column(overflow="fold")
            grid.add_row(qr, Group(*text))
            self.con.print(grid)
            return
        self.con.print(Group(*text))
        if width >= qr_width:
            self.con.print(qr)
        else:
            self.note("ceremony.drand_no_qr", style="dim", width=qr_width)

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

    def show_aborted(self, stage: draws.Stage, seq: int, resumable: bool = False) -> None:
        """The abort panel: where it stopped, the log entry, and what comes next: once the seed
        may have been seen, a marked redraw; before it, with values entered, ``--resume``."""
        stage_name = self.t(f"ceremony.stage.{stage.value}")
        lines = [Text(self.t("ceremony.aborted", stage=stage_name, seq=seq), style="bold")]
        if resumable:
            practice = " --practice" if self.practice else ""
            lines.append(Text(""))
            lines.append(
                Text(
                    self.t("ceremony.aborted_entered", task=f"{self.plan.task_id}{practice}"),
                    style="bold yellow",
                )
            )
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
        self.con.print()
        self.con.print(
            Panel(Group(*lines), title=self.t("ceremony.aborted_title"), border_style="red"),
            soft_wrap=False,  # wrap the redraw instruction, never cut it (80-column rooms)
        )
