"""What-if numbers: strict thresholds, records still needed per computed item, manual options."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from casemgmt.models import OutcomeKind, ServiceProject
from casemgmt.scorecard.services import create_evaluation, set_score
from casemgmt.scorecard.whatif import for_evaluation, for_period, targets
from tests.factories import make_case, make_enterprise, make_record
from tests.personas import Cast

from .helpers import END, START, judge, outcomes, served, tick_all_checklists, visits

D = Decimal


def test_thresholds_are_strict() -> None:
    seventy, eighty = targets(D("70.0"))
    assert (seventy.passes, seventy.missing) == (False, D("0.1"))
    assert (eighty.passes, eighty.missing) == (False, D("10.1"))
    seventy, eighty = targets(D("70.1"))
    assert (seventy.passes, seventy.missing) == (True, D("0"))
    assert eighty.missing == D("10.0")
    assert all(t.passes for t in targets(D("110")))


@pytest.mark.django_db
def test_records_still_needed(project_a: ServiceProject, cast: Cast) -> None:
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 12)  # 6.0 of 10
    busy = make_enterprise()
    outcomes(project_a, OutcomeKind.INNOVATION, "standardization", 4, enterprise=busy)  # 0.5 of 5
    visits(project_a, 47, service_class="testing")  # 13: 4.7 of 5; 8: one class
    case = make_case(project=project_a)
    from casemgmt.models import Outcome

    Outcome.objects.bulk_create(
        Outcome(
            kind="training",
            subtype="training",
            project=project_a,
            enterprise=case.enterprise,
            case=case,
            obtained_on=START,
            title=f"培训{n}",
        )
        for n in range(250)
    )
    evaluation = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    tick_all_checklists(evaluation, cast.operator_a)
    judge(evaluation, cast.operator_a)
    evaluation.refresh_from_db()
    result = for_evaluation(evaluation)
    by_label = {o.label: o for o in result.options}
    certificates = by_label["12（1）"]
    assert (certificates.more_units, certificates.gain, certificates.unit_zh) == (8, D("4.0"), "份")
    assert (certificates.next_units, certificates.next_gain) == (1, D("0.5"))
    training = by_label["12（3）"]
    assert (training.more_units, training.gain, training.next_units, training.next_gain) == (
        250,
        D("3.0"),
        50,
        D("1.0"),
    )
    innovation = by_label["12（5）"]
    assert (innovation.more_units, innovation.gain) == (9, D("4.5"))
    assert "企业" in innovation.hint_zh
    smes = by_label["13"]
    assert (smes.more_units, smes.gain) == (3, D("0.3"))
    classes = by_label["8"]
    assert (classes.more_units, classes.gain) == (7, D("7.0"))
    assert "计量" in classes.hint_zh and "检验检测" not in classes.hint_zh
    typical = by_label["14a)"]
    assert (typical.more_units, typical.gain) == (5, D("10.0"))
    assert "合计不超过10.0分" in typical.hint_zh  # a), b) and c) share the cap
    assert "7" not in by_label and "15" not in by_label  # judged at the maximum
    assert result.total == evaluation.total
    seventy, eighty = result.targets
    assert seventy.missing == max(D("70.1") - evaluation.total, D("0"))
    assert eighty.missing == max(D("80.1") - evaluation.total, D("0"))


@pytest.mark.django_db
def test_manual_items_and_the_archive(project_a: ServiceProject, cast: Cast) -> None:
    closed = make_case(project=project_a, stage="closed", closed_at=served(START))
    visits(project_a, 1)
    evaluation = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    set_score(evaluation, 7, points="5", reason="理由", actor=cast.operator_a)
    result = for_evaluation(evaluation)
    archive = next(o for o in result.options if o.label == "10（2）")
    assert archive.record_ids == (closed.pk,) and archive.gain == D("2.0")
    judgment = next(o for o in result.options if o.label == "7")
    assert judgment.kind == "judgment" and judgment.gain == D("3.0")
    rules = next(o for o in result.options if o.label == "1(1)")
    assert rules.kind == "checklist" and rules.gain == D("1.0")
    make_record(case=closed, served_at=served(START))
    assert "10（2）" not in {o.label for o in for_period(project_a, START, END).options}


@pytest.mark.django_db
def test_for_period_matches_a_fresh_evaluation(project_a: ServiceProject, cast: Cast) -> None:
    outcomes(project_a, OutcomeKind.TITLE, "high_tech", 3)
    visits(project_a, 12, service_class="ip")
    preview = for_period(project_a, START, END)
    evaluation = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    assert (preview.base, preview.bonus, preview.total) == (
        evaluation.base,
        evaluation.bonus,
        evaluation.total,
    )
    assert preview.total == D("5.7")  # 8: 1, 10(2): 2, 13: 1.2 (base 4.2) + 16: 1.5


@pytest.mark.django_db
def test_project_whatif_page_and_api(project_a: ServiceProject, cast: Cast, api: Any) -> None:
    outcomes(project_a, OutcomeKind.QUALITY_HONOUR, "shanghai_brand", 2)
    from django.test import Client
    from django.urls import reverse

    page = Client()
    page.force_login(cast.office_a)
    url = reverse("scorecard-project-whatif", kwargs={"pk": project_a.pk})
    text = page.get(url, {"from": "2026-01-01", "to": "2026-12-31"}).content.decode()
    assert 'data-testid="option-17"' in text and "+3.0" in text
    data = (
        api(cast.operator_a)
        .get(
            reverse("scorecard-api-project-whatif", kwargs={"pk": project_a.pk}),
            {"from": "2026-01-01", "to": "2026-12-31"},
        )
        .json()
    )
    assert data["total"] == "2.0" and data["targets"][0]["missing"] == "68.1"
    assert (
        api(cast.operator_b)
        .get(reverse("scorecard-api-project-whatif", kwargs={"pk": project_a.pk}))
        .status_code
        == 404
    )
    other = Client()
    other.force_login(cast.office_b)
    assert other.get(url).status_code == 404
