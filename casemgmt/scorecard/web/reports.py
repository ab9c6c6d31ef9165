"""Downloads of one filled scorecard: PDF and XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from .. import report_pdf, report_xlsx
from .common import evaluation_or_404, in_english


def _filename(pk: int, suffix: str) -> str:
    return f"scorecard-{pk}.{suffix}"


@login_required
def evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_or_404(request, pk)
    response = HttpResponse(
        report_pdf.document(evaluation, english=in_english()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(pk, "pdf")}"'
    return response


@login_required
def evaluation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_or_404(request, pk)
    response = HttpResponse(
        report_xlsx.workbook(evaluation, english=in_english()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(pk, "xlsx")}"'
    return response
