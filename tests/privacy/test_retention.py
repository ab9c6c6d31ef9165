"""The daily retention job (core/retention.py, notifications/retention.py): real rows with old
time stamps, what goes and what stays (issue 19, item 7)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.admin.sites import site
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import RequestFactory, override_settings
from django.utils import timezone

from config import env
from config.celery import app
from core import retention
from notifications.admin import WebhookDeliveryAdmin
from notifications.models import Notification, Webhook, WebhookDelivery
from notifications.retention import PURGED
from tests.personas import Cast

ROOT = Path(__file__).resolve().parents[2]
NOW = timezone.now()


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_the_beat_schedule_runs_the_job_daily() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["retention"]
    assert entry == {"task": "core.retention", "schedule": 86400.0}
    app.loader.import_default_modules()
    assert "core.retention" in app.tasks


def test_the_periods_default_as_documented_and_the_login_records_keep_six_months() -> None:
    assert settings.NQI_RETENTION_NOTIFICATIONS_DAYS == 180
    assert settings.NQI_RETENTION_WEBHOOK_DAYS == 30
    assert settings.NQI_RETENTION_LOGIN_DAYS == 180
    doc = (ROOT / "docs" / "personal-data.md").read_text(encoding="utf-8")
    for name in (
        "NQI_RETENTION_NOTIFICATIONS_DAYS",
        "NQI_RETENTION_WEBHOOK_DAYS",
        "NQI_RETENTION_LOGIN_DAYS",
    ):
        assert f"`{name}`" in doc, name


def settings_value(name: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **environment}
    return subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; print(s.{name})"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_former_variable_still_sets_the_notification_period_and_the_new_one_wins() -> None:
    former = settings_value("NQI_RETENTION_NOTIFICATIONS_DAYS", NQI_NOTIFICATION_DAYS="90")
    assert former.stdout.strip() == "90", former.stderr
    both = settings_value(
        "NQI_RETENTION_NOTIFICATIONS_DAYS", NQI_NOTIFICATION_DAYS="90", NQI_RETENTION_NOTIFICATIONS_DAYS="60"
    )
    assert both.stdout.strip() == "60", both.stderr
    too_short = settings_value("NQI_RETENTION_LOGIN_DAYS", NQI_RETENTION_LOGIN_DAYS="30")
    assert too_short.returncode != 0 and "NQI_RETENTION_LOGIN_DAYS" in too_short.stderr


@pytest.mark.django_db
class TestSessions:
    def session(self, expires: datetime, **data: Any) -> str:
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        for key, value in data.items():
            store[key] = value
        store.create()
        Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
        return str(store.session_key)

    def test_expired_sessions_go_with_the_phone_a_lookup_kept_and_live_ones_stay(self) -> None:
        proof = {"case_no": "FS-2026-00001", "phone": "13800138000", "until": NOW.isoformat()}
        expired_lookup = self.session(NOW - timedelta(minutes=1), public_case=proof)
        expired = self.session(days_ago(3), _auth_user_id="1")
        live = self.session(NOW + timedelta(hours=2), _auth_user_id="2")
        assert retention.purge_sessions(NOW) == 2
        assert list(Session.objects.values_list("session_key", flat=True)) == [live]
        assert not Session.objects.filter(session_key__in=[expired_lookup, expired]).exists()


@pytest.mark.django_db
class TestNotifications:
    def notification(self, cast: Cast, event_id: int, created: datetime, read: datetime | None) -> int:
        row = Notification.objects.create(
            recipient=cast.office_a,
            kind="task_available",
            event_id=event_id,
            title="FS-2026-00001",
            read_at=read,
        )
        Notification.objects.filter(pk=row.pk).update(created_at=created)
        return int(row.pk)

    def test_read_ones_go_after_the_period_unread_ones_after_twice_as_long(self, cast: Cast) -> None:
        days = settings.NQI_RETENTION_NOTIFICATIONS_DAYS
        read_long_ago = self.notification(cast, 1, days_ago(days + 30), days_ago(days + 1))
        read_lately = self.notification(cast, 2, days_ago(days + 30), days_ago(days - 1))
        unread_old = self.notification(cast, 3, days_ago(days + 1), None)
        unread_forgotten = self.notification(cast, 4, days_ago(2 * days + 1), None)
        assert retention.run(NOW)["notifications"] == 2
        assert set(Notification.objects.values_list("pk", flat=True)) == {read_lately, unread_old}
        assert not Notification.objects.filter(pk__in=[read_long_ago, unread_forgotten]).exists()


@pytest.mark.django_db
class TestWebhookDeliveries:
    @pytest.fixture
    def hook(self) -> Webhook:
        return Webhook.objects.create(name="OA", url="http://127.0.0.1:9/hook", secret="s")

    def delivery(self, hook: Webhook, event_id: int, status: str, created: datetime) -> WebhookDelivery:
        delivered = created + timedelta(minutes=1) if status == WebhookDelivery.Status.DELIVERED else None
        row = WebhookDelivery.objects.create(
            webhook=hook,
            event_id=event_id,
            kind="task_available",
            payload={"title": "服务对接", "detail": "FS-2026-00001 · 上海松江测试企业1有限公司"},
            status=status,
            attempts=1 if status == WebhookDelivery.Status.DELIVERED else 8,
            last_status_code=200 if status == WebhookDelivery.Status.DELIVERED else 500,
            delivered_at=delivered,
            next_attempt_at=created if status == WebhookDelivery.Status.PENDING else None,
        )
        WebhookDelivery.objects.filter(pk=row.pk).update(created_at=created)
        row.refresh_from_db()
        return row

    def test_old_delivered_payloads_are_emptied_and_old_failed_deliveries_deleted(
        self, hook: Webhook
    ) -> None:
        days = settings.NQI_RETENTION_WEBHOOK_DAYS
        status = WebhookDelivery.Status
        old_delivered = self.delivery(hook, 1, status.DELIVERED, days_ago(days + 1))
        new_delivered = self.delivery(hook, 2, status.DELIVERED, days_ago(days - 1))
        old_failed = self.delivery(hook, 3, status.FAILED, days_ago(days + 1))
        new_failed = self.delivery(hook, 4, status.FAILED, days_ago(days - 1))
        old_pending = self.delivery(hook, 5, status.PENDING, days_ago(days + 1))

        counts = retention.run(NOW)
        assert counts["webhook payloads"] == 1 and counts["failed webhook deliveries"] == 1

        emptied = WebhookDelivery.objects.get(pk=old_delivered.pk)
        assert emptied.payload == {PURGED: NOW.isoformat()}
        # The row stays with what the admin page shows of it.
        assert (emptied.status, emptied.attempts, emptied.last_status_code) == (status.DELIVERED, 1, 200)
        assert emptied.delivered_at == old_delivered.delivered_at
        assert emptied.created_at == old_delivered.created_at
        assert not WebhookDelivery.objects.filter(pk=old_failed.pk).exists()
        for kept in (new_delivered, new_failed, old_pending):
            assert WebhookDelivery.objects.get(pk=kept.pk).payload == kept.payload, kept.status

        # A second run finds nothing more to do.
        again = retention.run(NOW + timedelta(hours=1))
        assert again["webhook payloads"] == again["failed webhook deliveries"] == 0

    def test_send_again_skips_a_delivery_whose_payload_was_emptied(self, hook: Webhook, cast: Cast) -> None:
        days = settings.NQI_RETENTION_WEBHOOK_DAYS
        emptied = self.delivery(hook, 1, WebhookDelivery.Status.DELIVERED, days_ago(days + 1))
        recent = self.delivery(hook, 2, WebhookDelivery.Status.DELIVERED, days_ago(1))
        retention.run(NOW)
        request = RequestFactory().post("/")
        request.user = cast.superuser
        WebhookDeliveryAdmin(WebhookDelivery, site).retry_now(request, WebhookDelivery.objects.all())
        statuses = dict(WebhookDelivery.objects.values_list("pk", "status"))
        assert statuses == {emptied.pk: "delivered", recent.pk: "pending"}


@pytest.mark.django_db
def test_sign_in_records_go_after_the_login_period() -> None:
    days = settings.NQI_RETENTION_LOGIN_DAYS

    def record(model: Any, at: datetime, name: str, **extra: Any) -> int:
        row = model.objects.create(
            username=name,
            ip_address="10.0.0.1",
            user_agent="pytest",
            http_accept="*/*",
            path_info="/login/",
            **extra,
        )
        model.objects.filter(pk=row.pk).update(attempt_time=at)
        return int(row.pk)

    old_log = record(AccessLog, days_ago(days + 1), "office_a")
    new_log = record(AccessLog, days_ago(days - 1), "office_a")
    old_attempt = record(AccessAttempt, days_ago(days + 1), "guess", failures_since_start=3)
    new_attempt = record(AccessAttempt, days_ago(1), "guess2", failures_since_start=1)
    assert retention.run(NOW)["login records"] == 2
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [new_log]
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [new_attempt]
    assert not AccessLog.objects.filter(pk=old_log).exists()
    assert not AccessAttempt.objects.filter(pk=old_attempt).exists()


def sql_broker_url() -> str:
    """The SQL broker in the test database, spelled as settings spell the default one (a socket
    directory as the host when the embedded PostgreSQL runs the tests)."""
    return env.sql_broker_url(connection.settings_dict)


@pytest.fixture
def broker_queue(transactional_db: None) -> Iterator[str]:
    """A queue of the SQL broker in the test database (kombu makes its tables), emptied after.
    Committed rows: kombu writes through its own connection, and the cleanup must stay done."""
    from kombu.transport.sqlalchemy import Channel

    name = f"retention-test-{os.getpid()}"
    yield name
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM kombu_message WHERE queue_id IN (SELECT id FROM kombu_queue WHERE name = %s)", [name]
        )
        cursor.execute("DELETE FROM kombu_queue WHERE name = %s", [name])
    # kombu caches one SQLAlchemy engine per URL; its pooled connection would keep the test
    # database from being dropped at the end of the run.
    for url in [url for url in Channel._engines if connection.settings_dict["NAME"] in url]:
        engine, _ = Channel._engines.pop(url)
        engine.dispose()


def test_jobs_the_sql_broker_handed_out_a_week_ago_are_deleted(broker_queue: str) -> None:
    from kombu import Connection

    url = sql_broker_url()
    with Connection(url) as conn:
        queue = conn.SimpleQueue(broker_queue)
        for n in range(3):
            queue.put({"args": ["13800138000"], "n": n})
        for _ in range(2):  # two jobs taken by a worker, one still waiting
            queue.get(timeout=5).ack()
        queue.close()
    in_queue = "queue_id IN (SELECT id FROM kombu_queue WHERE name = %s)"
    with connection.cursor() as cursor:
        # One of the two consumed jobs was taken long ago.
        cursor.execute(
            'UPDATE kombu_message SET "timestamp" = %s'
            f" WHERE id = (SELECT min(id) FROM kombu_message WHERE {in_queue})",
            [days_ago(8).replace(tzinfo=None), broker_queue],
        )
    with override_settings(CELERY_BROKER_URL="amqp://guest@127.0.0.1//"):
        assert retention.purge_consumed_jobs(NOW) == 0, "another broker's house is not ours to clean"
    with override_settings(CELERY_BROKER_URL=url):
        assert retention.purge_consumed_jobs(NOW) == 1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT visible FROM kombu_message WHERE {in_queue} ORDER BY id", [broker_queue])
        assert [visible for (visible,) in cursor.fetchall()] == [False, True]


@pytest.mark.django_db
def test_the_job_runs_every_step_and_logs_counts_only(cast: Cast, caplog: pytest.LogCaptureFixture) -> None:
    Notification.objects.create(
        recipient=cast.office_a,
        kind="task_available",
        event_id=1,
        title="上海松江测试企业1有限公司",
        read_at=days_ago(settings.NQI_RETENTION_NOTIFICATIONS_DAYS + 1),
    )
    with caplog.at_level(logging.INFO, logger="core.retention"):
        counts = retention.run(NOW)
    assert set(counts) >= {
        "sessions",
        "login records",
        "consumed jobs",
        "notifications",
        "webhook payloads",
        "failed webhook deliveries",
    }
    assert counts["notifications"] == 1
    [line] = [r.getMessage() for r in caplog.records if r.name == "core.retention"]
    assert line.startswith("retention: sessions ") and "notifications 1" in line
    assert "上海松江" not in caplog.text
