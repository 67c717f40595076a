"""The statistics page's context, from ``randcheck.services.stats.compute(...).to_json()``.

One function, :func:`context`, so that the site does not depend on how the figures are
computed: it takes the documented JSON shape (numbers as ints or decimal strings) and returns
what ``site/stats.html.j2`` shows.  Every chart has its numbers in a table too (for screen
readers and print); ``chart`` draws one (``randcheck.core.charts.bar_chart(title, rows,
unit)`` returns inline SVG) and may be None, in which case the tables stand alone.

The coverage charts plot coverage, not counts: each bar is the drawn count per thousand of
the pool (an int, rounded half up, unit ‰), so a small department that was fully covered
does not look smaller than a large one barely touched.  The repeated-inspections list says
the rule it applies: the annual cap when one is set, else "inspected more than once".

The overdue list names the task, item and deadline, not the entity: a result that is late
is the office's fault, and the draw it belongs to may not be published yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from randcheck.catalog import render
from randcheck.core.chinatime import reading_date

Chart = Callable[..., str]

COVERAGE_KINDS = ("items", "departments", "strata")
WORKLOAD_SUMMARY = ("count", "mean", "max", "min", "spread", "balance")
PUBLICATION_SUMMARY = ("on_time", "late", "overdue", "pending", "unknown", "rate")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _svg(
    chart: Chart | None,
    title: str,
    rows: Sequence[tuple[str, Any]],
    unit: str = "",
    full: int | None = None,
) -> Markup:
    """The chart of ``rows``; ``full``: the value a full-width bar stands for (default: the
    largest row's)."""
    if chart is None or not rows:
        return Markup("")
    return Markup(chart(title, list(rows), unit=unit, full=full))


def _row(row: Mapping[str, Any], fields: Sequence[str]) -> dict[str, str]:
    """``fields`` of a figures row as text ("" for a missing or null value)."""
    return {f: _text(row.get(f)) for f in fields}


def _number(value: Any) -> int | str:
    """A figure as the chart takes it: ints stay ints, decimal strings stay strings."""
    return value if isinstance(value, int) else _text(value)


def per_mille(drawn: Any, pool: Any) -> int:
    """``drawn`` per thousand of ``pool``, rounded half up (0 when the pool is empty)."""
    d, p = _int(drawn), _int(pool)
    if p <= 0 or d < 0:
        return 0
    return (2 * 1000 * d + p) // (2 * p)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() else 0


def _cap(value: Any) -> int | None:
    """The cap of the documented shape (an int, or null when none is set)."""
    text = _text(value)
    return _int(value) if text.isascii() and text.isdigit() else None


def context(stats: Mapping[str, Any], chart: Chart | None = None) -> dict[str, Any]:
    """The stats page's context from a ``Stats.to_json()`` dict."""
    coverage = []
    cov = stats.get("coverage") or {}
    for kind in COVERAGE_KINDS:
        rows = [_row(r, ("key", "label", "drawn", "pool", "ratio")) for r in cov.get(kind) or []]
        title = render(f"site.stats.coverage.{kind}", "zh")
        bars = [(r["label"] or r["key"], per_mille(x.get("drawn"), x.get("pool")))
                for r, x in zip(rows, cov.get(kind) or [], strict=True)]  # fmt: skip
        unit = render("site.stats.unit.per_mille", "zh")
        coverage.append({"kind": kind, "title": title, "rows": rows,
                         "chart": _svg(chart, title, bars, unit, full=1000)})  # fmt: skip
    work = stats.get("workload") or {}
    inspectors = [_row(r, ("badge_no", "name", "department", "targets", "tasks"))
                  for r in work.get("inspectors") or []]  # fmt: skip
    work_title = render("site.stats.workload", "zh")
    workload = {
        "title": work_title,
        "rows": inspectors,
        "summary": [
            (render(f"site.stats.workload.{k}", "zh"), _text(work.get(k))) for k in WORKLOAD_SUMMARY
        ],
        "chart": _svg(
            chart,
            work_title,
            [
                (r["name"] or r["badge_no"], _number(x.get("targets")))
                for r, x in zip(inspectors, work.get("inspectors") or [], strict=True)
            ],
            render("site.stats.unit.entities", "zh"),
        ),
    }
    terms_rows = [{"term": _text(r.get("term")), "count": _text(r.get("count"))}
                  for r in stats.get("terms") or []]  # fmt: skip
    terms_title = render("site.stats.terms", "zh")
    terms = {
        "title": terms_title,
        "rows": terms_rows,
        "chart": _svg(chart, terms_title,
                      [(r["term"], _number(x.get("count")))
                       for r, x in zip(terms_rows, stats.get("terms") or [], strict=True)],
                      render("site.stats.unit.results", "zh")),
    }  # fmt: skip
    pub = stats.get("publication") or {}
    publication = {
        "title": render("site.stats.publication", "zh"),
        "summary": [
            (render(f"site.stats.publication.{k}", "zh"), _text(pub.get(k)))
            for k in PUBLICATION_SUMMARY
        ],
        "overdue": [
            {
                "task": _text(r.get("task")),
                "item": _text(r.get("item")),
                "deadline": reading_date(_text(r.get("deadline"))),
                "days": _text(r.get("days")),
            }
            for r in pub.get("overdue_list") or []
        ],
    }
    repeated = [
        {
            **_row(r, ("code", "name", "count", "random", "non_random")),
            "departments": "、".join(_text(d) for d in r.get("departments") or [])
            if isinstance(r.get("departments"), list)
            else _text(r.get("departments")),
        }
        for r in stats.get("repeated") or []
    ]
    cap = _cap(stats.get("cap"))
    if cap is None:
        rule = render("site.stats.repeated.no_cap", "zh")
        none = render("site.stats.repeated.none_no_cap", "zh")
    else:
        rule = render("site.stats.repeated.cap", "zh", cap=cap)
        none = render("site.stats.repeated.none_cap", "zh", cap=cap)
    return {
        "year": _text(stats.get("year")),
        "as_of": reading_date(_text(stats.get("as_of"))),
        "cap": "" if cap is None else str(cap),
        "repeated_rule": rule,
        "repeated_none": none,
        "coverage_note": render("site.stats.coverage.note", "zh"),
        "coverage": coverage,
        "workload": workload,
        "terms": terms,
        "publication": publication,
        "repeated": repeated,
    }
