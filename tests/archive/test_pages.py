"""The outcome forms and the project outcome list, as a user would use them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.models import Outcome
from tests.factories import make_outcome

from .conftest import Area

pytestmark = pytest.mark.django_db

PAST = (timezone.localdate() - timedelta(days=10)).isoformat()
CERTIFICATE = {
    "kind": "certificate",
    "subtype": "test_report",
    "title": "检验检测报告",
    "obtained_on": PAST,
    "number": "JC-2026-88",
    "issuer": "上海市质检院",
}


def client_for(user: object, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    return client


def test_recording_for_a_case_from_the_form(area: Area) -> None:
    url = reverse("archive-outcome-new-case", kwargs={"pk": area.case_a.pk})
    response = client_for(area.cast.operator_a).post(url, CERTIFICATE)
    assert response.status_code == 302
    assert response["Location"] == reverse("archive-enterprise", kwargs={"pk": area.enterprise.pk})
    outcome = Outcome.objects.get()
    assert (outcome.case_id, outcome.enterprise_id, outcome.project_id) == (
        area.case_a.pk,
        area.enterprise.pk,
        area.project_a.pk,
    )
    assert outcome.number == "JC-2026-88"


def test_each_subtype_option_names_its_kind_for_the_page_to_narrow(area: Area) -> None:
    url = reverse("archive-outcome-new-case", kwargs={"pk": area.case_a.pk})
    html = client_for(area.cast.operator_a).get(url).content.decode()
    assert 'value="calibration" data-kind="certificate"' in html
    assert "js/outcome_form.js" in html


def test_a_refused_form_shows_the_field_errors_in_the_pages_language(area: Area) -> None:
    url = reverse("archive-outcome-new-case", kwargs={"pk": area.case_a.pk})
    bad = {**CERTIFICATE, "number": "", "subtype": "patent"}
    zh = client_for(area.cast.operator_a).post(url, bad)
    assert zh.status_code == 400
    text = zh.content.decode()
    assert "证书或报告须填写编号。" in text and "该子类不属于所选的成果类别。" in text
    en = client_for(area.cast.operator_a, "en").post(url, bad).content.decode()
    assert "A certificate or report needs its number." in en
    future = {**CERTIFICATE, "obtained_on": (timezone.localdate() + timedelta(days=2)).isoformat()}
    assert "取得日期不能晚于今天。" in client_for(area.cast.operator_a).post(url, future).content.decode()
    assert not Outcome.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.OUTCOME_RECORDED.value).exists()


def test_recording_for_an_enterprise_chooses_among_my_projects(area: Area) -> None:
    url = reverse("archive-outcome-new-enterprise", kwargs={"pk": area.enterprise.pk})
    page = client_for(area.cast.operator_a).get(url).content.decode()
    assert 'value="fs-project"' in page and 'value="yy-project"' not in page
    # Project B is not operator_a's: choosing it is a form error, and nothing is written.
    refused = client_for(area.cast.operator_a).post(url, {**CERTIFICATE, "project": "yy-project"})
    assert refused.status_code == 400 and not Outcome.objects.exists()
    # A case of another project is refused by the service.
    other_case = client_for(area.cast.admin).post(
        url, {**CERTIFICATE, "project": "fs-project", "case": area.case_b.pk}
    )
    assert other_case.status_code == 400
    assert "该办件属于其他服务项目。" in other_case.content.decode()
    done = client_for(area.cast.operator_a).post(url, {**CERTIFICATE, "project": "fs-project"})
    assert done.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.enterprise_id == area.enterprise.pk and outcome.case_id is None


def test_recording_for_a_project_allows_a_project_honour(area: Area) -> None:
    url = reverse("archive-outcome-new-project", kwargs={"pk": area.project_a.pk})
    honour = {"kind": "quality_honour", "subtype": "shanghai_brand", "title": "上海品牌", "obtained_on": PAST}
    response = client_for(area.cast.office_a).post(url, honour)
    assert response.status_code == 302
    assert response["Location"] == reverse("archive-project-outcomes", kwargs={"pk": area.project_a.pk})
    title = client_for(area.cast.office_a).post(url, {**honour, "kind": "title", "subtype": "high_tech"})
    assert title.status_code == 400
    assert "此类成果须关联企业。" in title.content.decode()
    assert Outcome.objects.count() == 1


def test_correcting_from_the_form(area: Area) -> None:
    outcome = make_outcome(case=area.case_a, number="JC-1", obtained_on=date(2026, 1, 2))
    url = reverse("archive-outcome-correct", kwargs={"pk": outcome.pk})
    form = client_for(area.cast.operator_a).get(url).content.decode()
    assert 'value="JC-1"' in form and 'value="2026-01-02"' in form
    edited = {
        "kind": "certificate",
        "subtype": "test_report",
        "title": outcome.title,
        "obtained_on": "2026-01-02",
        "number": "JC-2",
    }
    no_reason = client_for(area.cast.operator_a).post(url, edited)
    assert no_reason.status_code == 400
    unchanged = client_for(area.cast.operator_a).post(url, {**edited, "number": "JC-1", "reason": "核对"})
    assert unchanged.status_code == 400 and "更正内容与原记录相同。" in unchanged.content.decode()
    outcome.refresh_from_db()
    assert outcome.number == "JC-1"
    done = client_for(area.cast.operator_a).post(url, {**edited, "reason": "编号录错"})
    assert done.status_code == 302
    outcome.refresh_from_db()
    assert outcome.number == "JC-2"
    event = AuditEvent.objects.get(action=Action.OUTCOME_CORRECTED.value)
    assert (event.before, event.after, event.reason) == ({"number": "JC-1"}, {"number": "JC-2"}, "编号录错")


def test_the_project_outcome_list_filters_by_kind_and_period(area: Area) -> None:
    make_outcome(case=area.case_a, title="一月的证书", number="A", obtained_on=date(2026, 1, 10))
    make_outcome(case=area.case_a, title="三月的证书", number="B", obtained_on=date(2026, 3, 10))
    make_outcome(
        case=area.case_a,
        kind="title",
        subtype="high_tech",
        title="高新技术企业",
        obtained_on=date(2026, 3, 1),
    )
    make_outcome(case=area.case_b, title="岳阳的证书", number="C", obtained_on=date(2026, 3, 10))
    url = reverse("archive-project-outcomes", kwargs={"pk": area.project_a.pk})
    client = client_for(area.cast.operator_a)
    every = client.get(url).content.decode()
    assert "一月的证书" in every and "三月的证书" in every and "高新技术企业" in every
    assert "岳阳的证书" not in every
    certificates = client.get(url, {"kind": "certificate", "from": "2026-02-01"}).content.decode()
    assert "三月的证书" in certificates
    assert "一月的证书" not in certificates and "高新技术企业" not in certificates
    upto = client.get(url, {"to": "2026-03-01"}).content.decode()
    assert "一月的证书" in upto and "高新技术企业" in upto and "三月的证书" not in upto
    assert client.get(url, {"from": "2026-03-01", "to": "2026-01-01"}).status_code == 400
    assert client.get(url, {"kind": "prize"}).status_code == 400


def test_the_correction_form_can_move_an_outcome_to_another_case(area: Area) -> None:
    from tests.factories import make_case

    second = make_case(project=area.project_a, enterprise=area.enterprise, case_no="FS-2026-00005")
    outcome = make_outcome(case=area.case_a, number="JC-1", obtained_on=date(2026, 1, 2))
    url = reverse("archive-outcome-correct", kwargs={"pk": outcome.pk})
    form = client_for(area.cast.office_a).get(url).content.decode()
    assert "FS-2026-00005" in form and "YY-2026-00001" not in form  # only this project's cases
    edited = {
        "kind": "certificate",
        "subtype": "test_report",
        "title": outcome.title,
        "obtained_on": "2026-01-02",
        "number": "JC-1",
        "case": second.pk,
        "reason": "关联了错误的办件",
    }
    assert client_for(area.cast.office_a).post(url, edited).status_code == 302
    outcome.refresh_from_db()
    assert outcome.case_id == second.pk
    # Another project's case is not on offer: a form error, nothing changed.
    assert client_for(area.cast.office_a).post(url, {**edited, "case": area.case_b.pk}).status_code == 400
    outcome.refresh_from_db()
    assert outcome.case_id == second.pk
