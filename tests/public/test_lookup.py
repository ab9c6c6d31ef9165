"""Public status lookup: case number + phone, identical refusals, rate limit, feedback, withdrawal."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.models import RateLimitHit, ServiceCase, ServiceProject
from casemgmt.public import access as public_access
from tests.factories import make_case, make_institution, make_record

from .support import advance_to_feedback, intake_body

pytestmark = pytest.mark.django_db
LOOKUP = "/public/status/"
PHONE = "13912345678"


def submitted(client: Client, project: ServiceProject, **overrides: Any) -> ServiceCase:
    response = client.post("/public/intake/", intake_body(project, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return ServiceCase.objects.get(case_no=response["Location"].split("/")[3])


def look_up(client: Client, case_no: str, phone: str) -> Any:
    return client.post(LOOKUP, {"case_no": case_no, "phone": phone})


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"', "", html)


def test_lookup_shows_the_stage_without_the_phone_in_any_url(
    project: ServiceProject, service_case_process: None
) -> None:
    case = submitted(Client(), project)
    visitor = Client()  # another browser: it proves itself with the number and the phone
    assert visitor.get(reverse("public-status", kwargs={"case_no": case.case_no}))["Location"] == (
        f"{LOOKUP}?case_no={case.case_no}"
    )
    response = look_up(visitor, case.case_no.lower(), "139 1234 5678")
    assert response.status_code == 302
    assert response["Location"] == f"/public/status/{case.case_no}/"
    assert PHONE not in response["Location"]
    page = visitor.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="stage">需求收集<' in html
    assert case.project.name in html and "尚未对接" in html
    assert 'data-testid="withdraw-form"' in html and 'data-testid="feedback-form"' not in html
    assert PHONE not in html  # the page never echoes the phone


def test_unknown_case_and_wrong_phone_get_the_identical_answer(
    project: ServiceProject, service_case_process: None
) -> None:
    case = submitted(Client(), project)
    unknown = look_up(Client(), "FS-2026-99999", "13900000000")
    wrong_phone = look_up(Client(), case.case_no, "13900000000")
    assert unknown.status_code == wrong_phone.status_code == 400
    # Same page apart from the case number typed in (and the per-session tokens).
    assert without_tokens(unknown.content.decode()).replace("FS-2026-99999", case.case_no) == without_tokens(
        wrong_phone.content.decode()
    )
    assert "没有与该办件编号和联系电话相符的办件" in unknown.content.decode()
    assert public_access.SESSION_KEY not in wrong_phone.wsgi_request.session


def test_failed_lookups_count_against_the_limit(
    project: ServiceProject, service_case_process: None, settings: Any
) -> None:
    settings.NQI_PUBLIC_LOOKUP_PER_HOUR = 3
    case = submitted(Client(), project)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for guess in ("13900000001", "13900000002", "13900000003"):
        assert look_up(guesser, case.case_no, guess).status_code == 400
    # The right phone now is refused too: guessing is not free.
    refused = look_up(guesser, case.case_no, PHONE)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 3000
    assert "每小时最多查询 3 次" in refused.content.decode()
    assert public_access.SESSION_KEY not in refused.wsgi_request.session
    assert RateLimitHit.objects.filter(scope="status-lookup").count() == 3
    # From another address the lookup works.
    assert look_up(Client(REMOTE_ADDR="203.0.113.10"), case.case_no, PHONE).status_code == 302


def test_status_shows_dates_institution_and_modes_but_no_staff_notes(project: ServiceProject) -> None:
    institution = make_institution(name="上海市质量监督检验技术研究院")
    case = make_case(
        project=project,
        case_no="FS-2026-00007",
        contact_phone="+86" + PHONE,
        stage=ServiceCase.Stage.FOLLOW_UP,
        matched_institution=institution,
        matched_expert="王专家（内部）",
        matching_note="员工内部对接说明",
    )
    make_record(
        case=case, served_at=timezone.make_aware(datetime.datetime(2026, 4, 2, 10)), content="内部服务内容"
    )
    make_record(
        case=case,
        served_at=timezone.make_aware(datetime.datetime(2026, 4, 9, 10)),
        mode="other",
        mode_description="线上会议",
        content="第二次内部记录",
    )
    other = make_case(project=project, case_no="FS-2026-00008", need="别家企业的需求")
    visitor = Client()
    assert look_up(visitor, case.case_no, PHONE).status_code == 302
    html = visitor.get(f"/public/status/{case.case_no}/").content.decode()
    assert 'data-testid="stage">服务跟进<' in html and "上海市质量监督检验技术研究院" in html
    assert "2026-04-02" in html and "2026-04-09" in html and "上门指导" in html and "线上会议" in html
    for secret in (
        "王专家",
        "员工内部对接说明",
        "内部服务内容",
        "第二次内部记录",
        other.need,
        other.enterprise.name,
    ):
        assert secret not in html, secret
    # The proof is for that one case only.
    response = visitor.get(f"/public/status/{other.case_no}/")
    assert response.status_code == 302 and response["Location"].startswith(LOOKUP)


@pytest.mark.parametrize(
    ("stage", "label"),
    [("matching", "服务对接"), ("closed", "办结"), ("withdrawn", "已撤回"), ("cancelled", "已撤销")],
)
def test_stage_names_as_the_programme_uses_them(project: ServiceProject, stage: str, label: str) -> None:
    case = make_case(project=project, contact_phone="+86" + PHONE, stage=stage)
    visitor = Client()
    look_up(visitor, case.case_no, PHONE)
    html = visitor.get(f"/public/status/{case.case_no}/").content.decode()
    assert f'data-testid="stage">{label}<' in html
    assert ('data-testid="withdraw-form"' in html) == (stage == "matching")


def test_proof_expires(project: ServiceProject) -> None:
    case = make_case(project=project, contact_phone="+86" + PHONE)
    visitor = Client()
    look_up(visitor, case.case_no, PHONE)
    session = visitor.session
    stored = session[public_access.SESSION_KEY]
    stored["until"] = (timezone.now() - datetime.timedelta(seconds=1)).isoformat()
    session[public_access.SESSION_KEY] = stored
    session.save()
    response = visitor.get(f"/public/status/{case.case_no}/")
    assert response.status_code == 302 and response["Location"].startswith(LOOKUP)


def test_withdraw_online(project: ServiceProject, service_case_process: None) -> None:
    submitter = Client()
    case = submitted(submitter, project)
    url = f"/public/status/{case.case_no}/withdraw/"
    # Without a reason: refused, and it says why.
    refused = submitter.post(url, {"reason": " "})
    assert refused.status_code == 400 and 'data-testid="error-reason"' in refused.content.decode()
    case.refresh_from_db()
    assert case.stage == ServiceCase.Stage.INTAKE
    # A stranger without the proof cannot.
    assert Client().post(url, {"reason": "不需要了"}).status_code == 302
    case.refresh_from_db()
    assert case.stage == ServiceCase.Stage.INTAKE
    done = submitter.post(url, {"reason": "已自行解决"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.stage == ServiceCase.Stage.WITHDRAWN and case.end_reason == "已自行解决"
    assert AuditEvent.objects.filter(action=Action.CASE_WITHDRAWN, target_id=case.case_no).exists()
    html = submitter.get(done["Location"]).content.decode()
    assert 'data-testid="stage">已撤回<' in html and 'data-testid="withdraw-form"' not in html


def test_feedback_online_at_the_feedback_stage(project: ServiceProject, service_case_process: None) -> None:
    submitter = Client()
    case = advance_to_feedback(submitted(submitter, project), make_institution(name="松江计量所"))
    page = submitter.get(f"/public/status/{case.case_no}/").content.decode()
    assert 'data-testid="feedback-form"' in page and "松江计量所" in page
    url = f"/public/status/{case.case_no}/feedback/"
    # "Other" without a description, a negative amount: refused with both reasons, nothing saved.
    refused = submitter.post(url, {"rating": "4", "effects": ["other"], "cost_saved": "-1"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert 'data-testid="error-effect_other"' in html and 'data-testid="error-cost_saved"' in html
    case.refresh_from_db()
    assert case.rating is None and case.stage == ServiceCase.Stage.FEEDBACK
    body = {
        "rating": "5",
        "effects": ["pass_rate", "other"],
        "effect_other": "缩短了检测周期",
        "new_jobs": "3",
        "investment_drawn": "12.5",
        "output_added": "100",
        "cost_saved": "2.25",
        "profit_added": "8",
        "feedback_comment": "服务及时",
    }
    done = submitter.post(url, body)
    assert done.status_code == 302, done.content.decode()[:3000]
    case.refresh_from_db()
    assert (
        case.rating == 5 and case.effects == ["pass_rate", "other"] and case.effect_other == "缩短了检测周期"
    )
    assert case.new_jobs == 3 and str(case.cost_saved) == "2.25" and str(case.investment_drawn) == "12.50"
    assert case.stage == ServiceCase.Stage.CLOSED
    after = submitter.get(done["Location"]).content.decode()
    assert 'data-testid="stage">办结<' in after and 'data-testid="feedback-form"' not in after
    # Sent again: refused (409), the form is gone, and the page says why.
    again = submitter.post(url, body)
    assert again.status_code == 409
    html = again.content.decode()
    assert 'data-testid="notices"' in html and "该办件当前不在服务反馈阶段" in html
    assert 'data-testid="feedback-form"' not in html
