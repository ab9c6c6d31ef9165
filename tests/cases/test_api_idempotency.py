"""POST /api/cases/intake/ and its Idempotency-Key header (issue 13 item 5): honoured like the body's
key, under real concurrency; the same key with any field different is a 409."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from casemgmt.consent.notice import current_version
from casemgmt.models import CaseNumberSequence, EnterpriseChangeProposal, ServiceCase, ServiceProject
from tests.concurrency import run_concurrently
from tests.factories import valid_uscc
from tests.personas import Cast

from .conftest import projects_for
from .support import deploy_service_case

URL = "/api/cases/intake/"
WORKERS = 20


def body_for(project: ServiceProject, **changes: Any) -> dict[str, Any]:
    return {
        "project_code": project.code,
        "credit_code": valid_uscc(77),
        "enterprise_name": "接口幂等企业",
        "contact_name": "赵六",
        "contact_phone": "021-57812345",
        "need": "计量校准",
        "catalogue_items": ["metrology.1"],
        "address": "上海市松江区接口路1号",
        "size_class": "small",
        "industry": "仪器仪表",
        "consent": {"notice_version": current_version()},
        **changes,
    }


def client_as(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def post(client: APIClient, body: dict[str, Any], key: str | None = "header-key-1") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(URL, body, format="json", headers=headers)


@pytest.mark.django_db(transaction=True)
def test_api_intake_honours_idempotency_key_header_under_concurrency(cast: Cast) -> None:
    deploy_service_case()
    project, _ = projects_for(cast)
    body = body_for(project)

    def attempt(_: int) -> tuple[int, int]:
        response = post(client_as("operator_a"), body)
        return response.status_code, response.json()["id"]

    results = run_concurrently(attempt, workers=WORKERS)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert sorted(code for code, _ in results) == [200] * (WORKERS - 1) + [201]
    assert len({case_id for _, case_id in results}) == 1
    assert ServiceCase.objects.count() == 1
    assert ServiceCase.objects.get().idempotency_key == "header-key-1"
    assert CaseNumberSequence.objects.get(project=project).last_number == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"enterprise_name": "另一个名字"},
        {"address": "另一个地址"},
        {"size_class": "micro"},
        {"industry": "另一个行业"},
        {"contact_name": "钱七"},
        {"contact_phone": "13800138000"},
        {"need": "另一个需求"},
        {"catalogue_items": ["metrology.2"]},
        {"credit_code": valid_uscc(78)},
    ],
    ids=lambda change: next(iter(change)),
)
def test_idempotency_key_with_any_differing_field_conflicts(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], change: dict[str, Any]
) -> None:
    project = projects[0]
    client = client_as("operator_a")
    first = post(client, body_for(project))
    assert first.status_code == 201, first.content
    assert post(client, body_for(project)).status_code == 200
    before = (ServiceCase.objects.count(), EnterpriseChangeProposal.objects.count())
    refused = post(client, body_for(project, **change))
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "idempotency_conflict"
    assert (ServiceCase.objects.count(), EnterpriseChangeProposal.objects.count()) == before


@pytest.mark.django_db
def test_idempotency_key_of_another_submitter_conflicts(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    """One project's two staff members: the key does not hand one the other's request."""
    body = body_for(projects[0])
    assert post(client_as("operator_a"), body).status_code == 201
    refused = post(client_as("office_a"), body)
    assert refused.status_code == 409 and refused.json()["code"] == "idempotency_conflict"
    assert ServiceCase.objects.count() == 1


@pytest.mark.django_db
def test_idempotency_header_and_body_key_must_agree(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    client = client_as("operator_a")
    refused = post(client, body_for(projects[0], idempotency_key="body-key"), key="header-key")
    assert refused.status_code == 400
    assert [f["field"] for f in refused.json()["fields"]] == ["idempotency_key"]
    assert ServiceCase.objects.count() == 0
    same = post(client, body_for(projects[0], idempotency_key="same-key"), key="same-key")
    assert same.status_code == 201
    assert post(client, body_for(projects[0]), key="same-key").status_code == 200
    # No key at all: every post is a new request.
    assert post(client, body_for(projects[0]), key=None).status_code == 201
    assert ServiceCase.objects.count() == 2
