"""Inline SVG charts: a line chart (targets and actuals per year) and a grouped bar chart (costs).

No JavaScript and nothing loaded from elsewhere: the chart is markup in the page, so it prints, works
from ``file://`` and from a file share. For screen readers the ``<svg>`` is one image
(``role="img"``) named by its ``<title>`` and described by its ``<desc>``; the table next to it is
the text alternative and carries every value. Each plotted point or bar keeps its value as printed
in the CSV in ``data-*`` attributes (``data-year``, ``data-<series>``), so a test can compare the
picture with the data instead of trusting it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .html import esc

__all__ = ["Series", "bar_chart", "line_chart", "number"]

_W, _H = 640, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 96, 16, 40, 56
# Dark enough on white for WCAG contrast, and told apart by shape and dash too, not by colour only.
_COLOURS = ("#1f5fa8", "#b34700", "#2e7d32", "#6a1b9a", "#5d4037")
_DASHES = ("", "6 4", "2 3", "8 3 2 3", "")


@dataclass(frozen=True, slots=True)
class Series:
    """One line or one bar colour: ``key`` names its data attribute, ``values`` x label → (number, text)."""

    key: str
    label: str
    values: Mapping[str, tuple[float, str]] = field(default_factory=dict)


def number(text: str | None) -> float | None:
    """A CSV cell as a number, None when empty or not a number (a chart leaves it out)."""
    try:
        value = float((text or "").replace(",", "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _tick_label(value: float, scale: float) -> str:
    v = value / scale
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-9 else f"{v:,.2f}".rstrip("0").rstrip(".")


def _ticks(values: Sequence[float]) -> list[float]:
    """Round tick values from 0 (or the lowest negative value) to just above the highest value."""
    low, high = min(0.0, *values), max(0.0, *values)
    if high == low:
        high = low + 1
    raw = (high - low) / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _frame(chart_id: str, title: str, desc: str, ticks: Sequence[float], x_label: str, y_label: str,
           scale: float) -> tuple[list[str], float, float]:
    """The svg start, title, desc, gridlines and axis labels; returns them with the y range."""
    lo, hi = ticks[0], ticks[-1]
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-chart="{chart_id}">',
        f'<title id="{chart_id}-title">{esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{esc(desc)}</desc>',
    ]
    for t in ticks:
        y = _y(t, lo, hi)
        parts.append(f'<line class="grid" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{esc(_tick_label(t, scale))}</text>")
    parts.append(f'<line class="axis" x1="{_LEFT}" x2="{_LEFT}" y1="{_TOP}" y2="{_H - _BOTTOM}"/>')
    parts.append(f'<line class="axis" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{_H - _BOTTOM}" y2="{_H - _BOTTOM}"/>')
    parts.append(f'<text class="axis-label" x="{(_LEFT + _W - _RIGHT) / 2:.0f}" y="{_H - 8}" '
                 f'text-anchor="middle">{esc(x_label)}</text>')
    parts.append(f'<text class="axis-label" x="8" y="{_TOP - 22}">{esc(y_label)}</text>')
    return parts, lo, hi


def _y(value: float, lo: float, hi: float) -> float:
    return _TOP + (hi - value) / (hi - lo) * (_H - _TOP - _BOTTOM)


def _x_labels(categories: Sequence[str], xs: Sequence[float]) -> list[str]:
    return [f'<text class="tick" x="{x:.1f}" y="{_H - _BOTTOM + 18}" text-anchor="middle">{esc(c)}</text>'
            for c, x in zip(categories, xs)]


def _legend(series: Sequence[Series], *, lines: bool) -> list[str]:
    parts, x = [], _LEFT
    for i, s in enumerate(series):
        colour, dash = _COLOURS[i % len(_COLOURS)], _DASHES[i % len(_DASHES)]
        if lines:
            parts.append(f'<line x1="{x}" x2="{x + 24}" y1="{_TOP - 26}" y2="{_TOP - 26}" stroke="{colour}" '
                         f'stroke-width="2.5"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        else:
            parts.append(f'<rect x="{x + 6}" y="{_TOP - 32}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text class="legend" x="{x + 30}" y="{_TOP - 21}">{esc(s.label)}</text>')
        x += 40 + 14 * len(s.label)
    return parts


def _all_values(series: Sequence[Series]) -> list[float]:
    return [v for s in series for v, _ in s.values.values()]


def line_chart(chart_id: str, *, title: str, desc: str, categories: Sequence[str], series: Sequence[Series],
               x_label: str, y_label: str, scale: float = 1) -> str:
    """Lines over ``categories`` (years), one per series; a missing value breaks no line, it is skipped."""
    ticks = _ticks(_all_values(series) or [0.0])
    parts, lo, hi = _frame(chart_id, title, desc, ticks, x_label, y_label, scale)
    span = _W - _LEFT - _RIGHT
    xs = [_LEFT + span * (i + 0.5) / max(len(categories), 1) for i in range(len(categories))]
    parts += _x_labels(categories, xs)
    for i, s in enumerate(series):
        colour, dash = _COLOURS[i % len(_COLOURS)], _DASHES[i % len(_DASHES)]
        points = [(x, c, s.values[c]) for x, c in zip(xs, categories) if c in s.values]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{_y(v, lo, hi):.1f}" for x, _, (v, _t) in points)
            parts.append(f'<polyline class="series" points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                         + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        for x, c, (v, text) in points:
            shape = (f'<circle cx="{x:.1f}" cy="{_y(v, lo, hi):.1f}" r="4.5"' if i % 2 == 0 else
                     f'<rect x="{x - 4.5:.1f}" y="{_y(v, lo, hi) - 4.5:.1f}" width="9" height="9"')
            parts.append(f'{shape} class="point" fill="{colour}" data-series="{esc(s.key)}" data-year="{esc(c)}" '
                         f'data-{esc(s.key)}="{esc(text)}"/>')
    parts += _legend(series, lines=True)
    return "\n".join(parts) + "\n</svg>"


def bar_chart(chart_id: str, *, title: str, desc: str, categories: Sequence[str], series: Sequence[Series],
              x_label: str, y_label: str, scale: float = 1) -> str:
    """Grouped bars: one group per category (year), one bar per series (stage) that has a value."""
    ticks = _ticks(_all_values(series) or [0.0])
    parts, lo, hi = _frame(chart_id, title, desc, ticks, x_label, y_label, scale)
    span = _W - _LEFT - _RIGHT
    group = span / max(len(categories), 1)
    bar = min(48.0, group * 0.8 / max(len(series), 1))
    xs = [_LEFT + group * (i + 0.5) for i in range(len(categories))]
    parts += _x_labels(categories, xs)
    zero = _y(0.0, lo, hi)
    for i, s in enumerate(series):
        colour = _COLOURS[i % len(_COLOURS)]
        for x, c in zip(xs, categories):
            if c not in s.values:
                continue
            v, text = s.values[c]
            left = x - bar * len(series) / 2 + bar * i
            top, bottom = sorted((_y(v, lo, hi), zero))
            parts.append(f'<rect class="bar" x="{left:.1f}" y="{top:.1f}" width="{bar - 2:.1f}" '
                         f'height="{max(bottom - top, 0.5):.1f}" fill="{colour}" data-series="{esc(s.key)}" '
                         f'data-year="{esc(c)}" data-{esc(s.key)}="{esc(text)}"/>')
    parts += _legend(series, lines=False)
    return "\n".join(parts) + "\n</svg>"
