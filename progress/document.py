"""What the doctor's report says, as plain picklable data (laid out by progress/report.py)."""

from __future__ import annotations

from dataclasses import dataclass

from progress.chartdata import ChartData


@dataclass(frozen=True)
class Section:
    """A heading, then lines of text and/or a table (its first row is the heading row)."""

    heading: str
    lines: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()
    widths: tuple[int, ...] = ()  # relative column widths of the table


@dataclass(frozen=True)
class ReportDoc:
    """Everything the report says, already in the user's language."""

    title: str
    period: str
    about: str  # what Backcare is and is not (never a diagnosis)
    footer: str
    sections: tuple[Section, ...]
    chart: ChartData | None = None
    chart_after: int = 1  # the chart follows this many sections
