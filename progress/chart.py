"""Draws the pain chart as a PNG for a phone: large type, few lines, the user's language.

Matplotlib's object API with the Agg canvas (no pyplot, no global figure state), so it can run in
a worker process or thread. Imported only where charts are drawn: matplotlib is slow to import.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta

from babel.dates import format_date
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from progress.chartdata import ChartData

# Okabe-Ito colours: told apart with the common colour-vision deficiencies.
BLUE, ORANGE, RED, PURPLE, GREEN, GREY = (
    "#0072B2",
    "#E69F00",
    "#D55E00",
    "#CC79A7",
    "#009E73",
    "#777777",
)
DPI = 100
TOP = 10.8  # the y axis ends just above 10: nothing is ever drawn higher
UNRATED = -1.25  # reports without a strength: on the time axis, below 0
BOTTOM = -1.9


def _ticks(data: ChartData) -> list[datetime]:
    """Noon of every day for a week, of fewer days for longer windows (at most about 7)."""
    days = max(1, (data.last - data.first).days)
    step = next(nice for nice in (1, 2, 5, 7, 10, 14, 15, 30, 60, 90) if nice * 7 >= days)
    ticks, moment = [], data.last - timedelta(hours=12)
    while moment >= data.first:
        ticks.append(moment)
        moment -= timedelta(days=step)
    return sorted(ticks)


def _x(moment: datetime) -> float:
    """Matplotlib's number for a (local, naive) moment."""
    return float(date2num(moment))


def _xy(points: Sequence[tuple[datetime, float]]) -> tuple[list[float], list[float]]:
    return [_x(moment) for moment, _ in points], [float(value) for _, value in points]


def render(data: ChartData) -> bytes:
    """The chart as PNG bytes, `data.width` x `data.height` pixels."""
    buffer = io.BytesIO()
    figure_of(data).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def figure_of(data: ChartData) -> Figure:
    """The chart as a matplotlib figure (drawn by `render`)."""
    size = 22 * data.scale
    figure = Figure(figsize=(data.width / DPI, data.height / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(data.labels.title, fontsize=size * 1.35, fontweight="bold", loc="left", pad=18)
    axes.set_ylim(BOTTOM, TOP)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel(data.labels.axis, fontsize=size)
    pad = (data.last - data.first) * 0.04  # room for the first and last date labels
    axes.set_xlim(_x(data.first - pad), _x(data.last + pad))
    ticks = _ticks(data)
    axes.set_xticks([_x(tick) for tick in ticks])
    axes.set_xticklabels(
        [format_date(tick.date(), "d MMM", locale=data.language) for tick in ticks]
    )
    axes.tick_params(labelsize=size * 0.95, length=8, width=2)
    axes.grid(axis="y", color="#dddddd", linewidth=1.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    handles: list[Artist] = []
    kinds = {kind for *_, kind in data.shaded}
    for start, end, kind in data.shaded:
        axes.axvspan(
            _x(start), _x(end), color=GREEN if kind == "gentle" else GREY, alpha=0.16, lw=0
        )
    if "gentle" in kinds:
        handles.append(Patch(color=GREEN, alpha=0.3, label=data.labels.gentle))
    if "hold" in kinds:
        handles.append(Patch(color=GREY, alpha=0.35, label=data.labels.hold))
    marker = 11 * data.scale
    line = 3.5 * data.scale
    if data.now:
        (plotted,) = axes.plot(
            *_xy(data.now), "-o", color=BLUE, lw=line, ms=marker, label=data.labels.now
        )
        handles.insert(0, plotted)
    if data.after:
        (plotted,) = axes.plot(
            *_xy(data.after),
            "s",
            color=ORANGE,
            ms=marker,
            mec="black",
            mew=1,
            label=data.labels.after,
        )
        handles.insert(1, plotted)
    if data.pegs:
        (plotted,) = axes.plot(
            *_xy(data.pegs), "--D", color=PURPLE, lw=line, ms=marker * 1.1, label=data.labels.peg
        )
        handles.append(plotted)
    if data.reports:
        handles += _reports(axes, data, marker, size)
    if data.points() == 0:
        axes.text(
            0.5,
            0.5,
            data.labels.empty,
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=size * 1.1,
            color="#444444",
            wrap=True,
        )
    if handles:
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=2,
            fontsize=size * 0.95,
            frameon=False,
            handlelength=1.6,
            columnspacing=1.2,
        )
    return figure


def _reports(axes: Axes, data: ChartData, marker: float, size: float) -> list[Artist]:
    """Each mark of pain reports, with its count when it stands for more than one; those with
    a strength at it, those without on the time axis (hollow)."""
    for mark in data.reports:
        axes.axvline(_x(mark.at), color=RED, lw=2 * data.scale, alpha=0.5, ls=":")
    handles: list[Artist] = []
    for rated in (True, False):
        marks = [mark for mark in data.reports if (mark.value is not None) == rated]
        if not marks:
            continue
        xs = [_x(mark.at) for mark in marks]
        ys = [float(mark.value) if mark.value is not None else UNRATED for mark in marks]
        handles.append(
            axes.scatter(
                xs,
                ys,
                marker="v" if rated else "^",
                s=(marker * 2.2) ** 2,
                color=RED if rated else "white",
                edgecolors="black" if rated else RED,
                linewidths=1 if rated else 3 * data.scale,
                zorder=5,
                label=data.labels.report if rated else data.labels.report_unrated,
            )
        )
        for x, y, mark in zip(xs, ys, marks, strict=True):
            if mark.count > 1:
                # On the right of the mark, or on its left near the chart's right edge.
                left = mark.at - data.first > (data.last - data.first) * 0.88
                axes.annotate(
                    f"×{mark.count}",
                    (x, y),
                    xytext=(-marker * 1.4 if left else marker * 1.4, 0),
                    textcoords="offset points",
                    ha="right" if left else "left",
                    va="center",
                    fontsize=size * 0.9,
                    fontweight="bold",
                    color=RED,
                    zorder=6,
                )
    return handles
