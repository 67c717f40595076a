"""``randcheck.core.charts.bar_chart``: well-formed, deterministic, escaped, scalable SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randcheck.core import charts
from randcheck.core.charts import MAX_LABEL, bar_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_well_formed_accessible_and_scalable() -> None:
    svg = bar_chart("按事项抽查数", [("食品经营", 12), ("广告发布", 3)], unit="户")
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 390 ")
    assert root.get("width") is None and root.get("height") is None  # scales to the page
    title = root.find(f"{NS}title")
    assert title is not None and title.text == "按事项抽查数"
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "12户" in texts and "3户" in texts  # numbers next to the bars
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no requests
    fills = {e.get("fill") for e in root.iter() if e.get("fill")}
    assert fills <= {"#000", "#666"}  # black and grey only


def test_bars_are_proportional() -> None:
    root = parse(bar_chart("t", [("a", 10), ("b", 5), ("c", 0)]))
    widths = [int(r.get("width", "-1")) for r in root.iter(f"{NS}rect")]
    assert widths[0] == 2 * widths[1] and widths[2] == 0 and widths[0] > 100


def test_deterministic() -> None:
    rows = [("甲", 3), ("乙", 7)]
    assert bar_chart("x", rows) == bar_chart("x", list(rows))


def test_zero_rows() -> None:
    root = parse(bar_chart("无数据", []))
    assert list(root.iter(f"{NS}rect")) == []
    assert root.find(f"{NS}title") is not None


def test_labels_are_escaped_and_bidi_controls_removed() -> None:
    evil = "<script>alert(1)</script>"
    svg = bar_chart(evil, [(evil, 1), ("\u202eabc\u2066d\u200d", 2), ('a"&b', 3)])
    assert "<script" not in svg
    root = parse(svg)
    assert not any("\u202e" in (t.text or "") or "\u2066" in (t.text or "") for t in root.iter())
    labels = [t.text for t in root.iter(f"{NS}text") if t.get("text-anchor") == "end"]
    assert labels[1] == "abcd"
    assert labels[2] == 'a"&b'  # escaped in the bytes, the same text when parsed


def test_long_labels_are_truncated() -> None:
    long = "市场监督管理局食品经营者监督检查专项抽查"
    root = parse(bar_chart("t", [(long, 1)]))
    (label,) = [t.text for t in root.iter(f"{NS}text") if t.get("text-anchor") == "end"]
    assert label is not None and len(label) == MAX_LABEL and label.endswith("…")


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        bar_chart("t", [("a", -1)])


@given(st.text(max_size=40), st.lists(st.tuples(st.text(max_size=40), st.integers(0, 10**6)),
                                      max_size=12))  # fmt: skip
def test_any_text_gives_well_formed_svg(title: str, rows: list[tuple[str, int]]) -> None:
    root = parse(bar_chart(title, rows))
    assert len(list(root.iter(f"{NS}rect"))) == len(rows)


def test_a_fixed_scale_draws_coverage_against_the_whole_pool() -> None:
    """75 ‰ of a pool is 7.5 % of the full width with ``full=1000``, not a full bar."""
    import re

    def widths(svg: str) -> list[int]:
        return [int(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="(\d+)"', svg)]

    scaled = widths(bar_chart("覆盖率", [("甲", 75), ("乙", 30)], unit="‰", full=1000))
    own = widths(bar_chart("覆盖率", [("甲", 75), ("乙", 30)], unit="‰"))
    assert own[0] > 10 * scaled[0] > 0  # without a scale the largest row fills the width
    span = charts.WIDTH - charts.LABEL_W - charts.NUMBER_W - 8  # a full bar's width
    assert own[0] == span and scaled == [(span * 75 + 500) // 1000, (span * 30 + 500) // 1000]
    # a value above ``full`` still fits (the scale grows, the bar is never cut)
    assert widths(bar_chart("x", [("a", 1500)], full=1000)) == widths(bar_chart("x", [("a", 1)]))
