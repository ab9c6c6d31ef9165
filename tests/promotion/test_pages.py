"""The promotion pages and API as people use them (permissions: tests/matrix/promotion.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casemgmt.promotion.models import ProjectAssessment
from casemgmt.promotion.naming import proposed_district_name
from casemgmt.promotion.services import start_assessment
from casemgmt.scorecard.models import Evaluation
from tests.personas import Cast
from workflows.models import HumanTask

from .support import open_task, project_b, project_in, score_stage, setup_promotion


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def ready(cast: Cast) -> Cast:
    setup_promotion()
    return cast


@pytest.mark.django_db
def test_office_starts_from_the_project_page_and_bad_periods_are_refused(ready: Cast) -> None:
    project = project_in()
    office = client_for(ready.office_a)
    page = office.get(reverse("promotion-project", args=[project.pk]))
    assert page.status_code == 200 and 'data-testid="assessment-start"' in page.content.decode()
    url = reverse("assessment-start")
    form = {"project": project.pk, "kind": "promotion", "from": "project"}
    backwards = {**form, "period_start": "2026-12-31", "period_end": "2026-01-01"}
    refused = office.post(url, backwards, follow=True)
    assert "结束日期早于开始日期" in refused.content.decode() or "评估期不正确" in refused.content.decode()
    assert refused.redirect_chain[-1][0] == reverse("promotion-project", args=[project.pk])
    assert not ProjectAssessment.objects.exists()
    office.post(url, {**form, "period_start": "2026-01-01", "period_end": "2026-12-31"})
    assert ProjectAssessment.objects.filter(project=project).count() == 1
    again = office.post(url, {**form, "period_start": "2026-01-01", "period_end": "2026-12-31"}, follow=True)
    assert "正在进行中" in again.content.decode()
    assert ProjectAssessment.objects.filter(project=project).count() == 1
    # The organization itself may start only a scorecard of its own, not the promotion cycle.
    operator_page = client_for(ready.operator_a).get(reverse("promotion-project", args=[project.pk])).content
    assert 'value="promotion"' not in operator_page.decode() and 'value="self"' in operator_page.decode()


@pytest.mark.django_db
def test_report_shows_scores_and_the_pipeline_within_the_area(ready: Cast) -> None:
    mine, theirs = project_in(), project_b()
    first = start_assessment(
        mine.pk,
        actor=ready.reviewer,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    start_assessment(
        theirs.pk,
        actor=ready.reviewer,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    score_stage(first, "self", "66.6", ready.operator_a)
    district = client_for(ready.reviewer).get(reverse("promotion-report")).content.decode()
    assert mine.name in district and theirs.name in district and "66.6" in district
    assert "市场监管所效能评估" in district and "效能自评" in district  # whose turn: both steps
    office_b = client_for(ready.office_b).get(reverse("promotion-report")).content.decode()
    assert theirs.name in office_b and mine.name not in office_b
    filtered = (
        client_for(ready.reviewer)
        .get(reverse("promotion-report"), {"office": "office-yueyang"})
        .content.decode()
        .split('data-testid="assessment-start"')[0]  # the start form below lists every project
    )
    assert theirs.name in filtered and mine.name not in filtered
    api = client_for(ready.office_a).get(reverse("promotion-api-pipeline")).json()["results"]
    assert [(row["project"], row["task_spec"]) for row in api] == [(mine.code, "office_evaluation")]


@pytest.mark.django_db
def test_application_page_prefills_the_rule_name_and_sends_it(ready: Cast) -> None:
    project = project_in(industry_focus="食品制造")
    instance = start_assessment(
        project.pk,
        actor=ready.office_a,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    score_stage(instance, "self", "80.0", ready.operator_a)
    score_stage(instance, "office", "75.0", ready.office_a)
    task = open_task(instance, "apply")
    operator = client_for(ready.operator_a)
    url = reverse("promotion-apply", args=[task.pk])
    page = operator.get(url).content.decode()
    assert proposed_district_name(project) == "松江区食品制造产业质量基础设施“一站式”服务项目"
    assert 'value="松江区食品制造产业质量基础设施“一站式”服务项目"' in page
    response = operator.post(
        url, {"proposed_name": "松江区方松食品质量基础设施“一站式”服务项目", "statement": "申请"}
    )
    assert response.status_code == 302
    assert open_task(instance).task_spec == "office_recommend"
    client_for(ready.office_a).post(
        reverse("task-detail-page", args=[open_task(instance).pk]), {"f.office_decision": "recommend"}
    )
    assert (
        ProjectAssessment.objects.get(instance=instance).proposed_name
        == "松江区方松食品质量基础设施“一站式”服务项目"
    )
    assert HumanTask.objects.filter(
        instance=instance, task_spec="district_evaluation", status="open"
    ).exists()


@pytest.mark.django_db
def test_api_start_and_assessments(ready: Cast) -> None:
    from rest_framework.test import APIClient

    project = project_in()
    client = APIClient()
    client.force_authenticate(ready.office_a)
    url = reverse("promotion-api-start", args=[project.code])
    bad = client.post(url, {"period_start": "2026-01-01"}, format="json")
    assert bad.status_code == 400 and bad.json()["fields"][0]["field"] == "period_end"
    created = client.post(url, {"period_start": "2026-01-01", "period_end": "2026-12-31"}, format="json")
    assert created.status_code == 201 and created.json()["outcome"] == "in_progress"
    assert (
        client.post(
            url, {"period_start": "2026-01-01", "period_end": "2026-12-31"}, format="json"
        ).status_code
        == 409
    )
    listed = client.get(reverse("promotion-api-assessments", args=[project.code])).json()["results"]
    assert [row["self_total"] for row in listed] == [None]  # a draft has no score yet
    assert Evaluation.objects.filter(project=project, stage="self").count() == 1
