"""Public online intake: the form, the case number, idempotency, and every refusal with its reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.models import CaseNumberSequence, Enterprise, RateLimitHit, ServiceCase, ServiceProject
from casemgmt.registry.validators import uscc_check_character
from tests.factories import make_project

from .support import intake_body

pytestmark = pytest.mark.django_db
URL = "/public/intake/"


def written() -> tuple[int, int, int, int]:
    """What a refused submission must leave alone."""
    return (
        ServiceCase.objects.count(),
        Enterprise.objects.count(),
        AuditEvent.objects.count(),
        sum(CaseNumberSequence.objects.values_list("last_number", flat=True)),
    )


def hidden_key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert found, "the form carries no idempotency key"
    return found.group(1)


def test_url_is_under_the_public_prefix() -> None:
    assert reverse("public-intake") == URL


def test_form_offers_active_projects_by_street_and_the_catalogue_by_category(
    project: ServiceProject,
) -> None:
    make_project(code="closed-one", case_prefix="CL", name="已关闭项目", status=ServiceProject.Status.CLOSED)
    make_project(
        code="district-one", case_prefix="DQ", name="区级测试项目", level=ServiceProject.Level.DISTRICT
    )
    response = Client().get(URL)  # Chinese, the default
    assert response.status_code == 200
    html = response.content.decode()
    assert '<optgroup label="方松街道">' in html and "方松街道质量服务驿站" in html
    assert "区级测试项目" in html and "已关闭项目" not in html
    for name in (
        "质量提升服务",
        "标准化服务",
        "计量服务",
        "认证认可服务",
        "检验检测服务",
        "知识产权服务",
        "个性化服务",
    ):
        assert name in html, name
    assert 'value="testing.1"' in html and "csrfmiddlewaretoken" in html
    # A fresh key for every rendered form.
    assert hidden_key(html) != hidden_key(Client().get(URL).content.decode())


def test_form_in_english_shows_both_texts_of_the_catalogue(client: Client, project: ServiceProject) -> None:
    html = client.get(URL).content.decode()
    assert "Metrology services" in html and "Submit a service request" in html
    # The notice's Chinese wording stays, with the working translation under it.
    assert "提供法定计量机构检定能力查询服务" in html and "legal metrology institutions" in html


def test_submission_creates_a_numbered_online_case(
    client: Client, project: ServiceProject, service_case_process: None
) -> None:
    response = client.post(URL, intake_body(project))
    case = ServiceCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("public-receipt", kwargs={"case_no": case.case_no})
    assert re.fullmatch(r"FS-\d{4}-\d{5}", case.case_no)
    assert case.channel == ServiceCase.Channel.ONLINE and case.stage == ServiceCase.Stage.INTAKE
    assert case.submitted_by is None and case.instance is not None
    assert case.catalogue_items == ["testing.1", "metrology.2"]
    assert case.contact_phone == "+8613912345678"
    assert case.enterprise.credit_code == "91310117MA1J2KXQ40" and case.enterprise.size_class == "small"
    assert AuditEvent.objects.filter(action=Action.CASE_SUBMITTED, target_id=case.case_no).exists()
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert f'data-testid="case-number">{case.case_no}<' in receipt.content.decode()
    # The receipt is the submitter's only: another visitor is sent to the lookup form.
    other = Client().get(response["Location"])
    assert other.status_code == 302 and other["Location"].startswith(reverse("public-lookup"))


def test_resubmitting_the_same_form_returns_the_same_case(
    client: Client, project: ServiceProject, service_case_process: None
) -> None:
    first = client.post(URL, intake_body(project))
    again = Client().post(URL, intake_body(project))  # a double click, or the form sent again
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert ServiceCase.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.CASE_SUBMITTED).count() == 1


def test_idempotency_key_header_for_scripted_clients(
    client: Client, project: ServiceProject, service_case_process: None
) -> None:
    body = intake_body(project, idempotency_key="")
    headers = {"Idempotency-Key": "script-run-2026-05-04-0001"}
    first = client.post(URL, body, headers=headers)
    second = client.post(URL, body, headers=headers)
    assert first["Location"] == second["Location"]
    case = ServiceCase.objects.get()
    assert case.idempotency_key == "script-run-2026-05-04-0001"
    # Without any key, each submission is a new case.
    client.post(URL, body)
    assert ServiceCase.objects.count() == 2


def test_same_key_with_another_request_is_refused_with_a_fresh_key(
    client: Client, project: ServiceProject, service_case_process: None
) -> None:
    client.post(URL, intake_body(project))
    before = written()
    response = client.post(URL, intake_body(project, need="完全不同的另一项需求"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "already used for a different request" in html
    assert hidden_key(html) != intake_body(project)["idempotency_key"]
    assert written() == before
    # Sent again with the fresh key, it is a new case, on purpose.
    again = client.post(
        URL, intake_body(project, need="完全不同的另一项需求", idempotency_key=hidden_key(html))
    )
    assert again.status_code == 302 and ServiceCase.objects.count() == 2


def letter_led_code() -> str:
    base = "Y1310117MA1J2KXQ4"  # "Y": registered by another authority; letters lead some valid codes
    return base + uscc_check_character(base)


def test_letter_led_credit_code_is_accepted(
    client: Client, project: ServiceProject, service_case_process: None
) -> None:
    response = client.post(URL, intake_body(project, credit_code=letter_led_code().lower()))
    assert response.status_code == 302
    assert ServiceCase.objects.get().enterprise.credit_code == letter_led_code()


REFUSALS: list[tuple[str, dict[str, Any], str, str]] = [
    ("credit-code-format", {"credit_code": "12345"}, "credit_code", "18 characters"),
    ("credit-code-checksum", {"credit_code": "91310117MA1J2KXQ41"}, "credit_code", "check character"),
    ("credit-code-forbidden-letter", {"credit_code": "91310117MA1J2KXQ4O"}, "credit_code", "18 characters"),
    ("phone", {"contact_phone": "12345"}, "contact_phone", "valid phone number"),
    ("unknown-item", {"catalogue_items": ["testing.1", "magic.9"]}, "catalogue_items", "magic.9"),
    ("no-need", {"need": "   "}, "need", "required"),
    ("unknown-project", {"project_code": "nowhere"}, "project_code", "not one of the available choices"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "reason"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_refusals_say_why_next_to_the_field_and_write_nothing(
    client: Client,
    project: ServiceProject,
    service_case_process: None,
    overrides: dict[str, Any],
    field: str,
    reason: str,
) -> None:
    before = written()
    response = client.post(URL, intake_body(project, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'data-testid="error-{field}">([^<]*)<', html)
    assert error and reason in error.group(1), (field, error and error.group(1))
    assert written() == before
    # What was typed is kept, so only the bad field needs fixing.
    assert "上海松江示例精密机械有限公司" in html


def test_every_bad_field_is_reported_in_one_round(client: Client, project: ServiceProject) -> None:
    before = written()
    body = intake_body(
        project, credit_code="91310117MA1J2KXQ41", contact_phone="12", need="", contact_name=""
    )
    html = client.post(URL, body).content.decode()
    for field in ("credit_code", "contact_phone", "need", "contact_name"):
        assert f'data-testid="error-{field}"' in html, field
    assert written() == before


def test_refusal_in_chinese_by_default(project: ServiceProject, service_case_process: None) -> None:
    response = Client().post(URL, intake_body(project, contact_phone="12345", credit_code="bad"))
    html = response.content.decode()
    assert 'data-testid="error-contact_phone">请输入有效的电话号码' in html
    assert 'data-testid="error-credit_code">统一社会信用代码' in html


def test_rate_limit_refuses_with_429_after_the_limit(
    client: Client, project: ServiceProject, service_case_process: None, settings: Any
) -> None:
    settings.NQI_PUBLIC_INTAKE_PER_HOUR = 3
    client.post(URL, intake_body(project))  # accepted
    client.post(URL, intake_body(project, credit_code="bad"))  # refused for its input: counts too
    client.post(URL, intake_body(project, idempotency_key="second-request-key-0001"))
    assert ServiceCase.objects.count() == 2
    before = written()
    refused = client.post(URL, intake_body(project, idempotency_key="third-request-key-00001"))
    assert refused.status_code == 429
    assert 3000 < int(refused["Retry-After"]) <= 3600
    html = refused.content.decode()
    assert "At most 3 submissions an hour" in html and "try again after" in html
    assert written() == before
    assert RateLimitHit.objects.count() == 3  # the refused attempt is not counted
    # Chinese too.
    assert "每小时" in Client(REMOTE_ADDR="127.0.0.1").post(URL, {}).content.decode()
    # Another address is not affected, and reading the form is never limited.
    assert Client(REMOTE_ADDR="198.51.100.20").post(URL, intake_body(project)).status_code == 302
    assert client.get(URL).status_code == 200


def test_csrf_is_required() -> None:
    response = Client(enforce_csrf_checks=True).post(URL, {"need": "x"})
    assert response.status_code == 403
    assert RateLimitHit.objects.count() == 0
