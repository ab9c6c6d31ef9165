"""The task page shows what a decision is about: the assessment's scores, band and proposed name,
or the service case, with links only where the viewer may follow them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import Cast

from .support import complete, open_task, project_in, setup_promotion
from .test_process import to_office_band

pytestmark = pytest.mark.django_db


def page_for(user: Any, task_pk: int) -> str:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["django_language"] = "en"
    return client.get(reverse("task-detail-page", args=[task_pk])).content.decode()


def test_the_office_recommending_sees_scores_band_and_proposed_name(cast: Cast) -> None:
    setup_promotion()
    instance = to_office_band(cast, project_in(), "75.0", "70.1")
    complete(instance, "apply", cast.operator_a, {"proposed_name": "松江区方松产业质量基础设施服务项目"})
    task = open_task(instance)
    assert task.task_spec == "office_recommend"
    html = page_for(cast.office_a, task.pk)
    assert 'data-testid="related"' in html
    assert "75.0" in html and "70.1" in html and "松江区方松产业质量基础设施服务项目" in html
    assert 'data-testid="related-office"><a href="/scorecard/' in html
    assert 'data-testid="related-project"><a href="/promotion/projects/' in html


def test_a_service_case_task_names_its_case(cast: Cast) -> None:
    from tests.cases.conftest import projects_for
    from tests.cases.support import deploy_service_case, submit
    from tests.cases.support import open_task as open_case_task

    deploy_service_case()
    case = submit(projects_for(cast)[0], cast.operator_a, 1)
    html = page_for(cast.operator_a, open_case_task(case, "review").pk)
    assert f'data-testid="related-case"><a href="/cases/{case.pk}/">{case.case_no}</a>' in html
