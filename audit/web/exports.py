"""CSV and XLSX exports of the filtered audit list.

Exports are reads: they record nothing in the audit log (which holds changes only), but each one
is an access to personal data, recorded in the access log (audit.access, kind "export", subject
"audit_export"). A GET exports with the personal values of before/after masked (core.masking). A
POST with a reason and the list's filters (`query`) exports them in full, watermarked (a first
CSV line; the XLSX's header, footer and properties: core.disclosure) and recorded with the reason;
without a reason it is refused with the review page, nothing exported, nothing recorded. Every
text cell that a spreadsheet could take for a formula is defused with a leading apostrophe.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.disclosure import MASKED, REASON_MAX, Disclosure, full_disclosure, mark_workbook
from core.errors import InvalidInput
from core.http.page_errors import page_errors
from core.masking import mask_payload

from ..access import describe_query, record_access
from ..actions import Action
from ..models import AuditEvent
from .forms import EventFilterForm, filtered_events
from .views import PAGE_SIZE, filter_form, render_review, require_viewer

SHANGHAI = ZoneInfo("Asia/Shanghai")
XLSX_MAX_ROWS = 100_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000
# Excel refuses longer cells (and "repairs" the whole file); big payloads are cut with a marker.
XLSX_CELL_LIMIT = 32_767
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT = "export"
SUBJECT = "audit_export"
# Filters whose values may stand in the access record; a name or an id could be personal.
_SHOWN_FILTERS = ("action", "target_type", "since", "until")

# (header, width in the XLSX) in column order; the row builder below follows the same order.
COLUMNS = (
    (gettext_lazy("ID"), 10),
    (gettext_lazy("Time (Asia/Shanghai)"), 21),
    (gettext_lazy("Actor"), 16),
    (gettext_lazy("Role"), 16),
    (gettext_lazy("Org unit"), 24),
    (gettext_lazy("Action code"), 20),
    (gettext_lazy("Action"), 20),
    (gettext_lazy("Target type"), 16),
    (gettext_lazy("Target id"), 14),
    (gettext_lazy("Business key"), 18),
    (gettext_lazy("Instance"), 10),
    (gettext_lazy("Reason"), 30),
    (gettext_lazy("Before (JSON)"), 40),
    (gettext_lazy("After (JSON)"), 40),
    (gettext_lazy("Request id"), 34),
    (gettext_lazy("Client IP"), 16),
    (gettext_lazy("Hash"), 66),
)


def defuse(text: str) -> str:
    """Keep a spreadsheet from evaluating text as a formula (CSV/formula injection)."""
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def event_row(event: AuditEvent, labels: dict[str, str], full: bool = False) -> list[Any]:
    """One event as typed values: ints, an aware Shanghai datetime, defused strings or None;
    before/after masked unless `full`."""
    texts = (
        event.actor_username,
        event.actor_role,
        event.actor_org_unit,
        event.action,
        labels.get(event.action, event.action),
        event.target_type,
        event.target_id,
        event.business_key,
    )
    return [
        event.id,
        timezone.localtime(event.occurred_at, SHANGHAI),
        *(defuse(text) for text in texts),
        event.instance_id,
        defuse(event.reason),
        _json_cell(event.before if full else mask_payload(event.before)),
        _json_cell(event.after if full else mask_payload(event.after)),
        defuse(event.request_id),
        defuse(event.client_ip or ""),
        event.hash,
    ]


def headers() -> list[str]:
    return [str(header) for header, _width in COLUMNS]


def action_labels() -> dict[str, str]:
    # Resolved in the view, in the request's language: a streamed body is written later.
    return {code: str(label) for code, label in Action.choices}


@dataclass(frozen=True)
class _Export:
    events: QuerySet[AuditEvent]
    how: Disclosure


def _prepared(request: HttpRequest, form_name: str) -> _Export | HttpResponse:
    """The events and how to show them (a GET masked, a POST in full for its reason), the access
    recorded; or the review page that refuses the export (bad filters, no reason)."""
    require_viewer(request)
    if request.method == "POST":
        # The list's filters as the page carried them; re-read by the form, like "verify now".
        form = EventFilterForm(QueryDict(request.POST.get("query", "")))
        events = filtered_events(form).order_by("-id") if form.is_valid() else None
    else:
        form, events = filter_form(request)
    if events is None:
        return render_review(request, form, None, status=400)
    how = MASKED
    if request.method == "POST":
        try:
            how = full_disclosure(request.user, request.POST.get("reason"))
        except InvalidInput as refusal:
            errors = page_errors(refusal)
            extra = {
                "full_error": " ".join([errors.message, *errors.details]),
                "reason": request.POST.get("reason", "")[:REASON_MAX],
            }
            page = Paginator(events.defer("before", "after").select_related("actor"), PAGE_SIZE).get_page(1)
            return render_review(request, form, page, status=400, extra=extra)
    filters = describe_query(QueryDict(form.query_string()), shown=_SHOWN_FILTERS)
    detail = f"{form_name} {how.label} {filters}".strip()
    record_access(request.user, EXPORT, SUBJECT, reason=how.reason, detail=detail, request=request)
    return _Export(events, how)


@login_required
@require_http_methods(["GET", "POST"])
def export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    export = _prepared(request, "csv")
    if isinstance(export, HttpResponse):
        return export
    rows = _csv_lines(headers(), action_labels(), export.events.iterator(chunk_size=CHUNK_SIZE), export.how)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def export_xlsx(request: HttpRequest) -> HttpResponse | FileResponse:
    export = _prepared(request, "xlsx")
    if isinstance(export, HttpResponse):
        return export
    events, how = export.events, export.how
    # Write-only mode streams rows to a temporary file, so memory stays flat up to the cap.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit events")[:31])
    sheet.freeze_panes = "A2"
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([_styled(sheet, header, bold) for header in headers()])
    written = _write_rows(sheet, action_labels(), events[: XLSX_MAX_ROWS + 1], how.full)
    if written > XLSX_MAX_ROWS:
        note = _(
            "Truncated: only the newest %(shown)s of %(total)s matching events are exported. "
            "Narrow the filters or export CSV for all of them."
        ) % {"shown": f"{XLSX_MAX_ROWS:,}", "total": f"{events.count():,}"}
        sheet.append([_styled(sheet, note, Font(bold=True, italic=True))])
    if how.full:
        mark_workbook(workbook, how.mark)
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_CONTENT_TYPE
    )


def _write_rows(
    sheet: WriteOnlyWorksheet, labels: dict[str, str], events: QuerySet[AuditEvent], full: bool
) -> int:
    """Append up to XLSX_MAX_ROWS rows; returns how many events were read (one more means "cut")."""
    count = 0
    for event in events.iterator(chunk_size=CHUNK_SIZE):
        count += 1
        if count > XLSX_MAX_ROWS:
            break
        row = event_row(event, labels, full)
        row[1] = _datetime_cell(sheet, row[1])
        sheet.append([_xlsx_text(value) if isinstance(value, str) else value for value in row])
    return count


class _Echo:
    """csv.writer wants a file; this one hands each formatted line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(
    header: list[str], labels: dict[str, str], events: Iterable[AuditEvent], how: Disclosure = MASKED
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte order mark makes Excel read the file as UTF-8 (else Chinese text is garbled).
    # A full export starts with its watermark, a line of its own before the header.
    first = writer.writerow([how.mark]) if how.full else ""
    yield "\ufeff" + first + writer.writerow(header)
    for event in events:
        row = event_row(event, labels, how.full)
        yield writer.writerow([_csv_text(value) for value in row])


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _json_cell(value: Any) -> str:
    return "" if value is None else defuse(json.dumps(value, ensure_ascii=False))


def _xlsx_text(text: str) -> str:
    # openpyxl refuses control characters that XML 1.0 cannot carry; drop them, keep the rest.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > XLSX_CELL_LIMIT:
        marker = "…[truncated]"
        text = text[: XLSX_CELL_LIMIT - len(marker)] + marker
    return text


def _datetime_cell(sheet: WriteOnlyWorksheet, moment: datetime) -> WriteOnlyCell:
    # Excel has no time zones: a naive Shanghai wall-clock time, as the header says.
    cell = WriteOnlyCell(sheet, value=moment.replace(tzinfo=None))
    cell.number_format = "yyyy-mm-dd hh:mm:ss"
    return cell


def _styled(sheet: WriteOnlyWorksheet, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=_xlsx_text(value))
    cell.font = font
    return cell


def _filename(extension: str) -> str:
    return f"audit-events-{timezone.localtime(timezone.now(), SHANGHAI):%Y%m%d-%H%M%S}.{extension}"
