"""The 服务情况统计表 leaving the system: masked by default, in full for a reason, and recorded.

Every download (XLSX, page or API) and every printable page shown in full records one access
(audit.access, kind "export"): subject "enterprise_sheet" or "project_sheet", the record's id,
the detail saying which form, which period and whether masked or full; a full one carries the
person's reason. A full export's reason is checked before anything is built, so a refused one
builds, records and sends nothing. The caller has already checked that the user may see the
enterprise or project (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from audit.access import record_access
from casemgmt.archive.exports import service_sheet
from casemgmt.archive.exports.sheet_data import (
    EnterpriseSheet,
    Period,
    ProjectSheets,
    enterprise_sheet,
    project_sheets,
)
from casemgmt.models import Enterprise, ServiceProject
from core.disclosure import Disclosure
from core.service import write_transaction

EXPORT = "export"
ENTERPRISE_SHEET = "enterprise_sheet"
PROJECT_SHEET = "project_sheet"
XLSX = "xlsx"
PAGE = "page"


def record(
    user: Any, subject: str, pk: int, period: Period, how: Disclosure, form: str, request: Any = None
) -> None:
    """One access record of kind "export" (no personal value in it)."""
    detail = f"{form} {period.start:%Y-%m-%d}..{period.end:%Y-%m-%d} {how.label}"
    with write_transaction():
        record_access(user, EXPORT, subject, pk, reason=how.reason, detail=detail, request=request)


def enterprise_xlsx(
    user: Any, enterprise: Enterprise, period: Period, how: Disclosure, request: HttpRequest | None = None
) -> bytes:
    sheet = enterprise_sheet(user, enterprise, period, full=how.full)
    content = service_sheet.enterprise_workbook(sheet, mark=how.mark)
    record(user, ENTERPRISE_SHEET, enterprise.pk, period, how, XLSX, request)
    return content


def project_xlsx(
    user: Any, project: ServiceProject, period: Period, how: Disclosure, request: HttpRequest | None = None
) -> bytes:
    data = project_sheets(user, project, period, full=how.full)
    content = service_sheet.project_workbook(data, mark=how.mark)
    record(user, PROJECT_SHEET, project.pk, period, how, XLSX, request)
    return content


def enterprise_page(
    user: Any, enterprise: Enterprise, period: Period, how: Disclosure, request: HttpRequest | None = None
) -> EnterpriseSheet:
    """The printable page's sheet in full (the masked page is a view, recorded as one)."""
    sheet = enterprise_sheet(user, enterprise, period, full=how.full)
    record(user, ENTERPRISE_SHEET, enterprise.pk, period, how, PAGE, request)
    return sheet


def project_page(
    user: Any, project: ServiceProject, period: Period, how: Disclosure, request: HttpRequest | None = None
) -> ProjectSheets:
    data = project_sheets(user, project, period, full=how.full)
    record(user, PROJECT_SHEET, project.pk, period, how, PAGE, request)
    return data
