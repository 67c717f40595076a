"""Small fixed draws for the draw-core tests (built on tests/vectors/generate.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from randcheck.core import signing
from randcheck.core.draw.announce import announce
from randcheck.core.draw.envelope import signed
from randcheck.core.draw.model import Roster, StratumSpec, Task, TeamRules
from randcheck.core.draw.record import draw
from tests.vectors import generate as g

KEY = signing.private_from_seed(bytes(32))
PUB = signing.public_raw(KEY)
KEYS = {signing.key_id(PUB): PUB}
VECTORS = Path(g.__file__).resolve().parent


def vector(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return data


def make_announcement(
    population: dict[str, list[bytes]] | None = None,
    roster: Roster | None = None,
    task: Task | None = None,
    strata: list[StratumSpec] | None = None,
    teams: TeamRules | None = None,
    sources: list[dict[str, Any]] | None = None,
    announced_at: str = g.ANNOUNCED_AT,
    practice: bool = False,
) -> tuple[bytes, dict[str, list[bytes]], Roster]:
    pop = population if population is not None else g.small_population()
    ros = roster if roster is not None else g.small_roster(g.small_population())
    t, s, tm = g.small_task()
    body = announce(
        task=task or t,
        strata=strata if strata is not None else s,
        population=pop,
        exclusions={"status": 4},
        roster=ros,
        teams=teams or tm,
        sources=sources if sources is not None else g.sources(),
        announced_at=announced_at,
        practice=practice,
    )
    return signed(body, KEY), pop, ros


def make_draw(**kwargs: Any) -> tuple[bytes, bytes, dict[str, list[bytes]], Roster]:
    evidence = kwargs.pop("evidence", None)
    ann, pop, ros = make_announcement(**kwargs)
    body = draw(ann, pop, ros, evidence or g.evidence(), g.DRAWN_AT, verify_bls=False)
    return ann, signed(body, KEY), pop, ros
