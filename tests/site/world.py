"""A small workspace for the site tests: the results world's drawn task T26 (items K01, G01),
a second task announced with a planned draw time and a third only created, a roster
imported from a file carrying 身份证号 and phone columns, and helpers to publish results and
the draw bundle and to build the site.  Every time is explicit: nothing depends on today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from randcheck.services import publish, tasks
from randcheck.services import registry as reg_svc
from randcheck.services.results import publication
from randcheck.site import build
from randcheck.workspace import Workspace
from tests.drawfixtures import DICE, OPERATOR, definition, write_def
from tests.results.world import Drawn, at, import_rows, result_row

AS_OF = date(2026, 10, 20)
OK = "未发现问题"
#: personal values of the imported roster that must never reach the site
ID_CARD = "32050519800101123X"
PHONE = "13912345678"
NOTE = "内部备注-勿公开"
ROSTER = (
    "执法证号,姓名,身份证号,手机号码,所在部门,所属单位,发证机关,有效期至,执法门类,备注\n"
    f"P001,王公开,{ID_CARD},{PHONE},食品科,测试局,测试市人民政府,2030-12-31,食品|药品,{NOTE}\n"
)


@dataclass
class World:
    ws: Workspace
    engine: Engine
    drawn: Drawn
    tmp: Path

    def build(self, **kw: Any) -> build.SiteResult:
        kw.setdefault("as_of", AS_OF)
        kw.setdefault("now", datetime(2026, 10, 20, 2, tzinfo=UTC))
        return build.build_site(self.ws, self.engine, OPERATOR, **kw)

    @property
    def out(self) -> Path:
        return build.default_out(self.ws)

    def publish_results(self, day: str = "2026-10-12") -> None:
        t = self.drawn.task
        a, b, _ = self.drawn.targets
        rows = [
            result_row(t, a, "K01", "2026-09-28", OK),
            result_row(t, b, "K01", "2026-09-30", OK),
        ]
        import_rows(self.ws, self.engine, self.tmp / "r.xlsx", rows, now=at("2026-10-01"))
        publication.publish(self.ws, self.engine, t, OPERATOR, "签发人", now=at(day))

    def publish_bundle(self) -> Path:
        res = publish.publish_record(
            self.ws, self.engine, self.drawn.record, OPERATOR, actor="tester", now=at("2026-10-13")
        )
        return res.path


def add_tasks(ws: Workspace, engine: Engine, tmp: Path) -> None:
    """T27: announced, draw planned for 2026-11-02 09:00 Beijing; T28: created only."""
    doc = definition(
        id="T27",
        title="2026年第二批食品经营抽查",
        items=["K01"],
        planned_draw_at="2026-11-02T09:00:00+08:00",
        strata=[{"id": "S", "risk": ["*"], "count": 2, "reserve": 1}],
        teams={"min_inspectors": 2, "max_load": 10, "inspect_from": "2026-11-05",
               "inspect_to": "2026-12-20"},
    )  # fmt: skip
    path = write_def(tmp / "defs" / "T27.toml", doc)
    (d,) = tasks.create_tasks(ws, engine, path, "tester", now=datetime(2026, 10, 2, tzinfo=UTC))
    tasks.announce(ws, engine, d.id, OPERATOR, "tester", datetime(2026, 10, 3, 2, tzinfo=UTC))
    doc3 = definition(id="T28", title="2027年第一批企业公示信息抽查", items=["G01"],
                      planned_draw_at="2027-03-01T10:00:00+08:00",
                      strata=[{"id": "S", "risk": ["*"], "ratio": "1/10", "reserve": 1}])  # fmt: skip
    path3 = write_def(tmp / "defs" / "T28.toml", doc3)
    tasks.create_tasks(ws, engine, path3, "tester", now=datetime(2026, 10, 4, tzinfo=UTC))


def import_roster(ws: Workspace, engine: Engine, tmp: Path) -> None:
    path = tmp / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    reg_svc.import_file(engine, ws, "inspectors", path, actor="tester",
                        now=datetime(2026, 8, 1, tzinfo=UTC))  # fmt: skip


DICE_USED = DICE
