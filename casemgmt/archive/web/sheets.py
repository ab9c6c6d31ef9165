"""The 服务情况统计表: printable pages and XLSX downloads, per enterprise and per project.

The period comes from ?from=YYYY-MM-DD&to=YYYY-MM-DD (default: this year so far); a case is in it
when it was submitted within (casemgmt/archive/exports/sheet_data.py). Pages and downloads show the
contact masked; the full ones (POST with a reason) and every download are in
casemgmt/archive/web/sheet_exports.py, which the URLs route to.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.access import record_view
from casemgmt.archive.exports import service_sheet
from casemgmt.archive.exports.period import parse_period
from casemgmt.archive.exports.sheet_data import (
    COLUMNS,
    HEADER_LABELS,
    NOTES,
    NOTES_TITLE,
    PERIOD_LABEL,
    PROJECT_LABEL,
    SUMMARY_COLUMNS,
    SUMMARY_TITLE,
    TITLE,
    Period,
    enterprise_sheet,
    project_sheets,
)
from casemgmt.archive.web.common import enterprise_or_404, in_page_language, period_query, project_or_404
from core.errors import InvalidInput


def _period(request: HttpRequest) -> tuple[Period | None, str, dict[str, list[str]]]:
    try:
        return parse_period(request.GET.get("from"), request.GET.get("to")), "", {}
    except InvalidInput as error:
        message, fields = in_page_language(error)
        return None, message, fields


def _form_text() -> dict[str, object]:
    return {
        "sheet_title": TITLE,
        "summary_title": SUMMARY_TITLE,
        "columns": COLUMNS,
        "summary_columns": SUMMARY_COLUMNS,
        "notes_title": NOTES_TITLE,
        "notes": NOTES,
        "period_label": PERIOD_LABEL,
        "project_label": PROJECT_LABEL,
        "header_labels": HEADER_LABELS,
    }


def _period_detail(period: Period) -> str:
    return f"{period.start:%Y-%m-%d}..{period.end:%Y-%m-%d}"


def _chosen(request: HttpRequest) -> dict[str, str]:
    return {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")}


@login_required
@require_GET
def enterprise_sheet_page(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = enterprise_or_404(request, pk)
    period, error, field_errors = _period(request)
    context: dict[str, object] = {
        **_form_text(),
        "enterprise": enterprise,
        "chosen": _chosen(request),
        "error": error,
        "field_errors": field_errors,
    }
    if period is None:
        return render(request, "casemgmt/archive/sheet_enterprise.html", context, status=400)
    context.update(sheets=[enterprise_sheet(request.user, enterprise, period)], query=period_query(period))
    record_view(request, "enterprise_sheet", enterprise.pk, detail=_period_detail(period))
    return render(request, "casemgmt/archive/sheet_enterprise.html", context)


@login_required
@require_GET
def project_sheet_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request, pk)
    period, error, field_errors = _period(request)
    context: dict[str, object] = {
        **_form_text(),
        "project": project,
        "chosen": _chosen(request),
        "error": error,
        "field_errors": field_errors,
    }
    if period is None:
        return render(request, "casemgmt/archive/sheet_project.html", context, status=400)
    data = project_sheets(request.user, project, period)
    context.update(data=data, sheets=data.sheets, query=period_query(period))
    record_view(request, "project_sheet", project.pk, detail=_period_detail(period))
    return render(request, "casemgmt/archive/sheet_project.html", context)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=service_sheet.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def enterprise_filename(pk: int, period: Period) -> str:
    return f"service-sheet-enterprise-{pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"


def project_filename(code: str, period: Period) -> str:
    return f"service-sheet-{code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
