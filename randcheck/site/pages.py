"""The site's HTML pages, rendered from ``randcheck/templates/site`` with autoescape.

User-supplied text goes through the bundle pages' ``u`` filter (escaped, made visible, in a
``<bdi>``); times through :func:`reading_time` / :func:`reading_date`; links through ``href``
(percent-encoded, so a folder named ``T%E4…`` is reached as ``T%25E4…``).  Pages at the root
use ``root = ""``, a task page ``"../../"``: every link is relative and the site works from
any folder, web server or ``file://``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markupsafe import Markup, escape

from randcheck import __version__, catalog, templating
from randcheck.bundle import layout
from randcheck.bundle import results as rbundle
from randcheck.bundle.pages import user_text
from randcheck.core.chinatime import reading_date, reading_time
from randcheck.core.results import china_date
from randcheck.core.text import visible
from randcheck.site.data import SiteData, TaskInfo
from randcheck.site.entities import Counts
from randcheck.site.history import USER_PARAMS, History, Line

if TYPE_CHECKING:
    import jinja2

LANG = "zh"  # the site is rendered in Chinese; its words are catalog entries (site.*)
NAV = ("index.html", "items.html", "inspectors.html", "entities.html", "plans.html",
       "stats.html", "feed.xml")  # fmt: skip
MODES = ("directed", "undirected")
SCOPES = ("region", "subject_type", "industry", "tags")
LATEST = 10  # draws and results publications on the home page


def task_dir(t: TaskInfo) -> str:
    return f"tasks/{t.folder}"


def task_link(t: TaskInfo) -> str:
    return f"{task_dir(t)}/index.html"


def bundle_link(t: TaskInfo) -> str:
    return f"{task_dir(t)}/bundle/{layout.INDEX}"


def zip_name(t: TaskInfo) -> str:
    return f"{task_dir(t)}/{t.folder}.zip"


def notice_name(t: TaskInfo) -> str:
    return f"{task_dir(t)}/{layout.NOTICE}"


def href(path: str) -> str:
    """A relative file path as a URL path (``%`` and other bytes percent-encoded)."""
    return quote(path, safe="/.")


@cache
def environment() -> jinja2.Environment:
    return templating.environment({"u": user_text, "href": href})


def render(template: str, root: str, current: str, bureau: Mapping[str, str], **ctx: Any) -> bytes:
    page = (
        environment()
        .get_template(f"site/{template}")
        .render(
            root=root,
            current=current,
            nav=[(page, word(f"site.nav.{page.split('.')[0]}")) for page in NAV],
            bureau=bureau,
            tool=f"randcheck {__version__}",
            **ctx,
        )
    )
    return page.encode("utf-8")


def word(key: str, **params: Any) -> str:
    """A catalog entry in the site's language."""
    return catalog.render(key, LANG, **params)


def _status(status: str) -> str:
    key = f"task.status.{status}"  # the words the CLI uses too
    return word(key) if key in catalog.MESSAGES else visible(status)


def _mode(mode: str) -> str:
    return word(f"site.mode.{mode}") if mode in MODES else visible(mode)


def _scope(name: str) -> str:
    return word(f"site.scope.{name}") if name in SCOPES else visible(name)


def _rule_text(rule: Mapping[str, Any]) -> str:
    if rule.get("count") is not None:
        return word("site.rule.count", count=rule["count"])
    if rule.get("ratio"):
        return word("site.rule.ratio", ratio=visible(str(rule["ratio"])))
    return "—"


def _task_summary(t: TaskInfo, root: str = "") -> dict[str, Any]:
    return {
        "id": t.id,
        "title": t.title,
        "link": root + task_link(t),
        "status": _status(t.status),
        "planned": reading_time(t.planned_at) if t.planned_at else "",
        "announced": reading_time(t.announced_at) if t.announced_at else "",
        "drawn": reading_time(t.drawn_at) if t.drawn_at else "",
        "items": t.items,
        "departments": t.departments,
        "mode": _mode(t.mode),
        "scope": [(_scope(k), v) for k, v in t.scope],
        "strata": t.strata,
        "rules": [{"id": r["id"], "text": _rule_text(r)} for r in t.rules],
        "sample": t.sample_total,
        "published": t.bundle is not None,
        "stale": t.bundle_stale,  # the bundle in publish/ is not the current record's
        "bundle": root + bundle_link(t),
    }


def index_page(data: SiteData, as_of: date, overdue: Sequence[Mapping[str, Any]]) -> bytes:
    day = as_of.isoformat()
    planned = [t for t in data.tasks if not t.drawn_at and t.planned_at]  # planned_at order
    upcoming = [_task_summary(t) for t in planned if china_date(t.planned_at) >= day]
    #: planned before ``as_of`` and still not drawn: listed, never silently dropped
    missed = [_task_summary(t) for t in planned if china_date(t.planned_at) < day]
    drawn = sorted((t for t in data.tasks if t.drawn_at), key=lambda t: t.id.encode())
    drawn.sort(key=lambda t: t.drawn_at, reverse=True)
    docs = [(d, t) for t in data.tasks for d in t.docs]
    docs.sort(key=lambda dt: (dt[1].id.encode(), dt[0].seq))
    docs.sort(key=lambda dt: dt[0].issued_at, reverse=True)
    results = [
        {"issued": reading_time(d.issued_at), "title": t.title, "link": task_link(t),
         "seq": d.seq, "count": d.count}
        for d, t in docs[:LATEST]
    ]  # fmt: skip
    return render(
        "index.html.j2",
        "",
        "index.html",
        data.bureau,
        as_of=reading_date(as_of),
        upcoming=upcoming,
        missed=missed,
        draws=[_task_summary(t) for t in drawn[:LATEST]],
        results=results,
        overdue=overdue,
    )


def history_line(line: Line) -> tuple[str, Markup]:
    """A history line as (reading time, sentence): the catalog sentence, escaped, with the
    user-supplied parameters (the imported file's name) isolated in a ``<bdi>``."""
    template = Markup(escape(catalog.MESSAGES[line.key][LANG]))
    params = {k: user_text(v) if k in USER_PARAMS else v for k, v in line.params.items()}
    return line.when, template.format(**params)


def items_page(data: SiteData, hist: History) -> bytes:
    def rows(items: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
        return [{**it, "history": [history_line(x) for x in hist.per_item.get(it["code"], [])]}
                for it in items]  # fmt: skip

    return render("items.html.j2", "", "items.html", data.bureau, items=rows(data.items),
                  withdrawn=rows(data.withdrawn),
                  whole=[history_line(x) for x in hist.whole])  # fmt: skip


def inspectors_page(data: SiteData) -> bytes:
    rows = [{**p, "valid": reading_date(p["cert_valid_until"]) if p["cert_valid_until"] else "—"}
            for p in data.inspectors]  # fmt: skip
    return render("inspectors.html.j2", "", "inspectors.html", data.bureau, inspectors=rows)


def entities_page(
    data: SiteData, counts: Counts, directory: Sequence[tuple[str, str, str]]
) -> bytes:
    return render("entities.html.j2", "", "entities.html", data.bureau, counts=counts,
                  directory=directory)  # fmt: skip


def directory_page(
    data: SiteData, page: int, pages: int, rows: Sequence[tuple[str, str, str, str]]
) -> bytes:
    return render(
        "directory.html.j2",
        "../",
        "entities.html",
        data.bureau,
        page=page,
        pages=pages,
        prev=f"{page - 1:05d}.html",
        next=f"{page + 1:05d}.html",
        rows=rows,
    )


def plans_page(data: SiteData) -> bytes:
    years: dict[int, list[dict[str, Any]]] = {}
    for t in data.tasks:
        years.setdefault(t.year, []).append(_task_summary(t))
    ordered = [{"year": y, "tasks": years[y]} for y in sorted(years, reverse=True)]
    return render("plans.html.j2", "", "plans.html", data.bureau, years=ordered)


def _size(n: int) -> str:
    if n < 1024:
        return word("site.size.bytes", n=n)
    if n < 1024 * 1024:
        return word("site.size.kb", n=f"{(n * 10 // 1024) / 10:.1f}")
    return word("site.size.mb", n=f"{(n * 10 // (1024 * 1024)) / 10:.1f}")


#: the results table's columns shown as people read a date (the bundle's CSV keeps ISO dates)
DATE_COLUMNS = (rbundle.TITLES["completed_on"], rbundle.TITLES["published_on"])


def _results_table(
    table: Sequence[Sequence[str]],
) -> tuple[list[str], list[list[str]], int, list[int]]:
    """The header, the rows with their dates made readable, the index of the column that
    heads a row's card on a phone (the entity's name; -1 if absent), and the date columns."""
    if not table:
        return [], [], -1, []
    header = list(table[0])
    dates = {i for i, h in enumerate(header) if h in DATE_COLUMNS}
    rows = [[reading_date(c) if i in dates and c else c for i, c in enumerate(row)]
            for row in table[1:]]  # fmt: skip
    name = rbundle.TITLES["name"]
    return header, rows, header.index(name) if name in header else -1, sorted(dates)


#: the rows of a task page's results table as a template writes them: the reference of
#: :func:`results_rows`, which writes the same text without a template (10,000 rows a year)
RESULTS_ROWS = (
    "{% for row in rows %}<tr>{% for cell in row %}<td{% if loop.index0 == lead %}"
    ' class="lead"{% else %}{% if loop.index0 in dates %} class="when"{% endif %}'
    ' data-label="{{ header[loop.index0] }}"{% endif %}>{{ cell|u if cell else "—" }}</td>'
    "{% endfor %}</tr>\n{% endfor %}"
)


def results_rows(
    header: Sequence[str], rows: Sequence[Sequence[str]], lead: int, dates: Sequence[int]
) -> Markup:
    """The ``<tr>`` rows of the results table (each cell user text in a ``<bdi>``, labelled
    with its column for the phone layout, the lead column marked), as :data:`RESULTS_ROWS`
    renders them; a value repeated down a column is escaped once."""
    opens = [
        Markup('<td class="lead">') if i == lead
        else Markup('<td{}{}>').format(
            Markup(' class="when"') if i in dates else "", Markup(' data-label="{}"').format(h)
        )
        for i, h in enumerate(header)
    ]  # fmt: skip
    shown: dict[str, str] = {"": "—"}
    out = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            text = shown.get(cell)
            if text is None:
                text = shown[cell] = user_text(cell)
            cells.append(f"{opens[i]}{text}</td>")
        out.append(f"<tr>{''.join(cells)}</tr>\n")
    return Markup("".join(out))  # every piece escaped above


def task_page(data: SiteData, t: TaskInfo, zip_size: int | None, code: str) -> bytes:
    """``tasks/<folder>/index.html``; links are relative to that folder."""
    ctx = _task_summary(t, "")
    header, rows, lead, dates = _results_table(t.results)
    ctx.update(
        notice=layout.NOTICE if t.notice is not None else "",
        bundle=f"bundle/{layout.INDEX}" if t.bundle is not None else "",
        zip=f"{t.folder}.zip",
        zip_size=_size(zip_size or 0),
        code=code,
        docs=[
            {
                "seq": d.seq,
                "issued": reading_time(d.issued_at),
                "count": d.count,
                "corrections": d.corrections,
            }
            for d in t.docs
        ],
        results_header=header,
        results=rows,
        results_rows=results_rows(header, rows, lead, dates),
    )
    return render("task.html.j2", "../../", "plans.html", data.bureau, t=ctx)


def stats_page(data: SiteData, stats: Mapping[str, Any] | None) -> bytes:
    return render("stats.html.j2", "", "stats.html", data.bureau, stats=stats)
