"""Every page, in zh-hans and in English, on the demo programme's data (casemgmt/demo/): each
answers, meets WCAG AA colour contrast (axe-core), and leaves a full-page screenshot in
test-artifacts/screenshots/every-page/<language>/ for a person to look through.

Which pages and who opens them: tests/browser/every_page.py, from the URL configuration.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from playwright.sync_api import Page

from casemgmt.demo import error_instance
from casemgmt.models import OrgUnit
from casemgmt.org.roles import Role
from studio import batches, changes, drafts
from tests.browser.every_page import PERSONAS, Visit, plan
from tests.browser.test_contrast import contrast_violations
from tests.browser_support import ARTIFACTS, sign_in
from tests.factories import TEST_PASSWORD, make_membership, make_user
from workflows.models import ProcessInstance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
LANGUAGES = ("zh-hans", "en")


def seed_the_demo() -> None:
    """scripts/run's seeding, then a password the test knows for each demo user."""
    quiet = io.StringIO()
    for command, *args in (
        ("deploy_bpmn", str(BPMN)),
        ("seed_demo",),
        ("load_registry",),
        ("load_sample_institutions",),
        ("load_scorecard_template",),
        ("seed_demo_cases",),
        ("seed_demo_programme",),
    ):
        call_command(command, *args, stdout=quiet)
    for user in get_user_model().objects.filter(username__in=[p for p in PERSONAS if p]):
        user.set_password(TEST_PASSWORD)
        user.save(update_fields=["password"])


def clients() -> dict[str, Client]:
    found = {"": Client()}
    for user in get_user_model().objects.filter(username__in=[p for p in PERSONAS if p]):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        found[user.get_username()] = client
    return found


def studio_work_under_way(admin: Client) -> None:
    """A draft being edited (the editor's pages) and a migration batch queued for the demo's
    instance in error (the batch page; no worker runs here, so the instance stays in error)."""
    admin.post(reverse("studio-editor-start", kwargs={"key": "service_case"}))
    author = get_user_model().objects.get(username="admin")
    # A change under review needs a second process admin (four-eyes) and a draft that differs.
    second = make_user(username="admin2")
    make_membership(user=second, role=Role.PROCESS_ADMIN, org_unit=OrgUnit.objects.get(code="district"))
    draft, _ = drafts.start("site_promotion", actor=author)
    form = json.loads(draft.files["site_promotion_guidance.json"])
    form["description"] = "整改指导意见请写明期限。"
    files = {"site_promotion_guidance.json": json.dumps(form, ensure_ascii=False, indent=2)}
    saved = drafts.save("site_promotion", actor=author, revision=draft.revision, files=files)
    changes.submit("site_promotion", actor=author, revision=saved.revision, note="补充整改指导说明")
    broken = ProcessInstance.objects.get(business_key=error_instance.BUSINESS_KEY)
    batches.start(
        error_instance.MODEL,
        [broken.pk],
        actor=author,
        version_number=broken.version.number + 1,
        reason="迁移到修正后的版本",
    )


def walk(page: Page, base: str, visits: list[Visit], language: str) -> dict[str, list[str]]:
    folder = ARTIFACTS / "every-page" / language
    folder.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    signed_in_as: str | None = None
    for visit in sorted(visits, key=lambda v: (v.persona, v.name)):
        if visit.persona != signed_in_as:
            page.context.clear_cookies()
            if visit.persona:
                sign_in(page, base, visit.persona, TEST_PASSWORD)
                page.wait_for_url(f"{base}/")
            page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            signed_in_as = visit.persona
        answer = page.goto(base + visit.path)
        where = f"{language} {visit.persona or 'anonymous'} {visit.name}"
        if answer is None or answer.status != 200:
            problems[where] = [f"status {answer.status if answer else 'none'}"]
            continue
        assert page.locator("html").get_attribute("lang") == language, where
        page.screenshot(path=str(folder / f"{visit.name}.png"), full_page=True)
        problems[where] = contrast_violations(page)
    return problems


def test_every_page_in_both_languages(page: Page, live_server: Any, tmp_path: Path) -> None:
    with override_settings(VAR_DIR=tmp_path):
        seed_the_demo()
    people = clients()
    studio_work_under_way(people["admin"])
    visits, unreached = plan(people)
    # A page nobody in the demo can open is a page the demo does not show: say which.
    assert unreached == [], unreached
    assert len(visits) >= 50, [v.name for v in visits]
    problems: dict[str, list[str]] = {}
    for language in LANGUAGES:
        problems.update(walk(page, live_server.url, visits, language))
    failing = {where: found for where, found in problems.items() if found}
    assert failing == {}, failing
