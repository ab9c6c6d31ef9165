"""Typical cases: offices submit for their area's projects, the district reviews; selected ones
count for indicator 14."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from casemgmt.models import ServiceProject
from casemgmt.scorecard.models import TypicalCase
from casemgmt.scorecard.services import create_evaluation
from casemgmt.scorecard.typical_cases import review_typical_case, submit_typical_case
from core.errors import Conflict, InvalidInput, PermissionDenied
from tests.factories import make_case
from tests.personas import Cast

from .helpers import END, START


def submit(project: ServiceProject, actor: object, **changes: object) -> TypicalCase:
    case = make_case(project=project)
    values: dict[str, object] = {
        "project": project,
        "quarter": "2026Q2",
        "kind": "a",
        "title": "帮助企业提升产品合格率",
        "description": "通过计量校准与工艺改进，合格率由92%提升至98%。",
        "case_ids": [case.pk],
        "actor": actor,
    }
    values.update(changes)
    return submit_typical_case(**values)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_submit_and_review(project_a: ServiceProject, cast: Cast) -> None:
    typical = submit(project_a, cast.office_a)
    assert typical.status == "submitted" and typical.office.code == "office-fangsong"
    assert typical.quarter_start.isoformat() == "2026-04-01"
    assert AuditEvent.objects.filter(action="typical_case.submitted", target_id=str(typical.pk)).exists()
    evaluation = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    assert evaluation.total == 0  # submitted is not yet accepted
    review_typical_case(typical.pk, decision="selected", actor=cast.reviewer)
    review_typical_case(typical.pk, decision="reported_to_city", actor=cast.reviewer)
    later = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    assert later.scores.get(indicator__number=14).points == 2
    assert AuditEvent.objects.filter(action="typical_case.reviewed", target_id=str(typical.pk)).count() == 2
    with pytest.raises(Conflict):
        review_typical_case(typical.pk, decision="rejected", note="x", actor=cast.reviewer)


@pytest.mark.django_db
def test_who_submits_and_reviews(project_a: ServiceProject, cast: Cast) -> None:
    for user in (cast.office_b, cast.operator_a, cast.reviewer, cast.auditor, cast.enterprise_a):
        with pytest.raises(PermissionDenied):
            submit(project_a, user)
    typical = submit(project_a, cast.office_a)
    for user in (cast.office_a, cast.operator_a, cast.auditor):
        with pytest.raises(PermissionDenied):
            review_typical_case(typical.pk, decision="selected", actor=user)
    assert TypicalCase.objects.get().status == "submitted"


@pytest.mark.django_db
def test_bad_input(project_a: ServiceProject, project_b: ServiceProject, cast: Cast) -> None:
    bad: list[tuple[dict[str, object], str]] = [
        ({"quarter": "2026Q5"}, "quarter"),
        ({"quarter": "Q3"}, "quarter"),
        ({"kind": "d"}, "kind"),
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"case_ids": []}, "cases"),
        ({"case_ids": [make_case(project=project_b).pk]}, "cases"),
    ]
    for changes, field in bad:
        with pytest.raises(InvalidInput) as refused:
            submit(project_a, cast.office_a, **changes)
        assert field in {f.field for f in refused.value.fields}
    typical = submit(project_a, cast.office_a)
    with pytest.raises(InvalidInput):
        review_typical_case(typical.pk, decision="rejected", note="", actor=cast.reviewer)
    with pytest.raises(InvalidInput):
        review_typical_case(typical.pk, decision="approved", actor=cast.reviewer)
    assert TypicalCase.objects.count() == 1


@pytest.mark.django_db
def test_pages(project_a: ServiceProject, project_b: ServiceProject, cast: Cast) -> None:
    case = make_case(project=project_a)
    office = Client()
    office.force_login(cast.office_a)
    form = office.get(reverse("scorecard-typical-case-create"))
    assert form.status_code == 200 and project_b.name not in form.content.decode()
    bad = office.post(
        reverse("scorecard-typical-case-create"),
        {
            "project": project_a.pk,
            "quarter": "2026Q2",
            "kind": "b",
            "title": "降本增效",
            "description": "…",
            "cases": "NOPE-1",
        },
    )
    assert bad.status_code == 400 and "NOPE-1" in bad.content.decode()
    done = office.post(
        reverse("scorecard-typical-case-create"),
        {
            "project": project_a.pk,
            "quarter": "2026Q2",
            "kind": "b",
            "title": "降本增效",
            "description": "…",
            "cases": case.case_no,
        },
    )
    assert done.status_code == 302
    typical = TypicalCase.objects.get()
    assert list(typical.cases.all()) == [case]
    district = Client()
    district.force_login(cast.reviewer)
    listing = district.get(reverse("scorecard-typical-cases")).content.decode()
    assert f'data-testid="review-{typical.pk}"' in listing
    district.post(
        reverse("scorecard-typical-case-review", kwargs={"pk": typical.pk}), {"decision": "selected"}
    )
    typical.refresh_from_db()
    assert typical.status == "selected"
    other = Client()
    other.force_login(cast.office_b)
    assert "降本增效" not in other.get(reverse("scorecard-typical-cases")).content.decode()
    url = reverse("scorecard-typical-case-review", kwargs={"pk": typical.pk})
    assert other.post(url, {"decision": "rejected", "note": "x"}).status_code == 404
