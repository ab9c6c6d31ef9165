"""The editor's approval-operations group (issue 17): an admin makes a task's opinion required
and stops it offering 催办; the draft holds exactly the two properties the service reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Page, expect

from studio.models import ModelDraft
from tests.browser.test_studio_panel import SELECT, Shoot, deployed, entry, open_editor, saved
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast
from workflows.parsing import NSMAP
from workflows.validation import task_properties

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def review_properties() -> dict[str, str]:
    xml = str(ModelDraft.objects.get().files["service_case.bpmn"])
    task = etree.fromstring(xml.encode("utf-8")).find(".//bpmn:userTask[@id='review']", NSMAP)
    return task_properties(task)


def test_an_admin_requires_an_opinion_and_withdraws_urging(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    deployed(ROOT / "bpmn" / "service_case.bpmn", "service_case")
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base, "service_case")
    page.evaluate(SELECT, "review")
    expect(entry(page, "nqi-operation-urge")).to_be_checked()
    expect(entry(page, "nqi-operation-copy")).not_to_be_checked()
    expect(entry(page, "nqi-opinion-required")).not_to_be_checked()
    entry(page, "nqi-operation-urge").uncheck()
    saved(page, 2)
    entry(page, "nqi-opinion-required").check()
    saved(page, 3)
    props = review_properties()
    assert props["operations"] == "opinion,return,recall,add_signers,delegate,transfer"
    assert props["opinionRequired"] == "true"
    shoot("01-operations")
    # Back to the defaults: the list is removed rather than spelled out.
    entry(page, "nqi-operation-urge").check()
    saved(page, 4)
    assert "operations" not in review_properties()
    # 直接提交至退回节点 and a fixed 抄送 list are two more properties of the group.
    entry(page, "nqi-resubmit").check()
    saved(page, 5)
    entry(page, "nqi-copy-to").fill("reviewer, office_staff@office-yueyang")
    entry(page, "nqi-copy-to").blur()
    saved(page, 6)
    props = review_properties()
    assert props["resubmit"] == "returner"
    assert props["copyTo"] == "reviewer, office_staff@office-yueyang"
    entry(page, "nqi-submit-label").fill("通过")
    entry(page, "nqi-submit-label").blur()
    saved(page, 7)
    assert review_properties()["submitLabel"] == "通过"
    entry(page, "nqi-work-page").fill("/scorecard/{{ self_eval.evaluation_id }}/")
    entry(page, "nqi-work-page").blur()
    saved(page, 8)
    assert review_properties()["workPage"] == "/scorecard/{{ self_eval.evaluation_id }}/"
