"""PriceChart: closes and moving averages drawn with braille dots; render is a pure function.

Each terminal cell holds a 2×4 braille dot matrix, so a chart W cells wide shows 2·W sessions.
The series arrive computed (`tui.app.stock_data.ChartSeries`, built in a worker); the widget only
maps values to dots for its current size and theme colours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget

from tui.app.stock_data import ChartSeries

BRAILLE = 0x2800
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""DOTS[row][column]: the bit of one dot in a braille cell (4 rows × 2 columns)."""

AXIS_WIDTH = 10
"""Columns right of the plot for the price labels."""

LINE_COLOURS = {"Close": "foreground", "EMA 20": "accent", "SMA 50": "warning",
                "SMA 200": "primary"}  # fmt: skip
"""Series label → theme variable of its colour (drawn in reverse, so Close lies on top)."""


def price_label(value: float) -> str:
    """A price at a precision that suits its size."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}"


def sample(count: int, slots: int) -> list[int]:
    """Indices of at most `slots` points spread evenly over `count`, always keeping the last."""
    if count <= slots:
        return list(range(count))
    step = (count - 1) / (slots - 1)
    return [round(i * step) for i in range(slots)]


def plot(series: ChartSeries, width: int, height: int, colours: dict[str, str]) -> list[Text]:
    """The chart as `height` lines of `width` cells: legend, plot with price axis, dates.

    Args:
        series: the values to draw (sampled evenly when there are more than dots across).
        width: cells across.
        height: lines down (at least 4 draws anything).
        colours: series label → Rich colour.
    """
    plot_w, plot_h = width - AXIS_WIDTH, height - 2
    if plot_w < 4 or plot_h < 2 or not series.dates:
        return [Text("chart needs more room" if series.dates else "no prices", style="dim")]
    picks = sample(len(series.dates), plot_w * 2)
    n = len(picks)
    lines = {label: [values[i] for i in picks] for label, values in series.lines.items()}
    finite = [v for values in lines.values() for v in values if math.isfinite(v)]
    if not finite:
        return [Text("no prices", style="dim")]
    lo, hi = min(finite), max(finite)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    cells = [[0] * plot_w for _ in range(plot_h)]
    owner: list[list[str | None]] = [[None] * plot_w for _ in range(plot_h)]
    dots_y = plot_h * 4 - 1
    for label in reversed(list(lines)):
        ys = [
            None if not math.isfinite(v) else round((hi - v) / (hi - lo) * dots_y)
            for v in lines[label]
        ]
        _draw(ys, n, plot_w, cells, owner, label)
    legend = _legend(lines, colours, with_values=True)
    out = [legend if legend.cell_len <= width else _legend(lines, colours, with_values=False)]
    labels = {
        0: price_label(hi),
        plot_h // 2: price_label((hi + lo) / 2),
        plot_h - 1: price_label(lo),
    }
    for row in range(plot_h):
        text = Text()
        for col in range(plot_w):
            bits = cells[row][col]
            who = owner[row][col]
            text.append(chr(BRAILLE + bits) if bits else " ", style=colours.get(who or "", ""))
        axis = labels.get(row)
        text.append(f" ┤{axis}" if axis else " │", style="dim")
        out.append(text)
    out.append(_dates([series.dates[i] for i in picks], plot_w))
    for line in out:
        line.truncate(width)
    return out


def _draw(
    ys: Sequence[int | None],
    n: int,
    plot_w: int,
    cells: list[list[int]],
    owner: list[list[str | None]],
    label: str,
) -> None:
    """Set the dots of one series, joining consecutive points with a vertical run."""
    x_offset = plot_w * 2 - n  # right-align: the as-of session is the last column
    previous: int | None = None
    for i, y in enumerate(ys):
        if y is None:
            previous = None
            continue
        x = x_offset + i
        top, bottom = (y, y) if previous is None else (min(y, previous), max(y, previous))
        for dot_y in range(top, bottom + 1):
            row, col = dot_y // 4, x // 2
            cells[row][col] |= DOTS[dot_y % 4][x % 2]
            owner[row][col] = label
        previous = y


def _legend(
    lines: Mapping[str, Sequence[float]], colours: dict[str, str], *, with_values: bool
) -> Text:
    text = Text()
    for label, values in lines.items():
        last = next((v for v in reversed(values) if math.isfinite(v)), None)
        if text:
            text.append("  ")
        text.append("━ ", style=colours.get(label, ""))
        text.append(label, style="bold" if label == "Close" else "")
        if with_values and last is not None:
            text.append(f" {price_label(last)}", style="dim")
    return text


def _dates(dates: Sequence[object], plot_w: int) -> Text:
    """First, middle and last dates under the plot."""
    first, last = dates[0], dates[-1]
    left = f"{first:%d %b %Y}"
    right = f"{last:%d %b %Y}"
    middle = f"{dates[len(dates) // 2]:%d %b %Y}"
    row = [" "] * plot_w
    for start, text in ((0, left), (plot_w - len(right), right),
                        ((plot_w - len(middle)) // 2, middle)):  # fmt: skip
        if start >= 0 and all(c == " " for c in row[max(0, start - 1) : start + len(text) + 1]):
            row[start : start + len(text)] = list(text)
    return Text("".join(row), style="dim")


class PriceChart(Widget):
    """A price chart of closes and moving averages, sized to the widget."""

    DEFAULT_CSS = """
    PriceChart {
        height: 16;
    }
    """

    def __init__(self, series: ChartSeries, *, id: str | None = None) -> None:
        """Hold the series to draw.

        Args:
            series: computed closes and averages.
            id: the widget id.
        """
        super().__init__(id=id)
        self.series = series

    def render(self) -> RenderableType:
        """The chart for the current size and theme."""
        variables = self.app.theme_variables
        colours = {label: variables.get(name, "") for label, name in LINE_COLOURS.items()}
        width, height = self.content_size
        return Text("\n").join(plot(self.series, width, height, colours))
