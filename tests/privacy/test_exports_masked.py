"""Exports with personal data: masked by default; in full only with a reason, watermarked and
recorded; refused without a reason (nothing exported, nothing recorded). Files are reopened with
openpyxl and read cell by cell."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from audit.actions import Action
from audit.services import record
from audit.web.changes import lines_for
from tests.personas import Cast
from tests.privacy import masked_world as mw

FULL_MARK = "含完整个人信息"


@pytest.fixture
def world(cast: Cast) -> mw.World:
    return mw.build()


def book(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(body))


def header_values(sheet: Any) -> dict[str, str]:
    """企业名称 / 企业地址 / 联系人 / 联系电话 in rows 2–5 (casemgmt/archive/exports/service_sheet.py)."""
    return {sheet[f"A{row}"].value: sheet[f"B{row}"].value for row in range(2, 6)}


def sheet_text(workbook: Any) -> str:
    return "\n".join(
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    )


def marks(workbook: Any) -> list[str]:
    """Every sheet's header and footer, and the document's description."""
    found = [workbook.properties.description or ""]
    for sheet in workbook.worksheets:
        found += [sheet.oddHeader.center.text or "", sheet.oddFooter.center.text or ""]
    return found


# --- the 服务情况统计表 -------------------------------------------------------------------------


def test_the_sheet_download_is_masked_and_recorded(cast: Cast, world: mw.World) -> None:
    client = mw.client_for(cast.office_a)
    workbook = book(client.get(reverse("archive-sheet-enterprise-xlsx", args=[world.enterprise.pk])))
    assert header_values(workbook.active) == {
        "企业名称": world.enterprise.name,
        "企业地址": mw.ADDRESS_MASKED,
        "联系人": mw.ENTERPRISE_CONTACT_MASKED,
        "联系电话": mw.ENTERPRISE_PHONE_MASKED,
    }
    mw.assert_masked(sheet_text(workbook))
    assert not any(FULL_MARK in mark for mark in marks(workbook))
    [export] = mw.records("export")
    assert (export.subject, export.subject_id, export.reason) == (
        "enterprise_sheet",
        str(world.enterprise.pk),
        "",
    )
    assert export.detail.startswith("xlsx ") and export.detail.endswith(" masked")


def test_a_full_sheet_needs_a_reason_and_carries_the_watermark(cast: Cast, world: mw.World) -> None:
    client = mw.client_for(cast.office_a)
    url = reverse("archive-sheet-enterprise-xlsx", args=[world.enterprise.pk])
    workbook = book(client.post(url, {"reason": "年度统计报送"}))
    assert header_values(workbook.active) == {
        "企业名称": world.enterprise.name,
        "企业地址": mw.ADDRESS,
        "联系人": mw.ENTERPRISE_CONTACT,
        "联系电话": mw.ENTERPRISE_PHONE_SHOWN,
    }
    assert workbook.active["A1"].value == "质量基础设施“一站式”服务情况统计表"  # the layout is unchanged
    for mark in marks(workbook):
        assert mark.startswith("导出人 office_a · ") and mark.endswith(FULL_MARK), mark
    [export] = mw.records("export")
    assert export.reason == "年度统计报送" and export.detail.endswith(" full")


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": "长" * 201}])
def test_a_full_sheet_without_a_reason_is_refused(cast: Cast, world: mw.World, body: dict[str, str]) -> None:
    client = mw.client_for(cast.office_a)
    for name in ("archive-sheet-enterprise-xlsx", "archive-sheet-enterprise"):
        response = client.post(reverse(name, args=[world.enterprise.pk]), body)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")  # the page again, no file
        html = response.content.decode()
        assert 'data-testid="full-export-error"' in html and "原因" in html
        mw.assert_masked(html)
    assert mw.records("export") == []


def test_the_project_workbook_is_masked_or_full_on_every_sheet(cast: Cast, world: mw.World) -> None:
    client = mw.client_for(cast.operator_a)
    url = reverse("archive-sheet-project-xlsx", args=[world.project.pk])
    masked = book(client.get(url))
    assert masked.worksheets[0].title == "汇总"
    assert header_values(masked.worksheets[1])["联系电话"] == mw.ENTERPRISE_PHONE_MASKED
    mw.assert_masked(sheet_text(masked))
    full = book(client.post(url, {"reason": "项目验收"}))
    assert header_values(full.worksheets[1])["联系电话"] == mw.ENTERPRISE_PHONE_SHOWN
    assert all(FULL_MARK in mark for mark in marks(full))
    assert [(r.subject, r.reason) for r in mw.records("export")] == [
        ("project_sheet", ""),
        ("project_sheet", "项目验收"),
    ]


def test_the_printable_sheet_is_masked_and_in_full_for_a_reason(cast: Cast, world: mw.World) -> None:
    client = mw.client_for(cast.office_a)
    url = reverse("archive-sheet-enterprise", args=[world.enterprise.pk])
    masked = client.get(url).content.decode()
    assert mw.ENTERPRISE_PHONE_MASKED in masked and 'data-testid="full-export-form"' in masked
    mw.assert_masked(masked)
    response = client.post(url, {"reason": "打印存档"})
    assert response.status_code == 200
    full = response.content.decode()
    assert mw.ENTERPRISE_PHONE_SHOWN in full and mw.ADDRESS in full
    assert 'data-testid="watermark"' in full and "导出人 office_a · " in full and FULL_MARK in full
    [export] = mw.records("export")
    assert export.detail.startswith("page ") and export.reason == "打印存档"
    project_page = client.post(reverse("archive-sheet-project", args=[world.project.pk]), {"reason": "打印"})
    assert mw.ENTERPRISE_PHONE_SHOWN in project_page.content.decode()


def test_another_areas_staff_export_nothing(cast: Cast, world: mw.World) -> None:
    client = mw.client_for(cast.office_b)
    url = reverse("archive-sheet-enterprise-xlsx", args=[world.enterprise.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "看看"}).status_code == 404
    assert mw.records("export") == []


def test_the_api_sheet_is_masked_and_in_full_for_a_reason(cast: Cast, world: mw.World) -> None:
    client = APIClient()
    client.force_authenticate(cast.office_a)
    url = reverse("archive-api-sheet-enterprise", args=[world.enterprise.pk])
    assert header_values(book(client.get(url)).active)["联系电话"] == mw.ENTERPRISE_PHONE_MASKED
    refused = client.post(url, {"reason": ""}, format="json")
    assert refused.status_code == 400
    assert [f["field"] for f in refused.json()["fields"]] == ["reason"]
    assert "reason" in refused.json()["message_en"].lower()
    full = book(client.post(url, {"reason": "接口对账", "from": "2020-01-01"}, format="json"))
    assert header_values(full.active)["联系电话"] == mw.ENTERPRISE_PHONE_SHOWN
    assert all(FULL_MARK in mark for mark in marks(full))
    assert [(r.detail.split()[-1], r.reason) for r in mw.records("export")] == [
        ("masked", ""),
        ("full", "接口对账"),
    ]


# --- the audit export ----------------------------------------------------------------------------


@pytest.fixture
def personal_event(cast: Cast) -> Any:
    with transaction.atomic():
        return record(
            Action.ENTERPRISE_UPDATED,
            actor=cast.office_a,
            target_type="enterprise",
            target_id="91310117000000001X",
            before={"contact_name": mw.ENTERPRISE_CONTACT, "phone": mw.ENTERPRISE_PHONE},
            after={"contact_name": mw.CASE_CONTACT, "phone": mw.CASE_PHONE, "address": mw.ADDRESS},
        )


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body, newline="")))


def test_the_audit_export_masks_before_and_after(cast: Cast, personal_event: Any) -> None:
    client = mw.client_for(cast.auditor)
    rows = csv_rows(client.get(reverse("audit-export-csv")))
    text = "\n".join(",".join(row) for row in rows)
    assert mw.ENTERPRISE_PHONE_MASKED in text and mw.CASE_PHONE_MASKED in text and mw.ADDRESS_MASKED in text
    mw.assert_masked(text)
    workbook = book(client.get(reverse("audit-export-xlsx")))
    assert mw.CASE_CONTACT_MASKED in sheet_text(workbook)
    mw.assert_masked(sheet_text(workbook))
    assert [(r.subject, r.detail.split()[:2]) for r in mw.records("export")] == [
        ("audit_export", ["csv", "masked"]),
        ("audit_export", ["xlsx", "masked"]),
    ]


def test_the_full_audit_export_needs_a_reason_and_carries_the_watermark(
    cast: Cast, personal_event: Any
) -> None:
    client = mw.client_for(cast.auditor)
    query = "target_type=enterprise"
    rows = csv_rows(client.post(reverse("audit-export-csv"), {"query": query, "reason": "审计抽查"}))
    assert rows[0][0].startswith("导出人 auditor · ") and rows[0][0].endswith(FULL_MARK)
    text = "\n".join(",".join(row) for row in rows)
    assert mw.CASE_PHONE in text and mw.ADDRESS in text
    workbook = book(client.post(reverse("audit-export-xlsx"), {"query": query, "reason": "审计抽查"}))
    assert mw.CASE_PHONE in sheet_text(workbook)
    assert all(FULL_MARK in mark for mark in marks(workbook))
    exports = mw.records("export")
    assert [r.reason for r in exports] == ["审计抽查", "审计抽查"]
    assert all("target_type=enterprise" in r.detail and " full " in r.detail for r in exports)


def test_a_full_audit_export_without_a_reason_is_refused(cast: Cast, personal_event: Any) -> None:
    client = mw.client_for(cast.auditor)
    for name in ("audit-export-csv", "audit-export-xlsx"):
        response = client.post(reverse(name), {"query": "", "reason": ""})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'data-testid="full-export-error"' in html and "原因" in html
        mw.assert_masked(html)
    assert mw.records("export") == []
    # Only those who may read the audit log export it, masked or not.
    refused = mw.client_for(cast.operator_a).post(reverse("audit-export-csv"), {"reason": "看看"})
    assert refused.status_code == 403
    assert mw.records("export") == []


def test_the_audit_pages_and_api_mask_payloads(cast: Cast, personal_event: Any) -> None:
    client = mw.client_for(cast.auditor)
    page = client.get(reverse("audit-event", args=[personal_event.pk])).content.decode()
    assert mw.CASE_PHONE_MASKED in page and mw.ENTERPRISE_CONTACT_MASKED in page
    mw.assert_masked(page)
    api = APIClient()
    api.force_authenticate(cast.auditor)
    [row] = [
        r for r in api.get(reverse("audit-event-list")).json()["results"] if r["id"] == personal_event.pk
    ]
    assert row["after"] == {
        "contact_name": "欧***",
        "phone": mw.CASE_PHONE_MASKED,
        "address": mw.ADDRESS_MASKED,
    }
    assert row["before"] == {
        "contact_name": mw.ENTERPRISE_CONTACT_MASKED,
        "phone": mw.ENTERPRISE_PHONE_MASKED,
    }


def test_a_change_that_masks_alike_is_still_listed(cast: Cast) -> None:
    """The difference is taken before masking: two phones with the same ends still differ."""
    with transaction.atomic():
        event = record(
            Action.ENTERPRISE_UPDATED,
            target_type="enterprise",
            target_id="91310117000000001X",
            before={"phone": "+8613912340000", "nested": {"contact_name": "王小明"}},
            after={"phone": "+8613955550000", "nested": {"contact_name": "王小红"}},
        )
    lines = {line.path: line for line in lines_for([event])[event.pk]}
    assert set(lines) == {"phone", "nested.contact_name"}
    phone = lines["phone"]
    assert (phone.kind, phone.old, phone.new) == ("changed", "139****0000", "139****0000")
    assert (lines["nested.contact_name"].old, lines["nested.contact_name"].new) == ("王**", "王**")
    tooltips = "".join(line.old_json + line.new_json for line in lines.values())
    assert "1391234" not in tooltips and "王小" not in tooltips
