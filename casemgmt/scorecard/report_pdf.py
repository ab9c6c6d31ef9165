"""The filled scorecard as a PDF (reportlab). Chinese text uses reportlab's built-in CID font
STSong-Light, so no font file is shipped or needed."""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Evaluation
from .report_rows import rows

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _num(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def document(evaluation: Evaluation, *, english: bool) -> bytes:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    bold = ParagraphStyle("bold", parent=body, fontSize=9, leading=11)
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18, spaceAfter=4)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    story: list[object] = [
        p(_("Efficiency scorecard"), title),
        p(f"{evaluation.project.name}", bold),
        p(
            f"{_('Period')}: {evaluation.period_start:%Y-%m-%d} – {evaluation.period_end:%Y-%m-%d} · "
            f"{_('Stage')}: {evaluation.get_stage_display()} · "
            f"{_('Status')}: {evaluation.get_status_display()} · "
            f"{_('Template version')}: {evaluation.template_version.number}"
        ),
        Spacer(1, 4 * mm),
    ]
    data: list[list[object]] = [
        [
            p(_("No.")),
            p(_("Indicator")),
            p(_("Maximum")),
            p(_("Detail")),
            p(_("Points")),
            p(_("Earlier stage")),
            p(_("Reason")),
        ]
    ]
    styles: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
    ]
    for row in rows(evaluation, english=english):
        style = bold if row.level in ("group", "total") else body
        data.append(
            [
                p(row.number, style),
                p(row.text, style),
                p(_num(row.max_points), style),
                p(row.detail),
                p(_num(row.points), style),
                p(_num(row.earlier)),
                p(row.reason),
            ]
        )
        if row.level in ("group", "total"):
            styles.append(("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), colors.HexColor("#f3f3f3")))
    widths = [14 * mm, 70 * mm, 13 * mm, 28 * mm, 13 * mm, 14 * mm, 34 * mm]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(styles))
    story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{evaluation.project.name} {evaluation.period_start:%Y-%m-%d}",
        author="nqi-onestop",
    ).build(story)
    return buffer.getvalue()
