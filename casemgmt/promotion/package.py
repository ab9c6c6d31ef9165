"""The city-naming package (申报材料): scorecard totals per indicator, the evidence list and the
project's typical cases, as an XLSX workbook or a PDF (reportlab's built-in CID font STSong-Light
renders Chinese without shipping a font file)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from casemgmt.models import ServiceProject
from casemgmt.scorecard.models import Evaluation, Evidence, IndicatorScore, TypicalCase

from .models import PackageFormat

CID_FONT = "STSong-Light"
# Cells a spreadsheet would take for a formula are written as text (formula injection guard).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class PackageContent:
    title: str
    scores: list[tuple[str, str, str, str]]  # number, indicator, maximum, points
    totals: tuple[str, str, str]  # base, bonus, total
    evidence: list[tuple[str, str, str]]  # indicator, file or link, note
    cases: list[tuple[str, str, str, str, str]]  # quarter, kind, title, status, case numbers


def _safe(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def gather(project: ServiceProject, evaluation: Evaluation) -> PackageContent:
    scores = [
        (str(s.indicator.number), s.indicator.name_zh, str(s.indicator.max_points), str(s.points))
        for s in IndicatorScore.objects.filter(evaluation=evaluation).select_related("indicator")
    ]
    # The evidence of every stage of this cycle: the operator's, the office's and the bureau's.
    chain: list[int] = []
    node: Evaluation | None = evaluation
    while node is not None and len(chain) < 8:
        chain.append(node.pk)
        node = node.based_on
    evidence = [
        (str(e.score.indicator.number), e.original_name or e.url, e.note)
        for e in Evidence.objects.filter(score__evaluation_id__in=chain).select_related("score__indicator")
    ]
    cases = [
        (
            c.quarter,
            c.get_kind_display(),
            c.title,
            c.get_status_display(),
            "、".join(c.cases.values_list("case_no", flat=True)),
        )
        for c in TypicalCase.objects.filter(project=project).order_by("-quarter_start", "pk")
    ]
    return PackageContent(
        title=f"{project.name} 市级命名申报材料",
        scores=scores,
        totals=(str(evaluation.base), str(evaluation.bonus), str(evaluation.total)),
        evidence=evidence,
        cases=cases,
    )


def as_xlsx(content: PackageContent) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "效能评分"
    sheet.append([_safe(content.title)])
    sheet.append(["序号", "指标", "分值", "得分"])
    for score in content.scores:
        sheet.append([_safe(v) for v in score[:2]] + [float(Decimal(score[2])), float(Decimal(score[3]))])
    base, bonus, total = content.totals
    sheet.append(["", "基础分", "", float(Decimal(base))])
    sheet.append(["", "加分", "", float(Decimal(bonus))])
    sheet.append(["", "总分", "", float(Decimal(total))])
    evidence = book.create_sheet("佐证材料")
    evidence.append(["指标", "文件或链接", "说明"])
    for proof in content.evidence:
        evidence.append([_safe(v) for v in proof])
    cases = book.create_sheet("典型案例")
    cases.append(["季度", "类别", "标题", "状态", "办件编号"])
    for row in content.cases:
        cases.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_pdf(content: PackageContent) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    heading = ParagraphStyle("h", fontName=CID_FONT, fontSize=14, leading=20)
    body = ParagraphStyle("b", fontName=CID_FONT, fontSize=9, leading=13)
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), CID_FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
    )

    def table(header: list[str], rows: Sequence[Sequence[str]]) -> Table:
        cells = [header] + [[Paragraph(_escape(v), body) for v in row] for row in rows]
        built = Table(cells, repeatRows=1)
        built.setStyle(style)
        return built

    base, bonus, total = content.totals
    story = [
        Paragraph(_escape(content.title), heading),
        Spacer(1, 8),
        Paragraph(f"基础分 {base}　加分 {bonus}　总分 {total}", body),
        Spacer(1, 8),
        table(["序号", "指标", "分值", "得分"], content.scores),
        Spacer(1, 12),
        Paragraph("佐证材料", heading),
        table(["指标", "文件或链接", "说明"], content.evidence or [("", "—", "")]),
        Spacer(1, 12),
        Paragraph("典型案例", heading),
        table(["季度", "类别", "标题", "状态", "办件编号"], content.cases or [("", "", "—", "", "")]),
    ]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=content.title).build(story)
    return out.getvalue()


def _escape(text: str) -> str:
    # reportlab's Paragraph reads a small XML dialect: user text must not be taken as markup.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build(project: ServiceProject, evaluation: Evaluation, package_format: str) -> tuple[bytes, str]:
    """(file bytes, file name) of the package."""
    content = gather(project, evaluation)
    stem = f"city-nomination-{project.code}-{evaluation.period_end:%Y%m%d}"
    if package_format == PackageFormat.PDF:
        return as_pdf(content), f"{stem}.pdf"
    return as_xlsx(content), f"{stem}.xlsx"
