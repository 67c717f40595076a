"""``feed.xml``: an Atom feed (RFC 4287) of announcements, published draws and results.

Every entry has a stable ``tag:`` id (RFC 4151) made of the office's region code and the
signed document's digest, and an ``updated`` time taken from the document or its log entry,
never from the build: a rebuild with nothing new gives the same bytes.  Links are relative
to the feed (the site's root), so the feed makes no reference outside the site.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from randcheck.catalog import render
from randcheck.core.chinatime import reading_time
from randcheck.site.data import SiteData, TaskInfo

#: the feed's ``updated`` when it has no entry at all (a fixed time, not the build's)
EMPTY_UPDATED = "2000-01-01T00:00:00Z"
AUTHORITY = "randcheck"


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: str  # UTC ``YYYY-MM-DDTHH:MM:SSZ``
    link: str  # relative to the site root
    summary: str


def tag(region: str, when: str, what: str) -> str:
    """``tag:randcheck,<YYYY-MM-DD>:<region>/<what>`` (the date is the entry's own day)."""
    return f"tag:{AUTHORITY},{when[:10]}:{region or '000000'}/{what}"


def task_entries(region: str, t: TaskInfo, link: str) -> list[Entry]:
    out: list[Entry] = []
    if t.announced_at:
        out.append(Entry(
            tag(region, t.announced_at, f"announcement/{t.ann_digest}"),
            render("site.feed.announce", "zh", title=t.title),
            t.announced_at,
            link,
            render("site.feed.announce_summary", "zh", id=t.id,
                   time=reading_time(t.planned_at) if t.planned_at else "—",
                   pool=t.pool_total, sample=t.sample_total),
        ))  # fmt: skip
    if t.bundle is not None and t.bundle_time:
        out.append(Entry(
            tag(region, t.drawn_at or t.bundle_time, f"record/{t.record_digest}"),
            render("site.feed.draw", "zh", title=t.title),
            t.bundle_time,
            link,
            render("site.feed.draw_summary", "zh", id=t.id, time=reading_time(t.drawn_at)),
        ))  # fmt: skip
    out.extend(
        Entry(
            tag(region, d.issued_at, f"results/{d.digest}"),
            render("site.feed.results", "zh", title=t.title, seq=d.seq),
            d.issued_at,
            link,
            render(
                "site.feed.results_summary", "zh", id=t.id, count=d.count,
                corrections=d.corrections,
            ),
        )
        for d in t.docs
    )  # fmt: skip
    return out


def entries(data: SiteData, links: dict[str, str]) -> list[Entry]:
    """Every entry of the site, newest first (ties by id)."""
    region = data.bureau.get("region_code", "")
    out = [e for t in data.tasks for e in task_entries(region, t, links[t.id])]
    out.sort(key=lambda e: e.id)
    out.sort(key=lambda e: e.updated, reverse=True)
    return out


def atom(data: SiteData, items: Sequence[Entry]) -> bytes:
    region = data.bureau.get("region_code", "") or "000000"
    name = data.bureau.get("name", "")
    updated = max((e.updated for e in items), default=EMPTY_UPDATED)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"<id>tag:{AUTHORITY},2000-01-01:{escape(region)}/site</id>",
        f"<title>{escape(render('site.feed.title', 'zh', bureau=name))}</title>",
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(name or region)}</name></author>",
        '<link rel="alternate" type="text/html" href="index.html"/>',
    ]
    for e in items:
        lines += [
            "<entry>",
            f"<id>{escape(e.id)}</id>",
            f"<title>{escape(e.title)}</title>",
            f"<updated>{e.updated}</updated>",
            f'<link rel="alternate" type="text/html" href={quoteattr(e.link)}/>',
            f"<summary>{escape(e.summary)}</summary>",
            "</entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")
