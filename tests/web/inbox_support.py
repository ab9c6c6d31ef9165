"""Helpers shared by the inbox page tests: clients, starting and advancing cases, reading the page."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from casemgmt.org.calendar import SHANGHAI
from workflows import human_tasks, instances
from workflows.models import HumanTask, ProcessInstance


def client_for(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    # English msgids unless a test checks the Chinese service messages.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(client: Client, **params: Any) -> Any:
    response = client.get(reverse("inbox"), params)
    assert response.status_code == 200, response.content[:500]
    return response


def row_ids(response: HttpResponse) -> list[int]:
    return [
        int(pk) for pk in re.findall(r'data-testid="task-row" data-task="(\d+)"', response.content.decode())
    ]


def tab_counts(response: HttpResponse) -> dict[str, int]:
    """The task tabs' counts (the case lists' are tests/approvals/test_copies.py's)."""
    found = re.findall(r'data-testid="count-(\w+)">(\d+)<', response.content.decode())
    return {tab: int(n) for tab, n in found if tab not in ("started", "copied")}


def start(actor: Any, org_unit: str, key: str, subject: str = "") -> ProcessInstance:
    return instances.start_instance(
        "approval", actor=actor, org_unit_code=org_unit, business_key=key, subject=subject or key
    )


def open_task(instance: ProcessInstance) -> HumanTask:
    return HumanTask.objects.get(instance=instance, status=HumanTask.Status.OPEN)


def advance(instance: ProcessInstance, operator: Any, office: Any, reviewer: Any, to: str) -> HumanTask:
    """Complete the steps before `to` (district_review or archive) and return its open task."""
    steps = [
        ("submit", operator, {"title": "计量检定", "amount": 1}),
        ("office_review", office, {"approved": True}),
        ("district_review", reviewer, {"approved": True}),
    ]
    for spec, actor, data in steps:
        if spec == to:
            break
        human_tasks.complete(open_task(instance).pk, actor=actor, data=data)
    task = open_task(instance)
    assert task.task_spec == to
    return task


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def post(
    client: Client, name: str, task: HumanTask, data: dict[str, Any] | None = None, htmx: bool = True
) -> Any:
    headers = {"HX-Request": "true"} if htmx else None
    return client.post(reverse(name, kwargs={"pk": task.pk}), data or {}, headers=headers)
