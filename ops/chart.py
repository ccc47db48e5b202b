"""The /stats chart: bars per day, drawn with matplotlib's Agg backend into PNG bytes.

Drawing takes tens of milliseconds of CPU: call it in a worker thread (`asyncio.to_thread`),
never on the event loop. matplotlib's object API (Figure, no pyplot) keeps no global state, so
two charts may be drawn at once.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date


def render_daily_chart(
    days: Sequence[date], series: Sequence[tuple[str, Sequence[int]]], title: str
) -> bytes:
    """Grouped bars, one group per day, one bar per series; a PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    width = 0.8 / max(1, len(series))
    positions = range(len(days))
    for index, (label, values) in enumerate(series):
        axes.bar([p + index * width for p in positions], values, width=width, label=label)
    axes.set_xticks([p + width * (len(series) - 1) / 2 for p in positions])
    axes.set_xticklabels([day.strftime("%d.%m") for day in days], fontsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title)
    axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
