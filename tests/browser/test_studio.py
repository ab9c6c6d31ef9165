"""The process studio in a real browser: a process admin uploads a zip, validates and deploys it,
sees the diagram with where cases stand, deploys a change and sees it coloured on the diagram.

Elements are found by data-testid, names and structure, never by visible text."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser_support import sign_in
from tests.conftest import BPMN_DIR
from tests.factories import TEST_PASSWORD
from tests.personas import Cast
from workflows.deploy import bundle_for
from workflows.models import ProcessModelVersion

from .cases import start_case, with_layout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"approval/{name}", text)
    return buffer.getvalue()


def approval_zip(district_name: str = "区局审核") -> dict[str, Any]:
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    text = with_layout(files["approval.bpmn"], "approval").replace(
        'name="区局审核"', f'name="{district_name}"'
    )
    files["approval.bpmn"] = text
    return {"name": "approval.zip", "mimeType": "application/zip", "buffer": zipped(files)}


def upload(page: Page, zip_file: dict[str, Any], button: str, note: str = "") -> None:
    form = page.get_by_test_id("upload-form")
    form.locator("input[name=files]").set_input_files(zip_file)  # type: ignore[arg-type]
    form.locator("input[name=model_key]").fill("approval")
    form.locator("input[name=note]").fill(note)
    form.locator(f"button[name={button}]").click()


def test_an_admin_uploads_deploys_and_compares_versions(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    page.goto(f"{base}/studio/")

    # Validate: the result panel answers in place, nothing is deployed, the files stay chosen.
    upload(page, approval_zip(), "validate")
    expect(page.get_by_test_id("upload-valid")).to_be_visible()
    assert not ProcessModelVersion.objects.exists()

    # A broken diagram: every problem listed, still nothing deployed.
    broken = approval_zip()
    broken["buffer"] = zipped({"approval.bpmn": "<bpmn:definitions"})
    upload(page, broken, "validate")
    expect(page.get_by_test_id("upload-problems")).to_be_visible()
    assert not ProcessModelVersion.objects.exists()

    upload(page, approval_zip(), "deploy", note="首次上线")
    row = page.locator('[data-testid="model-table"] tbody[data-model="approval"]')
    expect(row).to_be_visible()
    assert ProcessModelVersion.objects.get().change_note == "首次上线"
    shoot("01-models")

    for n in range(2):
        start_case(cast, f"SQ-{n}", f"申请 {n}")
    page.goto(f"{base}/studio/approval/")
    expect(page.get_by_test_id("studio-diagram")).to_have_attribute("data-ready", "true")
    counts = page.locator('.activity-counts[data-activity="submit"] .count-badge.tasks')
    expect(counts).to_have_text("2")
    page.locator("[data-diagram=zoom-in]").click()
    page.locator("[data-diagram=fit]").click()
    shoot("02-model-page")

    page.goto(f"{base}/studio/")
    upload(page, approval_zip("区局复核"), "deploy", note="改名")
    expect(page.locator('tbody[data-model="approval"] tr.version-row')).to_have_count(2)
    page.goto(f"{base}/studio/approval/?version=2&compare=1")
    expect(page.get_by_test_id("studio-diagram")).to_have_attribute("data-ready", "true")
    expect(page.locator('g.djs-element.diff-changed[data-element-id="district_review"]')).to_have_count(1)
    expect(page.get_by_test_id("diff-changed")).to_contain_text("区局复核")
    shoot("03-compare")
