"""检查对象名录: counts of active entities by type, region and tag (SQL ``GROUP BY``), and the
optional name/code directory, streamed a page at a time (ten million rows never sit in
Python at once).

Tags are stored as ``|a|b|`` text: their counts are one ``GROUP BY tags`` over the distinct
tag sets (few, even with millions of rows), split here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from randcheck.core.text import visible
from randcheck.store.models import Entity

#: entities per directory page (about 1 MB of HTML)
PAGE_SIZE = 5000


@dataclass
class Counts:
    total: int
    by_type: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    by_tag: list[tuple[str, int]]


def _sorted(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Largest first, then by the value's UTF-8 bytes (no locale)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].encode("utf-8")))


def counts(engine: Engine) -> Counts:
    c = Entity.__table__.c  # type: ignore[attr-defined]
    active = c.active.is_(True)
    out: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        for name, column in (("type", c.subject_type), ("region", c.region_code)):
            rows = conn.execute(select(column, func.count()).where(active).group_by(column))
            out[name] = {visible(str(v or "")): int(n) for v, n in rows}
        tags: dict[str, int] = {}
        for value, n in conn.execute(select(c.tags, func.count()).where(active).group_by(c.tags)):
            for tag in str(value or "").split("|"):
                if tag:
                    tags[visible(tag)] = tags.get(visible(tag), 0) + int(n)
    total = sum(out["type"].values())
    return Counts(total, _sorted(out["type"]), _sorted(out["region"]), _sorted(tags))


def page_name(n: int) -> str:
    """The n-th directory page (1-based)."""
    return f"entities-directory/{n:05d}.html"


def directory_pages(engine: Engine) -> Iterator[list[tuple[str, str, str, str]]]:
    """Pages of (code, name, subject_type, region_code) of the active entities by code."""
    c = Entity.__table__.c  # type: ignore[attr-defined]
    # byte order of the codes on both databases (PostgreSQL's default collation is the locale's)
    order = c.code.collate("C") if engine.dialect.name == "postgresql" else c.code
    query = (
        select(c.code, c.name, c.subject_type, c.region_code)
        .where(c.active.is_(True))
        .order_by(order)
        .execution_options(yield_per=PAGE_SIZE)
    )
    with engine.connect() as conn:
        result = conn.execute(query)
        for part in result.partitions(PAGE_SIZE):
            yield [
                (str(code), visible(str(name or "")), visible(str(st or "")), str(rc or ""))
                for code, name, st, rc in part
            ]
