"""Bar charts drawn on the server as SVG (docs/adr/0013-overview-charts.md).

It turns numbers into the coordinates of bars, grid lines and labels in a fixed viewBox, and
`chart_svg` writes them as SVG (escaped by format_html; numbers written by Python, never
localized, as "12,5" would break a coordinate). The browser scales the viewBox
to the width it has (a phone's 375 px or a laptop's), so nothing is measured in the browser and
no script runs. Colours come from the stylesheet by class (the CSP allows no inline style);
geometry is in SVG presentation attributes, which the CSP does not touch.

Every chart is shown with a data table of the same numbers, its text alternative: the SVG is
one image (role="img") named by its <title> and described by the table's caption.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

FONT_SIZE = 12
GRID_LINES = 4


def nice_ceiling(value: int, *, lines: int = GRID_LINES) -> tuple[int, int]:
    """(top, step): the axis top at or above `value`, in `lines` equal steps of 1, 2 or 5 times
    a power of ten; at least (lines, 1), so an empty chart still has an axis."""
    if value <= lines:
        return lines, 1
    raw = value / lines
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    step = int(step)
    return step * lines, step


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str  # the series' class: its colour, from the stylesheet


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"  # SVG text-anchor


@dataclass(frozen=True)
class GridLine:
    y: float
    label: Label


@dataclass(frozen=True)
class Series:
    key: str  # its class suffix: chart__bar--<key>
    label: str


@dataclass
class Chart:
    """What templates/charts/_chart.html draws: the viewBox, bars, grid lines and labels."""

    id: str
    title: str
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    grid: list[GridLine] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    baseline: tuple[float, float, float] = (0, 0, 0)  # x1, x2, y of the axis line
    font_size: int = FONT_SIZE

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _r(value: float) -> float:
    return round(value, 2)


def stacked_columns(
    *,
    chart_id: str,  # the SVG element's id, and its title's id prefix
    title: str,
    stacks: Sequence[Sequence[int]],
    series: Sequence[Series],
    tick_labels: Sequence[str],
    width: int = 400,
    height: int = 200,
) -> Chart:
    """One column per entry of `stacks`, each the sum of its parts stacked bottom up in the
    order of `series`; `tick_labels[i]` under column i where it is not empty."""
    # Room for the axis numbers on the left and half a date under the last column.
    left, right, top, bottom = 32, 18, 8, 22
    plot_width, plot_height = width - left - right, height - top - bottom
    axis_top, step = nice_ceiling(max((sum(s) for s in stacks), default=0))
    scale = plot_height / axis_top
    base = top + plot_height
    chart = Chart(id=chart_id, title=title, width=width, height=height, series=list(series))
    chart.baseline = (left, width - right, base)
    for i in range(GRID_LINES + 1):
        value = step * i
        y = _r(base - value * scale)
        chart.grid.append(GridLine(y, Label(left - 4, y + FONT_SIZE / 3, str(value), "end")))
    slot = plot_width / max(len(stacks), 1)
    bar = slot * 0.72
    for i, parts in enumerate(stacks):
        x = left + i * slot + (slot - bar) / 2
        y = base
        for part, one in zip(parts, series, strict=True):
            if part:
                h = part * scale
                y -= h
                chart.rects.append(Rect(_r(x), _r(y), _r(bar), _r(h), one.key))
        if i < len(tick_labels) and tick_labels[i]:
            chart.labels.append(Label(_r(x + bar / 2), base + FONT_SIZE + 4, tick_labels[i]))
    return chart


def horizontal_bars(
    *,
    chart_id: str,  # the SVG element's id, and its title's id prefix
    title: str,
    rows: Sequence[tuple[str, int, str]],
    width: int = 360,
    label_width: int = 138,
    value_width: int = 78,
    row_height: int = 24,
) -> Chart:
    """One bar per row of (label, value, value text): the label on the left, the bar, and the
    value text after the bar's full length (so that it never overlaps a long bar)."""
    top = 4
    height = top * 2 + row_height * len(rows)
    bar_left = label_width + 6
    bar_space = width - bar_left - value_width
    largest = max((value for _, value, _ in rows), default=0)
    chart = Chart(id=chart_id, title=title, width=width, height=height)
    chart.baseline = (bar_left, bar_left, 0)
    for i, (label, value, value_text) in enumerate(rows):
        y = top + i * row_height
        middle = y + row_height / 2 + FONT_SIZE / 3
        chart.labels.append(Label(label_width, _r(middle), label, "end"))
        if value and largest:
            length = max(bar_space * value / largest, 1)  # a count of one is still seen
            chart.rects.append(Rect(bar_left, y + 4, _r(length), row_height - 8, "value"))
        chart.labels.append(Label(width - 4, _r(middle), value_text, "end"))
    chart.baseline = (bar_left, bar_left, height)
    return chart


def _text(label: Label, font_size: int) -> SafeString:
    return format_html(
        '<text class="chart__text" x="{}" y="{}" text-anchor="{}" font-size="{}">{}</text>',
        label.x,
        label.y,
        label.anchor,
        font_size,
        label.text,
    )


def chart_svg(chart: Chart, *, described_by: str) -> SafeString:
    """The chart as inline SVG: one image (role="img") named by its <title> and described by
    the element `described_by` (its data table's caption). Colours by class from the
    stylesheet: the CSP allows no inline style."""
    x1, x2, base = chart.baseline
    grid = format_html_join(
        "",
        '<line class="chart__grid" x1="{}" x2="{}" y1="{}" y2="{}" stroke-width="1"/>{}',
        ((x1, x2, g.y, g.y, _text(g.label, chart.font_size)) for g in chart.grid),
    )
    rects = format_html_join(
        "",
        '<rect class="chart__bar chart__bar--{}" x="{}" y="{}" width="{}" height="{}"/>',
        ((r.css, r.x, r.y, r.width, r.height) for r in chart.rects),
    )
    labels = SafeString("".join(_text(label, chart.font_size) for label in chart.labels))
    # The axis: along the bottom of a column chart, down the left of a bar chart.
    axis = format_html(
        '<line class="chart__axis" x1="{}" x2="{}" y1="{}" y2="{}" stroke-width="1"/>',
        x1,
        x2,
        base if chart.grid else 0,
        base,
    )
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="{}" '
        'preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{}-title" '
        'aria-describedby="{}" focusable="false"><title id="{}-title">{}</title>'
        "{}{}{}{}</svg>",
        chart.view_box,
        chart.id,
        described_by,
        chart.id,
        chart.title,
        grid,
        rects,
        labels,
        axis,
    )
