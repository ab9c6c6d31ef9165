"""The filled scorecard as an XLSX workbook (openpyxl). Cells holding text are written as text:
a leading "=" from a reason is never a formula."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .models import Evaluation
from .report_rows import rows

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def workbook(evaluation: Evaluation, *, english: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "scorecard"
    sheet.append([_text(_("Efficiency scorecard")), _text(evaluation.project.name)])
    sheet.append(
        [
            _("Period"),
            f"{evaluation.period_start:%Y-%m-%d} – {evaluation.period_end:%Y-%m-%d}",
            _("Stage"),
            str(evaluation.get_stage_display()),
            _("Status"),
            str(evaluation.get_status_display()),
            _("Template version"),
            evaluation.template_version.number,
        ]
    )
    sheet.append([])
    header = [
        _("No."),
        _("Indicator"),
        _("Maximum"),
        _("Detail"),
        _("Points"),
        _("Earlier stage"),
        _("Reason"),
    ]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows(evaluation, english=english):
        sheet.append(
            [
                _text(row.number),
                _text(row.text),
                float(row.max_points) if row.max_points is not None else None,
                _text(row.detail),
                float(row.points) if row.points is not None else None,
                float(row.earlier) if row.earlier is not None else None,
                _text(row.reason),
            ]
        )
        if row.level in ("group", "total"):
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for column in (2, 4, 7):
            sheet.cell(row=sheet.max_row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
        for column in (3, 5, 6):
            sheet.cell(row=sheet.max_row, column=column).number_format = "0.0"
    for letter, width in zip("ABCDEFG", (8, 60, 9, 24, 9, 12, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
