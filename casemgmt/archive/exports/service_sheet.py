"""The 服务情况统计表 as an XLSX workbook (openpyxl), per enterprise or per project.

Layout of an enterprise sheet (row numbers are fixed, so people and tests can rely on them):
  1  title (merged A:E)
  2–5  企业名称 / 企业地址 / 联系人 / 联系电话 in A, the value in B (merged B:E)
  6  服务项目, 7  统计期间
  9  the five column headings; 10… one row per case
  then one empty row, 填表说明： and its two option lists (merged A:E).
A project workbook starts with a summary sheet (汇总) listing the enterprises served, then one
such sheet per enterprise. Every text cell is defused against formula injection, the way the
audit export does it. Address, contact and phone are masked unless the export is a full one,
which then carries its watermark in the header, footer and properties (core.disclosure).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from audit.web.exports import XLSX_CELL_LIMIT, XLSX_CONTENT_TYPE, defuse
from casemgmt.archive.exports.sheet_data import (
    COLUMNS,
    NOTES,
    NOTES_TITLE,
    PERIOD_LABEL,
    PROJECT_LABEL,
    SUMMARY_COLUMNS,
    SUMMARY_TITLE,
    TITLE,
    EnterpriseSheet,
    ProjectSheets,
)
from core.disclosure import mark_workbook

CONTENT_TYPE = XLSX_CONTENT_TYPE
HEADER_FIRST_ROW = 2
COLUMN_ROW = 9
FIRST_DATA_ROW = 10
SUMMARY_SHEET = "汇总"
SUMMARY_COLUMN_ROW = 6
_WIDTHS = {"A": 8, "B": 48, "C": 26, "D": 30, "E": 34}
_SUMMARY_WIDTHS = {"A": 8, "B": 40, "C": 22, "D": 12, "E": 12, "F": 34}
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31

_thin = Side(style="thin")
_BOX = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_BOLD = Font(bold=True)


def cell_text(value: str) -> str:
    """Defused (formula injection), without XML-illegal characters, within Excel's cell limit."""
    text = defuse(ILLEGAL_CHARACTERS_RE.sub("", value))
    return text if len(text) <= XLSX_CELL_LIMIT else text[: XLSX_CELL_LIMIT - 1] + "…"


def unique_sheet_names(wanted: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Valid Excel sheet names (no []:*?/\\, no edge apostrophes, ≤31 characters, not blank),
    unique without regard to case; clashes get " (2)", " (3)" … within the length limit."""
    used = {name.casefold() for name in taken}
    names: list[str] = []
    for raw in wanted:
        base = _SHEET_NAME_FORBIDDEN.sub("_", ILLEGAL_CHARACTERS_RE.sub("", raw)).strip().strip("'").strip()
        base = base[:SHEET_NAME_MAX].strip() or "Sheet"
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        used.add(name.casefold())
        names.append(name)
    return names


def enterprise_workbook(sheet: EnterpriseSheet, mark: str = "") -> bytes:
    """The workbook; `mark` is the watermark of a full-value export (core.disclosure), "" if masked."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    sheet.sheet_name = unique_sheet_names([sheet.enterprise.name])[0]
    _fill_enterprise(worksheet, sheet)
    return _save(workbook, mark)


def project_workbook(data: ProjectSheets, mark: str = "") -> bytes:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    names = unique_sheet_names((s.enterprise.name for s in data.sheets), taken=[SUMMARY_SHEET])
    for sheet, name in zip(data.sheets, names, strict=True):
        sheet.sheet_name = name
    _fill_summary(summary, data)
    for sheet in data.sheets:
        _fill_enterprise(workbook.create_sheet(), sheet)
    return _save(workbook, mark)


def _fill_enterprise(ws: Worksheet, sheet: EnterpriseSheet) -> None:
    ws.title = sheet.sheet_name
    _widths(ws, _WIDTHS)
    last = "E"
    _title(ws, 1, TITLE, last)
    fields = [
        *sheet.header(),
        (PROJECT_LABEL, "、".join(sheet.projects)),
        (PERIOD_LABEL, sheet.period.label()),
    ]
    for offset, (label, value) in enumerate(fields):
        row = HEADER_FIRST_ROW + offset
        _put(ws, f"A{row}", label, font=_BOLD)
        _put(ws, f"B{row}", value, alignment=_WRAP)
        ws.merge_cells(f"B{row}:{last}{row}")
    _heading_row(ws, COLUMN_ROW, COLUMNS)
    row = FIRST_DATA_ROW
    for data in sheet.rows:
        for column, value in zip("ABCDE", data.cells(), strict=True):
            _put(ws, f"{column}{row}", value, alignment=_CENTRE if column == "A" else _WRAP, border=True)
        row += 1
    notes_row = row + 1
    _put(ws, f"A{notes_row}", NOTES_TITLE, font=_BOLD)
    ws.merge_cells(f"A{notes_row}:{last}{notes_row}")
    for offset, note in enumerate(NOTES, start=1):
        _put(ws, f"A{notes_row + offset}", note, alignment=_WRAP)
        ws.merge_cells(f"A{notes_row + offset}:{last}{notes_row + offset}")
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{COLUMN_ROW}:{COLUMN_ROW}"


def _fill_summary(ws: Worksheet, data: ProjectSheets) -> None:
    ws.title = SUMMARY_SHEET
    _widths(ws, _SUMMARY_WIDTHS)
    _title(ws, 1, SUMMARY_TITLE, "F")
    fields = [
        (PROJECT_LABEL, data.project.name),
        ("运营机构", data.project.operator.name),
        (PERIOD_LABEL, data.period.label()),
    ]
    for offset, (label, value) in enumerate(fields):
        row = HEADER_FIRST_ROW + offset
        _put(ws, f"A{row}", label, font=_BOLD)
        _put(ws, f"B{row}", value)
        ws.merge_cells(f"B{row}:F{row}")
    _heading_row(ws, SUMMARY_COLUMN_ROW, SUMMARY_COLUMNS)
    row = SUMMARY_COLUMN_ROW + 1
    for number, sheet in enumerate(data.sheets, start=1):
        values: list[Any] = [
            number,
            sheet.enterprise.name,
            sheet.enterprise.credit_code,
            len(sheet.rows),
            sheet.record_count,
            sheet.sheet_name,
        ]
        for column, value in zip("ABCDEF", values, strict=True):
            _put(ws, f"{column}{row}", value, border=True)
        row += 1
    totals: list[Any] = [
        "合计",
        f"{len(data.sheets)} 家企业",
        "",
        sum(len(s.rows) for s in data.sheets),
        sum(s.record_count for s in data.sheets),
        "",
    ]
    for column, value in zip("ABCDEF", totals, strict=True):
        _put(ws, f"{column}{row}", value, font=_BOLD, border=True)


def _title(ws: Worksheet, row: int, text: str, last_column: str) -> None:
    _put(ws, f"A{row}", text, font=Font(bold=True, size=14), alignment=_CENTRE)
    ws.merge_cells(f"A{row}:{last_column}{row}")
    ws.row_dimensions[row].height = 28


def _heading_row(ws: Worksheet, row: int, headings: Iterable[str]) -> None:
    for index, heading in enumerate(headings):
        _put(ws, f"{chr(ord('A') + index)}{row}", heading, font=_BOLD, alignment=_CENTRE, border=True)


def _put(
    ws: Worksheet,
    ref: str,
    value: Any,
    *,
    font: Font | None = None,
    alignment: Alignment | None = None,
    border: bool = False,
) -> None:
    cell = ws[ref]
    cell.value = cell_text(value) if isinstance(value, str) else value
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border:
        cell.border = _BOX


def _widths(ws: Worksheet, widths: dict[str, int]) -> None:
    for column, width in widths.items():
        ws.column_dimensions[column].width = width


def _save(workbook: Workbook, mark: str) -> bytes:
    if mark:
        mark_workbook(workbook, mark)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
