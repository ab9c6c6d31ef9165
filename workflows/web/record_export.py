"""The approval record (审批单) as an XLSX workbook: the same steps as the printable page
(approval_record.steps_of), one row each with its opinion and the operations done on it, for
whoever may see the instance. Text cells are defused against formula injection as the audit
export does it."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from audit.web.exports import XLSX_CELL_LIMIT, XLSX_CONTENT_TYPE, defuse

from ..approval_record import Step, steps_of
from ..catalog import task_title
from ..queries.instances import visible_instances

# (header, width) in column order.
_COLUMNS = (
    (gettext_noop("Step"), 28),
    (gettext_noop("Handled by"), 14),
    (gettext_noop("Received"), 17),
    (gettext_noop("Finished"), 17),
    (gettext_noop("Time taken"), 12),
    (gettext_noop("Opinion"), 40),
    (gettext_noop("Operations"), 50),
)


def _text(value: str) -> str:
    return defuse(value)[:XLSX_CELL_LIMIT]


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _row(step: Step) -> list[Any]:
    operations = "\n".join(
        f"{timezone.localtime(op.at):%m-%d %H:%M} {op.label}"
        + (f" · {op.actor}" if op.actor else "")
        + (f"：{op.note}" if op.note else "")
        for op in step.operations
    )
    opinion = " ".join(part for part in (step.decision, step.opinion) if part)
    return [
        _text(
            task_title(step.task)
            + ("" if step.task.status == "completed" else f"（{step.task.get_status_display()}）")
        ),
        _text(step.worker or step.holder),
        _local(step.opened_at),
        _local(step.closed_at) if step.closed_at else "",
        step.took,
        _text(opinion),
        _text(operations),
    ]


@login_required
@require_safe
def approval_record_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    instance = visible_instances(request.user).filter(pk=pk).first()
    if instance is None:
        raise Http404  # hidden and missing read alike
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = _("Approval record")[:31]
    title = f"{_('Approval record')} · {instance.business_key or instance.pk} {instance.subject}".strip()
    sheet.append([_text(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_(header) for header, _width in _COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, (_header, width) in enumerate(_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for step in steps_of(instance):
        sheet.append(_row(step))
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX_CONTENT_TYPE)
    # The id alone: a business key is free text, never put into a header.
    response["Content-Disposition"] = f'attachment; filename="approval-record-{instance.pk}.xlsx"'
    return response
