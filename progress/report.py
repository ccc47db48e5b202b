"""The doctor's report: a one- or two-page A4 PDF, laid out from localized text and the chart.

fpdf2 with DejaVu Sans (shipped with matplotlib) embedded, so every language's letters render
(Cyrillic included). Pure: text in, PDF bytes out; the caller decides what goes in (only data
stored with consent) and never keeps the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace, TTFFont

from progress.chart import render
from progress.chartdata import ChartData
from progress.document import ReportDoc, Section

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FAMILY = "DejaVu"
INK, MUTED, RULE = (20, 20, 20), (90, 90, 90), (200, 200, 200)
MISSING = "□"  # stands for a letter the font cannot draw (an emoji in the person's words)


class _Report(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def build(doc: ReportDoc) -> bytes:
    """The report as PDF bytes."""
    pdf = _Report(format="A4")
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    # fpdf2 would log every letter its font lacks: the person's own words must never reach a log.
    doc = _printable(doc, _drawable(pdf))
    pdf.footer_text = doc.footer
    pdf.set_title(doc.title)
    pdf.set_creator("Backcare")
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 17)
    pdf.multi_cell(0, 8, doc.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=10.5)
    pdf.multi_cell(0, 5.5, doc.period, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FAMILY, size=8.5)
    pdf.multi_cell(0, 4.2, doc.about, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(*INK)
    for index, section in enumerate(doc.sections):
        if index == doc.chart_after and doc.chart is not None:
            _chart(pdf, doc.chart)
        _section(pdf, section)
    if doc.chart is not None and doc.chart_after >= len(doc.sections):
        _chart(pdf, doc.chart)
    return bytes(pdf.output())


def _drawable(pdf: FPDF) -> Callable[[str], str]:
    """Text with each letter that either DejaVu face cannot draw replaced by MISSING."""
    faces = [font for font in pdf.fonts.values() if isinstance(font, TTFFont)]
    known = set.intersection(*(set(font.cmap) for font in faces))

    def clean(text: str) -> str:
        return "".join(c if c == "\n" or ord(c) in known else MISSING for c in text)

    return clean


def _printable(doc: ReportDoc, clean: Callable[[str], str]) -> ReportDoc:
    return replace(
        doc,
        title=clean(doc.title),
        period=clean(doc.period),
        about=clean(doc.about),
        footer=clean(doc.footer),
        sections=tuple(
            replace(
                section,
                heading=clean(section.heading),
                lines=tuple(clean(line) for line in section.lines),
                table=tuple(tuple(clean(cell) for cell in row) for row in section.table),
            )
            for section in doc.sections
        ),
    )


def _chart(pdf: FPDF, chart: ChartData) -> None:
    width = pdf.epw
    height = width * chart.height / chart.width
    if pdf.get_y() + height > pdf.h - 18:
        pdf.add_page()
    pdf.ln(2)
    pdf.image(render(chart), w=width, h=height)
    pdf.ln(1)


def _section(pdf: FPDF, section: Section) -> None:
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    pdf.ln(2.5)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 6.5, section.heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1.2)
    pdf.set_font(FAMILY, size=9.5)
    for line in section.lines:
        pdf.multi_cell(0, 4.8, line, new_x="LMARGIN", new_y="NEXT", align="L")
    if section.table:
        pdf.ln(0.8)
        pdf.set_font(FAMILY, size=8.5)
        with pdf.table(
            col_widths=section.widths or None,
            headings_style=FontFace(emphasis="BOLD", fill_color=(238, 238, 238)),
            line_height=4.6,
            padding=0.8,
            borders_layout="HORIZONTAL_LINES",
            text_align="LEFT",
        ) as table:
            for row in section.table:
                cells = table.row()
                for value in row:
                    cells.cell(value)
