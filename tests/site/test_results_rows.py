"""``pages.results_rows`` (the task page's results table, written without a template) gives
exactly what its reference template ``pages.RESULTS_ROWS`` renders."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from randcheck.site import pages

CELLS = st.one_of(
    st.just(""),
    st.sampled_from(["2023年10月1日", "未发现问题", "A&B <公司>", '"引号"', "\u202eevil", "a\nb"]),
    st.text(max_size=12),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], int, list[int]]:
    width = draw(st.integers(min_value=0, max_value=6))
    header = draw(st.lists(st.sampled_from(["名称", "<检查>", "完成日期", "a&b", ""]),
                           min_size=width, max_size=width))  # fmt: skip
    rows = draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=8))
    lead = draw(st.integers(min_value=-1, max_value=max(width - 1, -1)))
    dates = sorted(draw(st.sets(st.integers(min_value=0, max_value=max(width - 1, 0)))))
    return header, rows, lead, dates


@settings(max_examples=150, deadline=None)
@given(table=tables())
def test_results_rows_equal_the_reference_template(
    table: tuple[list[str], list[list[str]], int, list[int]],
) -> None:
    header, rows, lead, dates = table
    reference = pages.environment().from_string(pages.RESULTS_ROWS)
    expected = reference.render(header=header, rows=rows, lead=lead, dates=dates)
    assert str(pages.results_rows(header, rows, lead, dates)) == expected


def test_a_repeated_value_is_escaped_the_same_each_time() -> None:
    rows = [["A&B", ""], ["A&B", "x"]]
    got = str(pages.results_rows(["名称", "结果"], rows, 0, [1]))
    assert got == (
        '<tr><td class="lead"><bdi>A&amp;B</bdi></td><td class="when" data-label="结果">—</td>'
        "</tr>\n"
        '<tr><td class="lead"><bdi>A&amp;B</bdi></td><td class="when" data-label="结果">'
        "<bdi>x</bdi></td></tr>\n"
    )
