"""Notifications drawn from the audit log: who is told what, once, and by e-mail when they asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail

from config.celery import app
from notifications.delivery import deliver
from notifications.models import DeliveryCursor, Notification, Preference
from tests.concurrency import run_concurrently
from tests.conftest import BPMN_DIR
from tests.live_worker import LiveWorker
from tests.personas import AREA_A, OPERATOR_A, Cast
from workflows import human_tasks, instances
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion

Deploy = Callable[[str], ProcessModelVersion]


def start_approval(cast: Cast) -> ProcessInstance:
    return instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-N-1", subject="计量校准", org_unit_code=OPERATOR_A
    )


def submit(case: ProcessInstance, cast: Cast) -> HumanTask:
    """The operator submits the application; the office's review (returned) is now open."""
    human_tasks.complete(
        case.human_tasks.get(status="open").pk, actor=cast.operator_a, data={"title": "校准", "amount": 3}
    )
    return case.human_tasks.get(status="open")


def told(user: Any) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", "title"))


def test_the_beat_schedule_delivers_every_minute() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["deliver-notifications"]
    assert entry["task"] == "notifications.deliver" and entry["schedule"] == 60.0
    app.loader.import_default_modules()
    assert "notifications.deliver" in app.tasks


@pytest.mark.django_db
class TestWhoIsTold:
    def test_a_new_task_is_told_to_its_group_but_not_to_whoever_made_it(
        self, cast: Cast, deploy_fixture: Deploy
    ) -> None:
        deploy_fixture("approval")
        case = start_approval(cast)
        # The operator started the case: the first task is theirs and they made it, so nobody is told.
        deliver()
        assert told(cast.operator_a) == []
        submit(case, cast)
        assert deliver() == 2
        assert told(cast.office_a) == told(cast.office_a2) == [("task_available", "市场监管所审核")]
        for outsider in (cast.office_b, cast.operator_b, cast.reviewer, cast.auditor, cast.stranger):
            assert told(outsider) == []
        notification = Notification.objects.filter(recipient=cast.office_a).get()
        assert notification.link == f"/tasks/{case.human_tasks.get(status='open').pk}/"
        assert "SQ-N-1" in notification.detail

    def test_each_event_is_told_once_however_often_the_job_runs(
        self, cast: Cast, deploy_fixture: Deploy
    ) -> None:
        deploy_fixture("approval")
        case = start_approval(cast)
        submit(case, cast)
        deliver()
        DeliveryCursor.objects.update(last_event_id=0)  # as if the cursor were lost: read it all again
        assert deliver() == 0
        assert Notification.objects.count() == 2

    def test_an_assignment_is_told_to_the_assignee_only(self, cast: Cast, deploy_fixture: Deploy) -> None:
        deploy_fixture("approval")
        case = start_approval(cast)
        review = submit(case, cast)
        deliver()
        human_tasks.assign(review.pk, actor=cast.admin, assignee_username="office_a2", reason="请处理")
        deliver()
        assert told(cast.office_a2)[-1] == ("task_assigned", "市场监管所审核")
        assert [kind for kind, _ in told(cast.office_a)] == ["task_available"]
        assert told(cast.admin) == []

    def test_a_failed_instance_is_told_to_process_admins(self, cast: Cast, deploy_fixture: Deploy) -> None:
        deploy_fixture("service_step")
        case = instances.start_instance("service_step", actor=cast.office_a, org_unit_code=AREA_A)
        human_tasks.complete(
            case.human_tasks.get(status="open").pk, actor=cast.office_a, data={"label": "bad", "fail": True}
        )
        deliver()
        errors = Notification.objects.filter(kind="instance_error")
        assert [n.recipient_id for n in errors] == [cast.admin.pk]
        assert "handler refused bad" in errors.get().detail
        assert errors.get().link == f"/instances/{case.pk}/"

    def test_a_failed_test_run_is_nobodys_news(self, cast: Cast) -> None:
        files = bundle_for(BPMN_DIR / "task_then_timer.bpmn")
        files["task_then_timer.bpmn"] = files["task_then_timer.bpmn"].replace(">wait<", ">no_such_variable<")
        deploy(files, actor=None, model_key="task_then_timer")
        run = instances.start_instance("task_then_timer", actor=cast.admin, org_unit_code=AREA_A, test=True)
        human_tasks.complete(run.human_tasks.get(status="open").pk, actor=cast.admin, data={})
        run.refresh_from_db()
        assert run.status == "error"
        deliver()
        assert not Notification.objects.exists()


@pytest.mark.django_db
class TestEmail:
    def test_email_goes_to_those_who_asked_and_have_an_address(
        self, cast: Cast, deploy_fixture: Deploy
    ) -> None:
        deploy_fixture("approval")
        cast.office_a.email = "office_a@example.gov.cn"
        cast.office_a.save()
        cast.office_a2.email = "office_a2@example.gov.cn"
        cast.office_a2.save()
        Preference.objects.create(user=cast.office_a, email_new_tasks=True)
        # office_a2 keeps the default: new tasks for the group are not e-mailed.
        case = start_approval(cast)
        submit(case, cast)
        deliver()
        assert [message.to for message in mail.outbox] == [["office_a@example.gov.cn"]]
        message = mail.outbox[0]
        assert "市场监管所审核" in message.subject and "/tasks/" in message.body
        assert Notification.objects.get(recipient=cast.office_a).emailed_at is not None
        deliver()
        assert len(mail.outbox) == 1, "never twice"

    def test_a_failed_send_is_retried_on_the_next_pass(
        self, cast: Cast, deploy_fixture: Deploy, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        deploy_fixture("approval")
        cast.office_a2.email = "office_a2@example.gov.cn"
        cast.office_a2.save()
        case = start_approval(cast)
        review = submit(case, cast)
        deliver()
        human_tasks.assign(review.pk, actor=cast.admin, assignee_username="office_a2", reason="请处理")

        def refuse(*args: Any, **kwargs: Any) -> None:
            raise OSError("mail server down")

        monkeypatch.setattr("notifications.delivery.send_mail", refuse)
        deliver()
        assigned = Notification.objects.get(recipient=cast.office_a2, kind="task_assigned")
        assert assigned.emailed_at is None
        monkeypatch.undo()
        deliver()
        assert [message.to for message in mail.outbox] == [["office_a2@example.gov.cn"]]


@pytest.mark.django_db(transaction=True)
def test_concurrent_jobs_tell_each_person_once(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("approval")
    for n in range(5):
        case = instances.start_instance(
            "approval", actor=cast.operator_a, business_key=f"SQ-C-{n}", org_unit_code=OPERATOR_A
        )
        submit(case, cast)
    outcomes = run_concurrently(lambda _: deliver(), workers=4)
    assert not [o for o in outcomes if isinstance(o, BaseException)]
    deliver()
    assert Notification.objects.filter(recipient=cast.office_a).count() == 5
    assert Notification.objects.count() == 10


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_delivery_through_a_real_worker(
    cast: Cast, deploy_fixture: Deploy, celery_worker_process: LiveWorker
) -> None:
    deploy_fixture("approval")
    case = start_approval(cast)
    submit(case, cast)
    app.send_task("notifications.deliver")  # what beat sends every minute
    celery_worker_process.wait_until(Notification.objects.filter(recipient=cast.office_a).exists)
    assert told(cast.office_a) == [("task_available", "市场监管所审核")]
    assert HumanTask.objects.filter(instance=case, status="open").count() == 1


@pytest.mark.django_db
class TestHousekeeping:
    def test_a_task_done_before_the_job_came_is_no_news(self, cast: Cast, deploy_fixture: Deploy) -> None:
        deploy_fixture("approval")
        case = start_approval(cast)
        review = submit(case, cast)
        human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True, "comment": "同意"})
        deliver()
        assert told(cast.office_a) == told(cast.office_a2) == []
        assert [title for _, title in told(cast.reviewer)] == ["区局审核"]

    def test_read_notifications_are_forgotten_after_the_retention(self, cast: Cast) -> None:
        from datetime import timedelta

        from django.utils import timezone

        from notifications.retention import purge_notifications

        old = timezone.now() - timedelta(days=settings.NQI_RETENTION_NOTIFICATIONS_DAYS + 1)
        kept_unread = Notification.objects.create(
            recipient=cast.office_a, kind="task_available", event_id=1, title="a"
        )
        gone = Notification.objects.create(
            recipient=cast.office_a, kind="task_available", event_id=2, title="b", read_at=old
        )
        recent = Notification.objects.create(
            recipient=cast.office_a, kind="task_available", event_id=3, title="c", read_at=timezone.now()
        )
        Notification.objects.filter(pk=kept_unread.pk).update(created_at=old)
        purge_notifications(timezone.now())  # the daily retention job's step (core/retention.py)
        assert set(Notification.objects.values_list("pk", flat=True)) == {kept_unread.pk, recent.pk}
        assert not Notification.objects.filter(pk=gone.pk).exists()

    def test_an_existing_installation_starts_reading_at_the_present(
        self, cast: Cast, deploy_fixture: Deploy
    ) -> None:
        from importlib import import_module

        from django.apps import apps

        from audit.models import AuditEvent

        deploy_fixture("approval")
        submit(start_approval(cast), cast)
        migration = import_module("notifications.migrations.0002_cursor_starts_at_the_present")
        migration.start_at_the_present(apps, None)
        assert DeliveryCursor.objects.get().last_event_id == AuditEvent.objects.latest("id").pk
        assert deliver() == 0
