"""The scorecard pages as users try them: fill, upload evidence, drill down, submit, download."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from casemgmt.models import OutcomeKind, ServiceProject
from casemgmt.scorecard.models import Evaluation, Evidence, SubItemScore
from casemgmt.scorecard.services import create_evaluation
from casemgmt.scorecard.submission import submit_evaluation
from tests.personas import Cast

from .helpers import END, START, judge, outcomes, pdf, visits

D = Decimal


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def start(project: ServiceProject, cast: Cast) -> Evaluation:
    return create_evaluation(project, START, END, stage="self", actor=cast.operator_a)


@pytest.mark.django_db
def test_the_operator_fills_and_submits_from_the_page(project_a: ServiceProject, cast: Cast) -> None:
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 3)
    # Starting one is the start form's business (tests/promotion/test_starting.py).
    evaluation = start(project_a, cast)
    client = client_for(cast.operator_a)
    page = client.get(reverse("scorecard-detail", kwargs={"pk": evaluation.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "制度建设" in text and 'data-testid="item-points-12-1">1.5<' in text
    score = reverse("scorecard-score", kwargs={"pk": evaluation.pk})
    client.post(score, {"indicator": "1", "sub_item": "1", "satisfied": "1", "evidence_file": pdf()})
    client.post(score, {"indicator": "7", "points": "6.5", "reason": "符合规划"})
    client.post(score, {"indicator": "15", "points": "4", "reason": "效益良好"})
    evaluation.refresh_from_db()
    assert evaluation.total == D("13.0")  # 1 + 1.5 + 6.5 + 4
    client.post(reverse("scorecard-submit", kwargs={"pk": evaluation.pk}))
    evaluation.refresh_from_db()
    assert evaluation.status == "submitted"
    after = client.get(reverse("scorecard-detail", kwargs={"pk": evaluation.pk})).content.decode()
    assert 'data-testid="submit-scorecard"' not in after


@pytest.mark.django_db
def test_errors_are_shown_and_change_nothing(project_a: ServiceProject, cast: Cast) -> None:
    evaluation = start(project_a, cast)
    client = client_for(cast.operator_a)
    score = reverse("scorecard-score", kwargs={"pk": evaluation.pk})
    response = client.post(score, {"indicator": "7", "points": "9", "reason": "x"}, follow=True)
    assert "分值须在 0 到 8.0 之间" in response.content.decode()
    response = client.post(reverse("scorecard-submit", kwargs={"pk": evaluation.pk}), follow=True)
    assert "须写明评分理由" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == "draft" and evaluation.total == D("0")


@pytest.mark.django_db
def test_evidence_downloads_only_for_those_who_see_the_evaluation(
    project_a: ServiceProject, cast: Cast
) -> None:
    evaluation = start(project_a, cast)
    client_for(cast.operator_a).post(
        reverse("scorecard-score", kwargs={"pk": evaluation.pk}),
        {"indicator": "2", "sub_item": "1", "satisfied": "1", "evidence_file": pdf("经费文件.pdf")},
    )
    evidence = Evidence.objects.get()
    url = reverse("scorecard-evidence", kwargs={"pk": evidence.pk})
    for user in (cast.operator_a, cast.office_a, cast.reviewer, cast.auditor):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
        assert "attachment" in response["Content-Disposition"]
    for user in (cast.operator_b, cast.office_b, cast.enterprise_a, cast.stranger):
        assert client_for(user).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page
    assert not evidence.file.name.endswith("经费文件.pdf")


@pytest.mark.django_db
def test_drilldown_lists_the_records_behind_each_point(project_a: ServiceProject, cast: Cast) -> None:
    records = visits(project_a, 3, size_class="micro")
    evaluation = start(project_a, cast)
    item = SubItemScore.objects.get(score__evaluation=evaluation, score__indicator__number=13)
    page = client_for(cast.office_a).get(
        reverse("scorecard-records", kwargs={"pk": evaluation.pk, "item_pk": item.pk})
    )
    text = page.content.decode()
    assert page.status_code == 200
    for record in records:
        assert f'data-record="servicerecord-{record.pk}"' in text
    assert text.count('data-testid="earned">0.1<') == 3
    manual = SubItemScore.objects.get(
        score__evaluation=evaluation, score__indicator__number=1, sub_item__position=1
    )
    url = reverse("scorecard-records", kwargs={"pk": evaluation.pk, "item_pk": manual.pk})
    assert client_for(cast.office_a).get(url).status_code == 404  # no records behind a manual item


@pytest.mark.django_db
def test_whatif_page(project_a: ServiceProject, cast: Cast) -> None:
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 12)
    evaluation = start(project_a, cast)
    text = (
        client_for(cast.operator_a)
        .get(reverse("scorecard-whatif", kwargs={"pk": evaluation.pk}))
        .content.decode()
    )
    assert 'data-testid="option-12（1）"' in text and "+4.0" in text
    assert "64.1" in text  # 70.1 − 6.0


@pytest.mark.django_db
def test_reports_pdf_and_xlsx(project_a: ServiceProject, cast: Cast) -> None:
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 3)
    evaluation = start(project_a, cast)
    judge(evaluation, cast.operator_a)
    submit_evaluation(evaluation, actor=cast.operator_a)
    client = client_for(cast.reviewer)
    response = client.get(reverse("scorecard-pdf", kwargs={"pk": evaluation.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert b"STSong-Light" in response.content
    response = client.get(reverse("scorecard-xlsx", kwargs={"pk": evaluation.pk}))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert any(row[1] == "制度建设" for row in values)
    assert values[-1][1:5] == ["总分", 110, None, 14.5]  # 8 + 5 + 1.5
    assert (
        client_for(cast.operator_b).get(reverse("scorecard-pdf", kwargs={"pk": evaluation.pk})).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_list_is_scoped(project_a: ServiceProject, project_b: ServiceProject, cast: Cast) -> None:
    mine = start(project_a, cast)
    theirs = create_evaluation(project_b, START, END, stage="self", actor=cast.operator_b)
    expectations = {
        cast.operator_a: {mine.pk},
        cast.office_a: {mine.pk},
        cast.operator_b: {theirs.pk},
        cast.reviewer: {mine.pk, theirs.pk},
        cast.auditor: {mine.pk, theirs.pk},
    }
    for user, expected in expectations.items():
        response = client_for(user).get(reverse("scorecard-list"))
        assert {row.pk for row in response.context["page"]} == expected, user
    assert client_for(cast.enterprise_a).get(reverse("scorecard-list")).status_code == 403


@pytest.mark.django_db
def test_the_scorecard_page_in_english(project_a: ServiceProject, cast: Cast) -> None:
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 12)
    evaluation = start(project_a, cast)
    client = client_for(cast.office_a)
    client.cookies["django_language"] = "en"
    text = client.get(reverse("scorecard-detail", kwargs={"pk": evaluation.pk})).content.decode()
    assert "Rules and procedures" in text and "Base score" in text
    whatif = client.get(reverse("scorecard-whatif", kwargs={"pk": evaluation.pk})).content.decode()
    assert "8 more certificates" in whatif and "+4.0" in whatif
