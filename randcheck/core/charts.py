"""Hand-made SVG bar charts for the public statistics pages.

Hand-made rather than matplotlib (or any chart library) on purpose: the bytes are a pure
function of the input (no font metrics, no renderer version, no timestamps or random ids), so
a page rebuilt anywhere is byte-identical; a chart is a few hundred bytes; and it adds no
dependency.  The site renders the numbers table itself: the chart is an illustration of it.

Rules the output keeps:

* ``role="img"`` with a ``<title>`` as its first child, which names it for screen readers (no
  ``id``: a page holds several charts, and ids must be unique on a page);
* a ``viewBox`` and no fixed pixel size, so it scales to the page (drawn for 390 px wide, a
  phone); no external fonts, images or requests; ``font-family`` is the generic ``sans-serif``;
* black and grey only, and no meaning in colour: every bar has its number written next to it,
  so the chart reads the same printed in black and white;
* labels are text, never markup: escaped with :func:`html.escape`, stripped of control and
  bidirectional formatting characters (and wrapped in ``unicode-bidi: isolate`` besides), and
  cut to a fixed number of characters with an ellipsis (the full text is in the site's table).
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence

WIDTH = 390  # the viewBox width: a phone screen
ROW = 24  # height of one bar row
TOP = 8  # room above the first bar: the page's heading names the chart, its <title> names
# it for screen readers
LABEL_W = 130  # label column
NUMBER_W = 56  # room right of the longest bar for its number
BAR_H = 14
MAX_LABEL = 10  # characters of a label shown (CJK text is about one em per character)
MAX_TITLE = 30


def clean(text: str, limit: int) -> str:
    """``text`` without control or format characters (bidi overrides and isolates, zero-width
    joiners: Unicode category C*), whitespace runs made one space, cut to ``limit`` characters
    with ``…``; not yet escaped."""
    kept = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or not unicodedata.category(ch).startswith("C"))  # fmt: skip
    kept = " ".join(kept.split())
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def bar_chart(
    title: str, rows: Sequence[tuple[str, int]], *, unit: str = "", full: int | None = None
) -> str:
    """A horizontal bar chart of ``rows`` (label, non-negative count) in the given order, as
    one ``<svg>`` element (its title is only the ``<title>`` a screen reader reads: the page
    shows the chart under a heading); zero rows draw an empty frame.  ``full``: the value a
    full-width bar stands for (default: the largest row's), e.g. 1000 for ‰ of a pool, so
    that 75 ‰ is not drawn as a full bar."""
    if any(n < 0 for _label, n in rows):
        raise ValueError("bar_chart draws non-negative counts")
    top = max((n for _label, n in rows), default=0)
    if full is not None:  # a fixed scale (‰ of a pool: 1000), never shorter than the data
        top = max(top, full)
    height = TOP + ROW * max(len(rows), 1) + 8
    span = WIDTH - LABEL_W - NUMBER_W - 8
    head = _text(clean(title, MAX_TITLE))
    suffix = _text(clean(unit, 8))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'font-family="sans-serif" font-size="12">',
        f"<title>{head}</title>",
        f'<line x1="{LABEL_W}" y1="{TOP - 4}" x2="{LABEL_W}" y2="{height - 6}" '
        f'stroke="#000" stroke-width="1"/>',
    ]
    for i, (label, n) in enumerate(rows):
        y = TOP + ROW * i
        w = 0 if top == 0 else (span * n + top // 2) // top  # integer pixels, exact
        mid = y + BAR_H // 2 + 4
        out.append(
            f'<text x="{LABEL_W - 6}" y="{mid}" text-anchor="end" fill="#000" '
            f'style="unicode-bidi:isolate">{_text(clean(label, MAX_LABEL))}</text>'
        )
        out.append(
            f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" fill="#666" '
            f'stroke="#000" stroke-width="0.5"/>'
        )
        out.append(f'<text x="{LABEL_W + w + 4}" y="{mid}" fill="#000">{n}{suffix}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
