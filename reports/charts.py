"""Small charts drawn on the server as SVG: no script, no chart library, nothing fetched.

Each chart is an ``<svg role="img">`` named by its ``<title>`` (and described by its
``<desc>``), so a screen reader announces what it shows; the page puts a table with the
same numbers beside every chart, which is where the numbers are read. Series differ by
colour (a palette that colour-blind readers can tell apart) and, for lines, by dash and
marker too, so no series is told only by its colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from common.numbers import round_half_up

# Okabe–Ito: distinguishable with the common colour-vision deficiencies, and dark enough
# against white for the 3:1 contrast WCAG asks of graphics.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9")
DASHES = ("none", "6 4", "2 3", "8 3 2 3")
MARKERS = ("circle", "square", "diamond")

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 48
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 44
LEGEND_HEIGHT = 22


@dataclass(frozen=True)
class Series:
    name: str
    # One value per label; None leaves a gap (no bar, no point).
    values: Sequence[float | None]


def nice_step(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value``: a round step between gridlines."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{round_half_up(value * 100)}%"
    return f"{value:,.0f}".replace(",", "\u202f") if value == int(value) else f"{value:.1f}"


def _frame(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_max: float | None,
    percent: bool,
    body,
    reference: float | None = None,
    reference_label: str = "",
) -> SafeString:
    legend = len(series) > 1
    top = MARGIN_TOP + (LEGEND_HEIGHT if legend else 0)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - top - MARGIN_BOTTOM
    highest = max((v for s in series for v in s.values if v is not None), default=0)
    # Counts get whole-number gridlines: four steps of a round size above the highest value.
    top_value = y_max if y_max is not None else 4 * max(nice_step(highest / 4), 1)

    def y(value: float) -> float:
        return round(top + plot_h - (value / top_value) * plot_h if top_value else top + plot_h, 1)

    parts: list[str] = []
    # Four gridlines with their values on the left.
    for k in range(5):
        value = top_value * k / 4
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
                MARGIN_LEFT,
                WIDTH - MARGIN_RIGHT,
                y(value),
                y(value),
                MARGIN_LEFT - 6,
                round(y(value) + 4, 1),
                _number(value, percent),
            )
        )
    slot = plot_w / max(len(labels), 1)
    # Labels thinned out so they never overlap, guessing about 7 pixels a character.
    widest = max((len(label) for label in labels), default=0) * 7 + 8
    every = max(1, math.ceil(widest / slot))
    for i, label in enumerate(labels):
        if i % every:
            continue
        parts.append(
            format_html(
                '<text class="label" x="{}" y="{}" text-anchor="middle">{}</text>',
                round(MARGIN_LEFT + slot * (i + 0.5), 1),
                top + plot_h + 18,
                label,
            )
        )
    parts.append(body(y=y, slot=slot, top=top, plot_h=plot_h))
    if reference is not None:
        # A line across the plot at a value the bars are read against (a target's 100 %),
        # drawn over the bars and named at its right end.
        parts.append(
            format_html(
                '<g class="reference"><line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#1b1b1b" '
                'stroke-width="2" stroke-dasharray="8 4"/>'
                '<text x="{}" y="{}" text-anchor="end">{}</text></g>',
                MARGIN_LEFT,
                WIDTH - MARGIN_RIGHT,
                y(reference),
                y(reference),
                WIDTH - MARGIN_RIGHT,
                round(y(reference) - 5, 1),
                reference_label,
            )
        )
    parts.append(
        format_html(
            '<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            MARGIN_LEFT,
            WIDTH - MARGIN_RIGHT,
            top + plot_h,
            top + plot_h,
        )
    )
    if legend:
        x = MARGIN_LEFT
        for n, s in enumerate(series):
            parts.append(
                format_html(
                    '<g class="legend"><line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" '
                    'stroke-width="3" stroke-dasharray="{}"/>'
                    '<text x="{}" y="{}">{}</text></g>',
                    x,
                    x + 24,
                    MARGIN_TOP + 6,
                    MARGIN_TOP + 6,
                    COLOURS[n % len(COLOURS)],
                    DASHES[n % len(DASHES)],
                    x + 30,
                    MARGIN_TOP + 10,
                    s.name,
                )
            )
            x += 40 + 8 * len(s.name)
    return format_html(
        '<svg class="chart" id="{id}" role="img" viewBox="0 0 {w} {h}" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{parts}</svg>",
        id=chart_id,
        w=WIDTH,
        h=HEIGHT,
        title=title,
        desc=description,
        parts=mark_safe("".join(parts)),  # noqa: S308 - every part went through format_html
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_max: float | None = None,
    percent: bool = False,
    reference: float | None = None,
    reference_label: str = "",
) -> SafeString:
    """Bars per label, side by side when there is more than one series; ``reference`` draws
    a labelled line across at that value (the funder chart's 100 %)."""

    def body(*, y, slot, top, plot_h):
        group = slot * 0.7
        width = group / max(len(series), 1)
        bars = []
        for n, s in enumerate(series):
            for i, value in enumerate(s.values):
                if value is None:
                    continue
                x = MARGIN_LEFT + slot * i + (slot - group) / 2 + width * n
                bars.append(
                    (
                        f"{x:.1f}",
                        f"{y(value):.1f}",
                        f"{max(width - 1, 1):.1f}",
                        f"{top + plot_h - y(value):.1f}",
                        COLOURS[n % len(COLOURS)],
                        f"{labels[i]} – {s.name}: {_number(value, percent)}",
                    )
                )
        return format_html_join(
            "",
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}">'
            "<title>{}</title></rect>",
            bars,
        )

    return _frame(
        chart_id=chart_id,
        title=title,
        description=description,
        labels=labels,
        series=series,
        y_max=y_max,
        percent=percent,
        body=body,
        reference=reference,
        reference_label=reference_label,
    )


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_max: float | None = None,
    percent: bool = False,
) -> SafeString:
    """A line per series through its points; a missing value breaks the line."""

    def body(*, y, slot, top, plot_h):
        out = []
        for n, s in enumerate(series):
            colour = COLOURS[n % len(COLOURS)]
            runs: list[list[tuple[float, float]]] = [[]]
            points = []
            for i, value in enumerate(s.values):
                if value is None:
                    runs.append([])
                    continue
                point = (round(MARGIN_LEFT + slot * (i + 0.5), 1), y(value))
                runs[-1].append(point)
                points.append((point, f"{labels[i]} – {s.name}: {_number(value, percent)}"))
            for run in runs:
                if len(run) > 1:
                    out.append(
                        format_html(
                            '<polyline class="line" fill="none" stroke="{}" stroke-width="2.5" '
                            'stroke-dasharray="{}" points="{}"/>',
                            colour,
                            DASHES[n % len(DASHES)],
                            " ".join(f"{px:.1f},{py:.1f}" for px, py in run),
                        )
                    )
            for (px, py), text in points:
                out.append(_marker(MARKERS[n % len(MARKERS)], px, py, colour, text))
        return mark_safe("".join(out))  # noqa: S308 - every part went through format_html

    return _frame(
        chart_id=chart_id,
        title=title,
        description=description,
        labels=labels,
        series=series,
        y_max=y_max,
        percent=percent,
        body=body,
    )


def _marker(shape: str, x: float, y: float, colour: str, text: str) -> SafeString:
    if shape == "square":
        return format_html(
            '<rect class="point" x="{}" y="{}" width="8" height="8" fill="{}">'
            "<title>{}</title></rect>",
            round(x - 4, 1),
            round(y - 4, 1),
            colour,
            text,
        )
    if shape == "diamond":
        return format_html(
            '<polygon class="point" points="{},{} {},{} {},{} '
            '{},{}" fill="{}"><title>{}</title></polygon>',
            x,
            round(y - 5, 1),
            round(x + 5, 1),
            y,
            x,
            round(y + 5, 1),
            round(x - 5, 1),
            y,
            colour,
            text,
        )
    return format_html(
        '<circle class="point" cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>',
        x,
        y,
        colour,
        text,
    )
