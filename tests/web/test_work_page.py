"""A task done on another page (the scorecard): the task page leads there, from the model's
`workPage`; the path is built safely from untrusted diagram text and case data."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from casemgmt.inbox.work_page import work_link
from casemgmt.promotion.services import start_assessment
from casemgmt.scorecard.models import Evaluation
from tests.personas import Cast
from tests.promotion.support import open_task, project_in, setup_promotion
from tests.web.inbox_support import client_for


@pytest.mark.parametrize(
    ("template", "data", "expected"),
    [
        ("/scorecard/{{ e.id }}/", {"e": {"id": 7}}, "/scorecard/7/"),
        ("/scorecard/{{ e.id }}/", {"e": {"id": "../../admin"}}, None),  # quoted, then refused
        ("/scorecard/{{ e.id }}/", {"e": {"id": "1/../../accounts"}}, None),
        ("//evil.example/x", {}, None),
        ("https://evil.example/", {}, None),
        ("javascript:alert(1)", {}, None),
        ("/no/such/page/", {}, None),
        ("", {}, None),
    ],
)
def test_only_a_path_of_this_site_is_linked(template: str, data: dict, expected: str | None) -> None:
    assert work_link(template, data) == expected


@pytest.mark.django_db
def test_the_self_assessment_task_leads_to_its_scorecard(cast: Cast) -> None:
    setup_promotion()
    project = project_in()
    instance = start_assessment(
        project.pk,
        actor=cast.office_a,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    own = Evaluation.objects.get(instance=instance, stage="self")
    task = open_task(instance)
    page = client_for(cast.operator_a, "zh-hans").get(reverse("task-detail-page", args=[task.pk]))
    html = page.content.decode()
    assert f'href="/scorecard/{own.pk}/" data-testid="work-page-link"' in html
    assert "/scorecard/" not in str(page.context["instructions"])  # no path as plain text any more
