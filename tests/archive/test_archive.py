"""The enterprise archive (一企一档): scopes per role, time order, and the page itself."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from audit.actions import Action
from audit.services import record
from casemgmt.archive import timeline as archive
from casemgmt.models import ServiceCase
from casemgmt.models.service_case import CaseStage
from casemgmt.org import scopes
from tests.factories import make_case, make_outcome, make_record, make_user

from .conftest import Area, shanghai

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    ("persona", "cases"),
    [
        ("admin", {"FS-2026-00001", "YY-2026-00001"}),
        ("auditor", {"FS-2026-00001", "YY-2026-00001"}),
        ("reviewer", {"FS-2026-00001", "YY-2026-00001"}),
        ("office_a", {"FS-2026-00001"}),
        ("operator_a", {"FS-2026-00001"}),
        ("office_b", {"YY-2026-00001"}),
        ("operator_b", {"YY-2026-00001"}),
        ("enterprise_a", {"FS-2026-00001", "YY-2026-00001"}),  # their own enterprise, every project
        ("stranger", set()),
    ],
)
def test_case_scopes(area: Area, persona: str, cases: set[str]) -> None:
    user = getattr(area.cast, persona)
    assert set(scopes.visible_cases(user).values_list("case_no", flat=True)) == cases


def test_enterprise_scopes(area: Area) -> None:
    make_case(project=area.project_b, enterprise=area.other, case_no="YY-2026-00002")
    names = lambda persona: set(  # noqa: E731
        scopes.visible_enterprises(getattr(area.cast, persona)).values_list("name", flat=True)
    )
    both = {area.enterprise.name, area.other.name}
    assert names("reviewer") == both
    assert names("operator_a") == {area.enterprise.name}
    assert names("office_b") == both
    assert names("enterprise_a") == {area.enterprise.name}
    assert names("stranger") == set()


def test_project_scopes(area: Area) -> None:
    codes = lambda persona: set(  # noqa: E731
        scopes.visible_projects(getattr(area.cast, persona)).values_list("code", flat=True)
    )
    assert codes("operator_a") == {"fs-project"}
    assert codes("office_b") == {"yy-project"}
    assert codes("enterprise_a") == set()
    assert {"fs-project", "yy-project"} <= codes("auditor")


def test_an_operator_whose_office_has_another_project_sees_only_their_own(area: Area) -> None:
    # A second operator under office A: office A sees both projects, each operator only their own.
    from casemgmt.models import OrgUnit
    from tests.factories import make_membership, make_org_unit, make_project

    office_a = OrgUnit.objects.get(code="office-fangsong")
    other_operator = make_org_unit(code="operator-fs2", kind=OrgUnit.Kind.OPERATOR, parent=office_a)
    second = make_project(
        code="fs2", case_prefix="FSB", coordinating_office=office_a, operator=other_operator
    )
    make_case(project=second, enterprise=area.enterprise, case_no="FSB-2026-00001")
    colleague = make_user(username="operator_fs2")
    make_membership(user=colleague, org_unit=other_operator, role="operator")
    assert set(scopes.visible_cases(colleague).values_list("case_no", flat=True)) == {"FSB-2026-00001"}
    assert set(scopes.visible_cases(area.cast.office_a).values_list("case_no", flat=True)) == {
        "FS-2026-00001",
        "FSB-2026-00001",
    }


def _audited(case: ServiceCase, action: Action) -> None:
    with transaction.atomic():
        record(action, target_type="service_case", target_id=case.pk, business_key=case.case_no)


def test_entries_are_in_time_order(area: Area) -> None:
    case = area.case_a
    ServiceCase.objects.filter(pk=case.pk).update(submitted_at=shanghai(2026, 3, 1, 9, 0))
    ServiceCase.objects.filter(pk=area.case_b.pk).update(submitted_at=shanghai(2026, 3, 2, 9, 0))
    make_record(case=case, served_at=shanghai(2026, 3, 10, 14, 0), content="第二次上门")
    make_record(case=case, served_at=shanghai(2026, 3, 5, 10, 0), content="第一次上门")
    make_outcome(case=case, obtained_on=date(2026, 3, 10), title="校准证书", number="JZ-1")
    make_outcome(case=case, obtained_on=date(2026, 2, 1), title="更早的证书", number="JZ-0")
    _audited(case, Action.CASE_MATCHED)  # now: after everything above
    ServiceCase.objects.filter(pk=case.pk).update(
        stage=CaseStage.CLOSED, closed_at=shanghai(2026, 3, 20, 9, 0)
    )

    entries = archive.enterprise_entries(area.cast.admin, area.enterprise)
    seen = [
        (e.kind, e.case.case_no if e.case else None, e.record.content if e.record else None) for e in entries
    ]
    assert seen[:7] == [
        ("outcome", "FS-2026-00001", None),  # 2026-02-01
        ("submitted", "FS-2026-00001", None),  # 03-01
        ("submitted", "YY-2026-00001", None),  # 03-02
        ("service", "FS-2026-00001", "第一次上门"),  # 03-05
        ("service", "FS-2026-00001", "第二次上门"),  # 03-10 14:00
        ("outcome", "FS-2026-00001", None),  # 03-10, after that day's service
        ("closed", "FS-2026-00001", None),  # 03-20 from closed_at
    ]
    assert seen[7] == ("matched", "FS-2026-00001", None)  # audited now
    assert len(seen) == 8
    assert [e.at for e in entries] == sorted(e.at for e in entries)


def test_an_operator_sees_only_their_projects_part_of_the_archive(area: Area) -> None:
    make_outcome(case=area.case_a, title="方松证书", number="A-1")
    make_outcome(case=area.case_b, title="岳阳证书", number="B-1")
    kinds = lambda persona: [  # noqa: E731
        (e.kind, e.case.case_no if e.case else None)
        for e in archive.enterprise_entries(getattr(area.cast, persona), area.enterprise)
    ]
    assert {case for _, case in kinds("operator_a")} == {"FS-2026-00001"}
    assert {case for _, case in kinds("operator_b")} == {"YY-2026-00001"}
    assert {case for _, case in kinds("enterprise_a")} == {"FS-2026-00001", "YY-2026-00001"}

    page = client_for(area.cast.operator_a).get(
        reverse("archive-enterprise", kwargs={"pk": area.enterprise.pk})
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "方松证书" in text and "FS-2026-00001" in text
    assert "岳阳证书" not in text and "YY-2026-00001" not in text


def test_an_enterprise_outside_the_scope_is_404(area: Area) -> None:
    # area.other is served by project B only: operator_a must not even learn it exists.
    make_case(project=area.project_b, enterprise=area.other, case_no="YY-2026-00003")
    url = reverse("archive-enterprise", kwargs={"pk": area.other.pk})
    assert client_for(area.cast.operator_a).get(url).status_code == 404
    assert client_for(area.cast.enterprise_a).get(url).status_code == 404
    assert client_for(area.cast.operator_b).get(url).status_code == 200
    missing = reverse("archive-enterprise", kwargs={"pk": 999999})
    assert client_for(area.cast.admin).get(missing).status_code == 404


def test_the_archive_page_shows_details_entries_and_case_links(area: Area) -> None:
    make_record(case=area.case_a, served_at=shanghai(2026, 3, 5, 10, 0), content="上门校准指导")
    outcome = make_outcome(case=area.case_a, title="校准证书", number="JZ-9", issuer="市计量院")
    page = client_for(area.cast.office_a).get(
        reverse("archive-enterprise", kwargs={"pk": area.enterprise.pk})
    )
    text = page.content.decode()
    assert area.enterprise.name in text and area.enterprise.credit_code in text
    assert "上门校准指导" in text and "JZ-9" in text and "市计量院" in text
    assert reverse("archive-outcome-correct", kwargs={"pk": outcome.pk}) in text
    try:
        case_url = reverse("cases-detail", kwargs={"pk": area.case_a.pk})
    except NoReverseMatch:
        case_url = ""
    if case_url:
        assert f'href="{case_url}"' in text
    else:
        assert "FS-2026-00001" in text  # shown without a link until the case page exists
    # The auditor reads it but is offered no correction.
    read_only = client_for(area.cast.auditor).get(
        reverse("archive-enterprise", kwargs={"pk": area.enterprise.pk})
    )
    assert read_only.status_code == 200
    assert reverse("archive-outcome-correct", kwargs={"pk": outcome.pk}) not in read_only.content.decode()


def test_the_home_lists_only_the_scope(area: Area) -> None:
    make_case(project=area.project_b, enterprise=area.other, case_no="YY-2026-00004")
    text = client_for(area.cast.operator_a).get(reverse("archive-home")).content.decode()
    assert area.enterprise.name in text and area.other.name not in text
    assert "方松项目" in text and "岳阳项目" not in text
    found = client_for(area.cast.office_b).get(reverse("archive-home"), {"q": "岳阳电子"}).content.decode()
    assert area.other.name in found and area.enterprise.name not in found


def _page_queries(area: Area) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(area.cast.operator_a)
    url = reverse("archive-enterprise", kwargs={"pk": area.enterprise.pk})
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # The session middleware may refresh the session row on some requests: not the page's cost.
    session = ("django_session", "SAVEPOINT")
    return len([q for q in captured.captured_queries if not any(word in q["sql"] for word in session)])


def test_the_archive_page_costs_the_same_queries_however_long_it_is(area: Area) -> None:
    make_record(case=area.case_a)
    make_outcome(case=area.case_a, number="1")
    _page_queries(area)  # warms the directory's per-process membership cache
    small = _page_queries(area)
    for n in range(5):
        case = make_case(project=area.project_a, enterprise=area.enterprise, case_no=f"FS-2026-0020{n}")
        make_record(case=case)
        make_record(case=case, mode="other", mode_description="线上")
        make_outcome(case=case, number=str(n))
    assert _page_queries(area) == small


def test_each_case_offers_recording_to_those_who_may(area: Area) -> None:
    url = reverse("archive-enterprise", kwargs={"pk": area.enterprise.pk})
    link = reverse("archive-outcome-new-case", kwargs={"pk": area.case_a.pk})
    assert link in client_for(area.cast.operator_a).get(url).content.decode()
    assert link not in client_for(area.cast.reviewer).get(url).content.decode()
    assert link not in client_for(area.cast.enterprise_a).get(url).content.decode()
