"""The scorecard as one self-saving form: each input saved by htmx, answered with its part (saved,
or the refusal next to the field) and the summary out of band; a plain post still redirects."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from casemgmt.models import OutcomeKind, ServiceProject
from casemgmt.scorecard.models import Evaluation, Evidence, IndicatorScore, SubItemScore
from casemgmt.scorecard.services import create_evaluation
from casemgmt.scorecard.submission import submit_evaluation
from tests.personas import Cast

from .helpers import END, START, judge, outcomes, pdf, tick_all_checklists

D = Decimal
HTMX = {"HX-Request": "true"}


def client_for(user: object, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def evaluation(project_a: ServiceProject, cast: Cast) -> Evaluation:
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 3)  # 12(1): 1.5 from the records
    return create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)


def save(client: Client, evaluation: Evaluation, data: dict[str, Any], htmx: bool = True) -> Any:
    url = reverse("scorecard-score", kwargs={"pk": evaluation.pk})
    return client.post(url, data, headers=HTMX if htmx else None)


def oob(html: str, element_id: str) -> str:
    """The out-of-band element with this id in an htmx answer."""
    found = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*hx-swap-oob="true"[^>]*>.*?</\1>', html, re.S)
    assert found, f"no out-of-band #{element_id}"
    return found.group(0)


def item(evaluation: Evaluation, number: int, position: int) -> SubItemScore:
    return SubItemScore.objects.get(
        score__evaluation=evaluation, score__indicator__number=number, sub_item__position=position
    )


@pytest.mark.django_db
def test_a_tick_with_a_link_is_saved_in_place(evaluation: Evaluation, cast: Cast) -> None:
    client = client_for(cast.operator_a)
    response = save(
        client,
        evaluation,
        {
            "indicator": "1",
            "sub_item": "1",
            "satisfied": ["0", "1"],  # the hidden 0, then the ticked box
            "evidence_url": "https://example.org/rules.pdf",
            "evidence_note": "岗位职责",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The part itself (swapped into its place), now saved, with its evidence and points.
    assert html.lstrip().startswith("<div") and 'id="item-1-1"' in html
    assert 'data-testid="state-1-1"><span class="sc-saved" role="status">已保存<' in html
    assert "https://example.org/rules.pdf" in html and "岗位职责" in html
    assert 'data-testid="item-points-1-1">1.0<' in html
    # Out of band: the indicator's points, the group's subtotal and the summary.
    assert ">1.0<" in oob(html, "points-1")
    assert "1.0 / 20" in oob(html, "subtotal-1")
    summary = oob(html, "sc-summary")
    assert 'data-testid="total">2.5<' in summary  # 1.5 from the records + 1
    assert 'data-testid="summary-subtotal-1">1.0 / 20.0<' in summary
    assert 'href="#indicator-7"' in summary and 'href="#item-1-2"' not in summary  # unticked: nothing due
    assert item(evaluation, 1, 1).satisfied and Evidence.objects.get().note == "岗位职责"
    evaluation.refresh_from_db()
    assert evaluation.total == D("2.5")

    # Unticking saves too: the hidden 0 is all that is sent.
    html = save(client, evaluation, {"indicator": "1", "sub_item": "1", "satisfied": "0"}).content.decode()
    assert not item(evaluation, 1, 1).satisfied and 'data-testid="total">1.5<' in oob(html, "sc-summary")


@pytest.mark.django_db
def test_what_is_still_missing_is_shown_with_the_part_and_in_the_summary(
    evaluation: Evaluation, cast: Cast
) -> None:
    client = client_for(cast.operator_a)
    # Points first, the reason later: the points are saved, the missing reason is said.
    html = save(client, evaluation, {"indicator": "7", "points": "6.5", "reason": ""}).content.decode()
    assert 'id="judgment-7"' in html and "已保存" in html
    assert 'data-testid="notes-7"><li>指标7（合理布局）须写明评分理由。' in html
    summary = oob(html, "sc-summary")
    assert '<a href="#indicator-7">指标7（合理布局）须写明评分理由。</a>' in summary
    assert "还缺 2 项" in summary and "disabled" in summary  # 7 and 15 lack their reasons
    assert "6.5 / 30" in oob(html, "subtotal-2")
    html = save(
        client, evaluation, {"indicator": "7", "points": "6.5", "reason": "符合规划"}
    ).content.decode()
    assert 'data-testid="notes-7"' not in html and "还缺 1 项" in oob(html, "sc-summary")
    # A ticked item without evidence is due as well, linked to its own part.
    html = save(client, evaluation, {"indicator": "2", "sub_item": "1", "satisfied": "1"}).content.decode()
    assert 'data-testid="notes-2-1"' in html and 'href="#item-2-1"' in oob(html, "sc-summary")


@pytest.mark.parametrize(
    ("data", "field", "zh", "en"),
    [
        (
            {"indicator": "7", "points": "9", "reason": "理由"},
            "7-points",
            "得分: 分值须在 0 到 8.0 之间",
            "Points: Points must lie between 0 and 8.0",
        ),
        (
            {"indicator": "15", "points": "abc", "reason": "理由"},
            "15-points",
            "得分: 分值须为数字。",
            "Points: Points must be a number.",
        ),
        (
            {"indicator": "12", "sub_item": "1", "points": "11", "reason": "多计"},
            "12-1-points",
            "得分: 分值须在 0 到 10.0 之间",
            "Points: Points must lie between 0 and 10.0",
        ),
        (
            {"indicator": "1", "sub_item": "1", "satisfied": "1", "evidence_url": "ftp://example.org/x"},
            "1-1-evidence",
            "佐证材料: ",
            "Evidence: ",
        ),
    ],
)
@pytest.mark.django_db
def test_a_bad_value_is_refused_next_to_its_field_and_changes_nothing(
    evaluation: Evaluation, cast: Cast, data: dict[str, str], field: str, zh: str, en: str
) -> None:
    rows = (IndicatorScore, SubItemScore, Evidence)
    before = [list(model.objects.order_by("pk").values()) for model in rows]
    audits = AuditEvent.objects.count()
    for language, expected in (("zh-hans", zh), ("en", en)):
        response = save(client_for(cast.operator_a, language), evaluation, data)
        assert response.status_code == 400
        html = response.content.decode()
        error = re.search(rf'data-testid="error-{field}">([^<]*)<', html)
        assert error and error.group(1).startswith(expected), (language, html)
        assert 'aria-invalid="true"' in html and "sc-unsaved" in html
        # What was typed stays in its input to be corrected; the summary still shows what is stored.
        typed = data.get("points") or data.get("evidence_url")
        assert f'value="{typed}"' in html
        assert 'data-testid="total">1.5<' in oob(html, "sc-summary")
    assert [list(model.objects.order_by("pk").values()) for model in rows] == before
    assert AuditEvent.objects.count() == audits


@pytest.mark.django_db
def test_an_adjustment_is_audited_and_a_refused_one_is_not(evaluation: Evaluation, cast: Cast) -> None:
    client = client_for(cast.operator_a)
    audits = AuditEvent.objects.count()
    html = save(
        client, evaluation, {"indicator": "12", "sub_item": "1", "points": "2", "reason": "另有一份报告"}
    ).content.decode()
    assert 'data-testid="adjusted-12-1"' in html and "已保存" in html
    assert AuditEvent.objects.count() == audits + 1
    response = save(client, evaluation, {"indicator": "12", "sub_item": "1", "points": "-1", "reason": "x"})
    assert response.status_code == 400 and AuditEvent.objects.count() == audits + 1
    assert item(evaluation, 12, 1).points == D("2.0")


@pytest.mark.django_db
def test_a_note_waits_for_its_file_or_link(evaluation: Evaluation, cast: Cast) -> None:
    client = client_for(cast.operator_a)
    data = {"indicator": "3", "sub_item": "1", "satisfied": "1", "evidence_note": "联盟章程"}
    html = save(client, evaluation, data).content.decode()
    assert 'value="联盟章程"' in html and not Evidence.objects.exists()
    html = save(client, evaluation, {**data, "evidence_file": pdf("章程.pdf")}).content.decode()
    assert "章程.pdf" in html and 'value="联盟章程"' not in html
    assert Evidence.objects.get().note == "联盟章程"


@pytest.mark.django_db
def test_without_htmx_a_save_still_redirects_with_a_message(evaluation: Evaluation, cast: Cast) -> None:
    client = client_for(cast.operator_a)
    response = save(client, evaluation, {"indicator": "7", "points": "5", "reason": "符合"}, htmx=False)
    detail = reverse("scorecard-detail", kwargs={"pk": evaluation.pk})
    assert response.status_code == 302 and response["Location"] == f"{detail}#indicator-7"
    page = client.get(detail).content.decode()
    assert "指标 7 已保存。" in page
    response = save(client, evaluation, {"indicator": "7", "points": "9", "reason": "x"}, htmx=False)
    assert response.status_code == 302
    assert "分值须在 0 到 8.0 之间" in client.get(detail).content.decode()


@pytest.mark.django_db
def test_who_may_not_change_it_is_refused_as_before(
    evaluation: Evaluation, project_a: ServiceProject, cast: Cast
) -> None:
    data = {"indicator": "7", "points": "5", "reason": "理由"}
    assert save(client_for(cast.office_a), evaluation, data).status_code == 403  # sees it, may not change
    assert save(client_for(cast.operator_b), evaluation, data).status_code == 404  # outside the area
    assert save(client_for(cast.office_a), evaluation, data, htmx=False).status_code == 403
    assert save(client_for(cast.operator_a), evaluation, {**data, "indicator": "99"}).status_code == 404
    assert save(client_for(cast.operator_a), evaluation, {**data, "indicator": "x"}).status_code == 404
    assert IndicatorScore.objects.get(evaluation=evaluation, indicator__number=7).points == D("0")


@pytest.mark.django_db
def test_a_submitted_scorecard_refuses_in_place_and_reads_as_before(
    evaluation: Evaluation, cast: Cast
) -> None:
    tick_all_checklists(evaluation, cast.operator_a)
    judge(evaluation, cast.operator_a)
    client = client_for(cast.operator_a)
    stale = client.get(reverse("scorecard-detail", kwargs={"pk": evaluation.pk})).content.decode()
    assert 'data-testid="ready"' in stale and "还缺" not in stale
    submit_evaluation(evaluation, actor=cast.operator_a)
    # A save from the page still open in another tab: the part says why (409, swapped in).
    response = save(client, evaluation, {"indicator": "7", "points": "5", "reason": "改"})
    assert response.status_code == 409
    assert "该评分表已提交，不能再修改。" in response.content.decode()
    # The read-only sheet: no inputs, no summary panel, the totals as before.
    page = client.get(reverse("scorecard-detail", kwargs={"pk": evaluation.pk})).content.decode()
    main = page.split('id="main"')[1].split("</main>")[0]
    assert "<form" not in main and "<textarea" not in main and "hx-post" not in main
    assert 'data-testid="summary"' not in page
    assert 'data-testid="total">' in page and "scorecard.js" not in page


@pytest.mark.django_db
def test_the_page_is_one_form_with_a_summary(
    evaluation: Evaluation, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.operator_a)
    url = reverse("scorecard-detail", kwargs={"pk": evaluation.pk})
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert page.count('data-testid="summary"') == 1 and "scorecard/scorecard.js" in page
    parts = SubItemScore.objects.filter(score__evaluation=evaluation).count() + 2  # items, judgments 7 and 15
    assert len(re.findall(r"data-sc-part[ >]", page)) == parts
    assert page.count('hx-trigger="change"') > 26 and "<noscript><button" in page
    assert 'data-testid="missing-count">提交前还缺 2 项' in page
    # The service's own share (refreshing the totals: one update per indicator) is most of it.
    with django_assert_max_num_queries(50):
        save(client, evaluation, {"indicator": "1", "sub_item": "2", "satisfied": "1"})
    english = client_for(cast.operator_a, "en").get(url).content.decode()
    assert "3 items still missing before submitting" in english and "Saved" not in english
