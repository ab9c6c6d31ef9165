"""The form designer in a real browser: a process admin opens a form of the service_case draft from
the editor page, adds a lookup field for a technical institution, sees it in the preview as the
task page's searchable picker while typing (nothing saved yet), saves, and the draft holds it.

Elements are found by data-testid and input names, never by visible text."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from studio import drafts
from studio.models import ModelDraft
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast
from workflows.deploy import bundle_for, deploy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]
ROOT = Path(__file__).resolve().parents[2]
FORM = "service_case_assist.json"


def test_an_admin_adds_a_lookup_field_sees_its_picker_and_saves_it(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    deploy(bundle_for(ROOT / "bpmn" / "service_case.bpmn"), actor=None, model_key="service_case")
    drafts.start("service_case", actor=cast.admin)
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    page.goto(f"{base}/studio/service_case/edit/")
    page.locator(f'[data-testid="design-form"][href$="/{FORM}/"]').click()
    expect(page.get_by_test_id("designer-row")).to_have_count(1)
    preview = page.get_by_test_id("form-preview")
    expect(preview.locator('[data-field="assist_note"]')).to_be_visible()

    page.get_by_test_id("add-field").click()
    row = page.get_by_test_id("designer-row").nth(1)
    expect(row).to_be_visible()
    row.get_by_test_id("field-name").fill("institution_id")
    row.get_by_test_id("field-kind").select_option("lookup")
    # Choosing the kind answers the row again with the inputs that kind has.
    source = page.get_by_test_id("designer-row").nth(1).get_by_test_id("field-lookup")
    expect(source).to_be_visible()
    source.select_option("institution")
    page.get_by_test_id("designer-row").nth(1).get_by_test_id("field-title").fill("技术机构")

    picker = preview.get_by_test_id("lookup-institution_id")
    expect(picker).to_be_visible()
    expect(preview.locator('[data-field="institution_id"] label').first).to_contain_text("技术机构")
    expect(picker.get_by_test_id("lookup-search-institution_id")).to_be_visible()
    assert ModelDraft.objects.get().revision == 1  # the preview saved nothing
    shoot("01-lookup-in-preview")

    page.get_by_test_id("save-form").click()
    expect(page.get_by_test_id("form-no-problems")).to_be_visible()
    expect(page.get_by_test_id("designer-row")).to_have_count(2)
    draft = ModelDraft.objects.get()
    assert draft.revision == 2
    form = json.loads(draft.files[FORM])
    lookup = {"type": "integer", "title": "技术机构", "x-lookup": "institution"}
    assert form["properties"]["institution_id"] == lookup
    assert list(form["properties"]) == ["assist_note", "institution_id"]
    assert form["required"] == ["assist_note"]
    shoot("02-saved")
