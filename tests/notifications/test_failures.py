"""A failed step, as the notifications tell it (issue 18): the staff who worked the case in plain
words, the process admins with the step's name and the exception; and a retry that fails again
at the same step tells nobody anew while their notification of it is unread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.delivery import deliver
from notifications.models import Notification
from tests.personas import AREA_A, Cast
from tests.web.inbox_support import client_for
from workflows import human_tasks, instances
from workflows.models import ProcessInstance, ProcessModelVersion

pytestmark = pytest.mark.django_db

Deploy = Callable[[str], ProcessModelVersion]
EXCEPTION_WORDS = ("HandlerBoom", "handler refused", "Exception", "Error")


def fail_a_step(cast: Cast, deploy_fixture: Deploy) -> ProcessInstance:
    """office_a prepares the case; the service step after it (登记) then fails."""
    deploy_fixture("service_step")
    case = instances.start_instance(
        "service_step", actor=cast.office_a, business_key="SQ-F-1", org_unit_code=AREA_A
    )
    human_tasks.complete(
        case.human_tasks.get(status="open").pk, actor=cast.office_a, data={"label": "bad", "fail": True}
    )
    case.refresh_from_db()
    assert case.status == "error"
    return case


def notified(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def test_staff_are_told_in_plain_words_and_admins_get_the_step_and_the_detail(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    cast.office_a.email = "office_a@example.gov.cn"
    cast.office_a.save(update_fields=["email"])
    case = fail_a_step(cast, deploy_fixture)
    deliver()
    [staff] = notified(cast.office_a)
    assert (staff.kind, staff.title, staff.detail) == ("case_stopped", "SQ-F-1", "登记")
    assert staff.link == reverse("instance-record", args=[case.pk])
    page = client_for(cast.office_a, "zh-hans").get(reverse("notification-list")).content.decode()
    assert "办件 SQ-F-1 在“登记”出错，流程管理员已收到通知。" in page
    english = client_for(cast.office_a, "en").get(reverse("notification-list")).content.decode()
    assert "Case SQ-F-1 stopped at an error at “登记”; the process administrators have been told." in english
    [message] = mail.outbox
    assert "办件 SQ-F-1 在“登记”出错" in message.body
    for text in (page, english, message.body, staff.detail):
        assert not any(word in text for word in EXCEPTION_WORDS), text
    [admin] = notified(cast.admin)
    assert admin.kind == "instance_error" and admin.title == "SQ-F-1"
    assert admin.detail.startswith("登记 · ") and "handler refused bad" in admin.detail
    assert admin.link == reverse("instance-admin-detail", args=[case.pk])
    # Only those who worked the case: a colleague who never touched it is not told.
    assert notified(cast.office_a2) == [] and notified(cast.operator_a) == []


def test_a_retry_failing_again_while_unread_tells_nobody_anew(cast: Cast, deploy_fixture: Deploy) -> None:
    case = fail_a_step(cast, deploy_fixture)
    deliver()
    assert Notification.objects.count() == 2
    instances.retry(case.pk, actor=cast.admin, reason="再试一次")
    instances.retry(case.pk, actor=cast.admin, reason="再试一次")
    case.refresh_from_db()
    assert case.status == "error"
    assert deliver() == 0
    assert Notification.objects.count() == 2, "the unread ones already say it"
    # Read, the next failure is news again: to the one who read theirs, not to the other.
    Notification.objects.filter(recipient=cast.office_a).update(read_at=timezone.now())
    instances.retry(case.pk, actor=cast.admin)
    assert deliver() == 1
    assert [n.kind for n in notified(cast.office_a)] == ["case_stopped", "case_stopped"]
    assert len(notified(cast.admin)) == 1
    Notification.objects.filter(recipient=cast.admin).update(read_at=timezone.now())
    instances.retry(case.pk, actor=cast.admin)
    assert deliver() == 1
    assert [n.kind for n in notified(cast.admin)] == ["instance_error", "instance_error"]
