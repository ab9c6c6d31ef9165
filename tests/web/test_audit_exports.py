"""CSV and XLSX exports of the audit list, reopened and checked cell by cell."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import record
from audit.web import exports
from tests.personas import Cast

HEADER = [
    "ID", "Time (Asia/Shanghai)", "Actor", "Role", "Org unit", "Action code", "Action", "Target type",
    "Target id", "Business key", "Instance", "Reason", "Before (JSON)", "After (JSON)", "Request id",
    "Client IP", "Hash",
]  # fmt: skip
INJECTION = '=HYPERLINK("http://evil.example","点我")'


def record_event(action: Action = Action.TASK_CREATED, **fields: Any) -> AuditEvent:
    fields.setdefault("target_type", "human_task")
    fields.setdefault("target_id", "1")
    with transaction.atomic():
        return record(action, **fields)


@pytest.fixture
def auditor(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # headers as English msgids
    return client


@pytest.fixture
def events(cast: Cast) -> list[AuditEvent]:
    return [
        record_event(Action.TASK_COMPLETED, actor=cast.office_a, actor_role="office_staff",
                     actor_org_unit="方松市场监管所", target_id="12", business_key="SQ-2025-001",
                     instance_id=5, reason="材料齐全，同意受理", before={"status": "open"},
                     after={"status": "done", "decision": "通过"}, request_id="req-1", client_ip="10.0.0.7"),
        record_event(Action.TASK_CLAIMED, actor=cast.operator_a, target_id="-3", reason=INJECTION),
        record_event(Action.MODEL_DEPLOYED, target_type="process_model", target_id="@approval",
                     reason="+1 " + "\x07bell"),
    ]  # fmt: skip


def csv_rows(response: Any) -> tuple[bytes, list[list[str]]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def workbook(response: Any) -> Any:
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_has_bom_header_and_every_column(auditor: Client, events: list[AuditEvent]) -> None:
    response = auditor.get(reverse("audit-export-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-events-')
    body, rows = csv_rows(response)
    assert body.startswith(b"\xef\xbb\xbf")
    assert rows[0] == HEADER
    assert [int(row[0]) for row in rows[1:]] == [e.id for e in reversed(events)]
    first = dict(zip(HEADER, rows[-1], strict=True))
    event = events[0]
    assert first == {
        "ID": str(event.id),
        "Time (Asia/Shanghai)": timezone.localtime(event.occurred_at).isoformat(),
        "Actor": "office_a",
        "Role": "office_staff",
        "Org unit": "方松市场监管所",
        "Action code": "task.completed",
        "Action": "Task completed",
        "Target type": "human_task",
        "Target id": "12",
        "Business key": "SQ-2025-001",
        "Instance": "5",
        "Reason": "材料齐全，同意受理",
        "Before (JSON)": '{"status": "open"}',
        "After (JSON)": '{"status": "done", "decision": "通过"}',
        "Request id": "req-1",
        "Client IP": "10.0.0.7",
        "Hash": event.hash,
    }
    assert first["Time (Asia/Shanghai)"].endswith("+08:00")


def test_csv_in_chinese_by_default(auditor: Client, events: list[AuditEvent]) -> None:
    del auditor.cookies[settings.LANGUAGE_COOKIE_NAME]  # no choice made: the default, Chinese
    _, rows = csv_rows(auditor.get(reverse("audit-export-csv")))
    assert rows[0][:7] == ["编号", "时间（北京时间）", "操作人", "角色", "所属单位", "操作代码", "操作"]
    assert rows[-1][5:7] == ["task.completed", "任务已完成"]


def test_csv_defuses_formulas(auditor: Client, events: list[AuditEvent]) -> None:
    _, rows = csv_rows(auditor.get(reverse("audit-export-csv")))
    by_id = {int(row[0]): dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    claimed, deployed = by_id[events[1].id], by_id[events[2].id]
    assert claimed["Reason"] == "'" + INJECTION
    assert claimed["Target id"] == "'-3"
    assert deployed["Target id"] == "'@approval"
    assert deployed["Reason"] == "'+1 \x07bell"
    assert deployed["Actor"] == "" and deployed["Instance"] == ""


def test_csv_uses_the_list_filters(auditor: Client, events: list[AuditEvent]) -> None:
    _, rows = csv_rows(auditor.get(reverse("audit-export-csv"), {"actor": "office_a", "case": "5"}))
    assert [int(row[0]) for row in rows[1:]] == [events[0].id]
    _, rows = csv_rows(auditor.get(reverse("audit-export-csv"), {"action": "user.login"}))
    assert rows == [HEADER]


def test_bad_filters_answer_the_form_with_errors(auditor: Client, events: list[AuditEvent]) -> None:
    for name in ("audit-export-csv", "audit-export-xlsx"):
        response = auditor.get(reverse(name), {"since": "soon", "action": "nope"})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'data-testid="error-since"' in html and 'data-testid="error-action"' in html


@pytest.mark.parametrize("persona", ["reviewer", "office_a", "enterprise_a", "stranger"])
def test_exports_are_refused_to_others(persona: str, cast: Cast, events: list[AuditEvent]) -> None:
    client = Client()
    client.force_login(getattr(cast, persona))
    assert client.get(reverse("audit-export-csv")).status_code == 403
    assert client.get(reverse("audit-export-xlsx")).status_code == 403


def test_exports_record_nothing(auditor: Client, events: list[AuditEvent]) -> None:
    csv_rows(auditor.get(reverse("audit-export-csv")))
    workbook(auditor.get(reverse("audit-export-xlsx")))
    assert AuditEvent.objects.count() == len(events)


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_cells(auditor: Client, events: list[AuditEvent]) -> None:
    response = auditor.get(reverse("audit-export-xlsx"))
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert 'filename="audit-events-' in response["Content-Disposition"]
    sheet = workbook(response)
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 10 and sheet.column_dimensions["Q"].width == 66
    assert sheet.max_row == 1 + len(events)

    row = {header: cell for header, cell in zip(HEADER, sheet[4], strict=True)}  # oldest is last
    event = events[0]
    assert row["ID"].value == event.id and row["Instance"].value == 5
    moment = row["Time (Asia/Shanghai)"]
    assert isinstance(moment.value, datetime) and moment.value.tzinfo is None
    local = timezone.localtime(event.occurred_at).replace(tzinfo=None)
    assert abs(moment.value - local) < timedelta(milliseconds=1)  # Excel keeps milliseconds
    assert moment.is_date and moment.number_format == "yyyy-mm-dd hh:mm:ss"
    assert row["Reason"].value == "材料齐全，同意受理"
    assert row["Org unit"].value == "方松市场监管所"
    assert row["Action"].value == "Task completed"
    assert row["After (JSON)"].value == '{"status": "done", "decision": "通过"}'
    assert row["Hash"].value == event.hash

    claimed = {header: cell for header, cell in zip(HEADER, sheet[3], strict=True)}
    assert claimed["Reason"].value == "'" + INJECTION and claimed["Reason"].data_type == "s"
    deployed = {header: cell.value for header, cell in zip(HEADER, sheet[2], strict=True)}
    # XML cannot carry the bell character: it is dropped, the rest of the text kept.
    assert deployed["Reason"] == "'+1 bell"
    assert deployed["Target id"] == "'@approval" and deployed["Actor"] is None


def test_xlsx_is_capped_with_a_note(auditor: Client, cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    with transaction.atomic():
        written = [record(Action.TASK_CREATED, target_type="t", target_id=str(n)) for n in range(5)]
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    sheet = workbook(auditor.get(reverse("audit-export-xlsx")))
    assert [sheet.cell(row=r, column=1).value for r in range(2, 5)] == [e.id for e in written[:1:-1]]
    note = sheet.cell(row=5, column=1)
    assert note.value.startswith("Truncated: only the newest 3 of 5 matching events")
    assert sheet.max_row == 5

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 5)
    sheet = workbook(auditor.get(reverse("audit-export-xlsx")))
    assert sheet.max_row == 6 and sheet.cell(row=6, column=1).value == written[0].id


def test_long_payload_is_cut_to_the_excel_cell_limit(auditor: Client) -> None:
    record_event(after={"text": "长" * 40_000})
    sheet = workbook(auditor.get(reverse("audit-export-xlsx")))
    value = sheet.cell(row=2, column=14).value
    assert len(value) == exports.XLSX_CELL_LIMIT and value.endswith("…[truncated]")
