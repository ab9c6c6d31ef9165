"""The process diagram on the case page and the instance page (workflows/diagram_payload.py):
where the process stands, the path done, who ran each step and when; staff only."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casemgmt.models import OrgUnit, ServiceCase, ServiceProject
from tests.personas import ENTERPRISE_A, Cast

from .support import submit, work


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def payload_of(html: str) -> dict[str, Any] | None:
    found = re.search(r'<script id="task-diagram-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1)) if found else None


@pytest.fixture
def reviewed(cast: Cast, projects: tuple[ServiceProject, ServiceProject]) -> ServiceCase:
    case = submit(projects[0], cast.operator_a, 1)
    return work(case, "review", cast.operator_a, {})


@pytest.mark.django_db
def test_staff_see_where_the_case_stands_and_who_ran_each_step(cast: Cast, reviewed: ServiceCase) -> None:
    page = client_for(cast.office_a).get(reverse("cases-detail", args=[reviewed.pk]))
    html = page.content.decode()
    assert 'data-testid="case-diagram"' in html and 'id="task-diagram"' in html
    payload = payload_of(html)
    assert payload is not None and payload["has_layout"]
    assert payload["current"] == ["match"]
    assert "review" in payload["done"] and "match" not in payload["done"]
    assert payload["task"] == ""
    (run,) = payload["history"]["review"]
    assert run["who"] == (cast.operator_a.get_full_name() or cast.operator_a.get_username())
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", run["when"])


@pytest.mark.django_db
def test_the_enterprise_sees_no_diagram(cast: Cast, reviewed: ServiceCase) -> None:
    enterprise = reviewed.enterprise
    enterprise.org_unit = OrgUnit.objects.get(code=ENTERPRISE_A)
    enterprise.save(update_fields=["org_unit"])
    page = client_for(cast.enterprise_a).get(reverse("cases-detail", args=[reviewed.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert payload_of(html) is None and 'data-testid="case-diagram"' not in html


@pytest.mark.django_db
def test_the_instance_page_draws_the_same_diagram(cast: Cast, reviewed: ServiceCase) -> None:
    assert reviewed.instance_id is not None
    page = client_for(cast.admin).get(reverse("instance-admin-detail", args=[reviewed.instance_id]))
    html = page.content.decode()
    assert 'data-testid="instance-diagram"' in html
    payload = payload_of(html)
    assert payload is not None and payload["current"] == ["match"] and "review" in payload["history"]
    assert payload["task"] == ""  # running, so no failed step to mark
