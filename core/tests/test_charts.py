"""core.charts: axes that hold every value in round steps, and bars that stay inside the
viewBox in proportion to their values, whatever the numbers."""

import math

from hypothesis import given
from hypothesis import strategies as st

from core.charts import GRID_LINES, Series, horizontal_bars, nice_ceiling, stacked_columns

SERIES = [Series("a", "A"), Series("b", "B")]


@given(st.integers(min_value=0, max_value=10**7))
def test_the_axis_top_holds_the_value_in_round_steps(value):
    top, step = nice_ceiling(value)
    assert top >= value
    assert top == step * GRID_LINES
    magnitude = 10 ** math.floor(math.log10(step))
    assert step // magnitude in (1, 2, 5) and step % magnitude == 0
    assert top < max(value, GRID_LINES) * 2.5 + GRID_LINES  # never far above the data


def _inside(chart):
    for rect in chart.rects:
        assert rect.x >= 0 and rect.x + rect.width <= chart.width + 0.01
        assert rect.y >= 0 and rect.y + rect.height <= chart.height + 0.01
        assert rect.width > 0 and rect.height > 0


@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 5000)), min_size=1, max_size=60))
def test_stacked_columns_are_inside_and_proportional(stacks):
    chart = stacked_columns(
        chart_id="c", title="T", stacks=stacks, series=SERIES, tick_labels=["x"] * len(stacks)
    )
    _inside(chart)
    heights = {}
    for rect in chart.rects:
        heights.setdefault(rect.x, []).append(rect.height)
    top, _ = nice_ceiling(max(sum(s) for s in stacks))
    plot_height = chart.grid[0].y - chart.grid[-1].y
    drawn = sorted(sum(h) for h in heights.values())
    expected = sorted(sum(s) * plot_height / top for s in stacks if sum(s))
    assert all(abs(a - b) < 0.05 for a, b in zip(drawn, expected, strict=True))
    assert len(chart.labels) == len(stacks)


def test_an_empty_column_chart_still_has_an_axis():
    chart = stacked_columns(
        chart_id="c", title="T", stacks=[(0, 0)] * 3, series=SERIES, tick_labels=[]
    )
    assert chart.rects == []
    assert [line.label.text for line in chart.grid] == ["0", "1", "2", "3", "4"]


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=12))
def test_horizontal_bars_inside_longest_for_the_largest(values):
    rows = [(f"Rad {i}", v, str(v)) for i, v in enumerate(values)]
    chart = horizontal_bars(chart_id="h", title="T", rows=rows)
    _inside(chart)
    drawn = [v for v in values if v]
    assert len(chart.rects) == len(drawn)
    if drawn:
        widest = max(r.width for r in chart.rects)
        for rect, value in zip(chart.rects, drawn, strict=True):
            # in proportion, but a tiny share is still one unit wide
            assert abs(rect.width / widest - value / max(drawn)) < 0.01 + 1 / widest
    assert chart.height == 8 + 24 * len(values)
