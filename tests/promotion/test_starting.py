"""The one "start an assessment" form (casemgmt/promotion/starting.py): the same form on the
scorecard list, the promotion report and a project's page, offering each user the kinds they may
start; a refused start changes nothing and says why."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from casemgmt.promotion.models import ProjectAssessment
from casemgmt.promotion.starting import PROMOTION, start_form
from casemgmt.scorecard.models import Evaluation
from tests.personas import Cast

from .support import project_b, project_in, setup_promotion

PERIOD = {"period_start": "2026-01-01", "period_end": "2026-12-31"}


def client_for(user: Any, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def ready(cast: Cast) -> Cast:
    setup_promotion()
    return cast


@pytest.mark.django_db
def test_each_user_is_offered_what_they_may_start(ready: Cast) -> None:
    mine, theirs = project_in(), project_b()
    office = start_form(ready.office_a)
    assert office is not None
    offered = {choice.project: [value for value, _ in choice.kinds] for choice in office.choices}
    # The office of area A: the cycle and its own evaluation for A's project; nothing of area B.
    assert offered == {mine: [PROMOTION, "office"]}
    operator = start_form(ready.operator_a)
    assert operator is not None
    assert {c.project: [v for v, _ in c.kinds] for c in operator.choices} == {mine: ["self"]}
    reviewer = start_form(ready.reviewer)
    assert reviewer is not None
    assert {c.project for c in reviewer.choices} == {mine, theirs}
    assert all(c.kinds[0][0] == PROMOTION for c in reviewer.choices)
    assert start_form(ready.auditor) is None
    assert start_form(ready.operator_a, theirs) is None


@pytest.mark.django_db
def test_the_same_form_is_on_the_three_pages(ready: Cast) -> None:
    project = project_in()
    office = client_for(ready.office_a)
    for url in (
        reverse("scorecard-list"),
        reverse("promotion-report"),
        reverse("promotion-project", args=[project.pk]),
    ):
        page = office.get(url).content.decode()
        assert page.count('data-testid="assessment-start"') == 1, url
        assert f'action="{reverse("assessment-start")}"' in page
        assert 'value="promotion"' in page and 'value="office"' in page
    # The old second form and its URL are gone.
    assert 'data-testid="promotion-start"' not in office.get(reverse("scorecard-list")).content.decode()


@pytest.mark.django_db
def test_a_cycle_and_a_scorecard_start_from_the_one_action(ready: Cast) -> None:
    project = project_in()
    url = reverse("assessment-start")
    cycle = client_for(ready.office_a).post(url, {"project": project.pk, "kind": PROMOTION, **PERIOD})
    assert cycle.status_code == 302 and cycle["Location"] == reverse("promotion-project", args=[project.pk])
    assert ProjectAssessment.objects.filter(project=project).count() == 1
    single = client_for(ready.operator_a).post(url, {"project": project.pk, "kind": "self", **PERIOD})
    evaluation = Evaluation.objects.get(project=project, instance__isnull=True)
    assert single["Location"] == reverse("scorecard-detail", args=[evaluation.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "zh", "en"),
    [
        ({"kind": "self", **PERIOD}, "请选择服务项目", "Choose a project"),
        ({"project": "A", "kind": "self", "period_start": "2026-01-01"}, "起止日期", "first and last day"),
        ({"project": "A", "kind": "bogus", **PERIOD}, "请选择评估方式", "Choose how to assess"),
        (
            {"project": "A", "kind": "self", "period_start": "2026-12-31", "period_end": "2026-01-01"},
            "结束日期",
            "must not end",
        ),
    ],
)
def test_bad_input_is_refused_in_both_languages_and_changes_nothing(
    ready: Cast, body: dict[str, str], zh: str, en: str
) -> None:
    project = project_in()
    if "project" in body:
        body = {**body, "project": str(project.pk)}
    events = AuditEvent.objects.count()
    for language, text in (("zh-hans", zh), ("en", en)):
        page = client_for(ready.operator_a, language).post(
            reverse("assessment-start"), {**body, "from": "scorecards"}, follow=True
        )
        assert page.status_code == 200 and text in page.content.decode(), (language, text)
        assert page.redirect_chain[-1][0] == reverse("scorecard-list")
    assert not Evaluation.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_who_may_not_start_is_refused(ready: Cast) -> None:
    mine, theirs = project_in(), project_b()
    url = reverse("assessment-start")
    # The organization may not start the cycle (403); another area's project does not exist for it.
    operator = client_for(ready.operator_a)
    assert operator.post(url, {"project": mine.pk, "kind": PROMOTION, **PERIOD}).status_code == 403
    assert operator.post(url, {"project": theirs.pk, "kind": "self", **PERIOD}).status_code == 404
    assert not ProjectAssessment.objects.exists() and not Evaluation.objects.exists()


@pytest.mark.django_db
def test_operators_reach_their_project_from_home_and_the_report(ready: Cast) -> None:
    project = project_in()
    operator = client_for(ready.operator_a)
    home = operator.get(reverse("home")).content.decode()
    assert reverse("promotion-project", args=[project.pk]) in home
    assert operator.get(reverse("promotion-report")).status_code == 200
    page = operator.get(reverse("promotion-project", args=[project.pk])).content.decode()
    assert reverse("scorecard-project-whatif", args=[project.pk]) in page
