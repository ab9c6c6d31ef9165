"""The database-backed sliding-window rate limiter of the public pages."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone

from audit import context
from casemgmt.models import RateLimitHit
from casemgmt.public import throttle
from casemgmt.public.throttle_tasks import purge_rate_limit_hits
from tests.concurrency import run_concurrently
from tests.live_worker import LiveWorker

pytestmark = pytest.mark.django_db

LIMIT = throttle.Limit("test-scope", 3)
NOW = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)


def test_allows_the_limit_then_refuses_with_the_time_the_oldest_hit_leaves() -> None:
    remaining = [throttle.hit(LIMIT, "k", now=NOW + datetime.timedelta(minutes=i)) for i in range(3)]
    assert remaining == [2, 1, 0]
    with pytest.raises(throttle.RateLimited) as refused:
        throttle.hit(LIMIT, "k", now=NOW + datetime.timedelta(minutes=10))
    assert refused.value.retry_at == NOW + datetime.timedelta(hours=1)
    assert refused.value.retry_after_seconds == 50 * 60
    # The refused hit is not counted: the time given is when a retry really succeeds.
    assert RateLimitHit.objects.filter(scope="test-scope", key="k").count() == 3


def test_window_slides_and_keys_and_scopes_are_separate() -> None:
    for i in range(3):
        throttle.hit(LIMIT, "k", now=NOW + datetime.timedelta(minutes=i))
    throttle.hit(LIMIT, "other-key", now=NOW + datetime.timedelta(minutes=5))
    throttle.hit(throttle.Limit("other-scope", 3), "k", now=NOW + datetime.timedelta(minutes=5))
    with pytest.raises(throttle.RateLimited):
        throttle.hit(LIMIT, "k", now=NOW + datetime.timedelta(minutes=59, seconds=59))
    # An hour after the first hit it has left the window: one more is allowed, then refused again.
    assert throttle.hit(LIMIT, "k", now=NOW + datetime.timedelta(hours=1, seconds=1)) == 0
    with pytest.raises(throttle.RateLimited) as refused:
        throttle.hit(LIMIT, "k", now=NOW + datetime.timedelta(hours=1, seconds=2))
    assert refused.value.retry_at == NOW + datetime.timedelta(hours=1, minutes=1)


def test_limits_come_from_settings() -> None:
    assert throttle.intake_limit().allowed == settings.NQI_PUBLIC_INTAKE_PER_HOUR
    assert throttle.lookup_limit().allowed == settings.NQI_PUBLIC_LOOKUP_PER_HOUR
    assert throttle.intake_limit().scope != throttle.lookup_limit().scope


def test_client_key_is_a_salted_hash_of_the_audit_address() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    key = throttle.client_key(request)
    assert len(key) == 64 and "203.0.113.7" not in key
    assert key == throttle.client_key(RequestFactory().get("/", REMOTE_ADDR="203.0.113.7"))
    assert key != throttle.client_key(RequestFactory().get("/", REMOTE_ADDR="203.0.113.8"))
    # The middleware's context wins: the same address the audit trail records.
    with context.bound(client_ip="203.0.113.8"):
        assert throttle.client_key(request) == throttle.client_key(
            RequestFactory().get("/", REMOTE_ADDR="203.0.113.8")
        )
    # X-Forwarded-For is client-controlled and ignored.
    spoofed = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert throttle.client_key(spoofed) == key


def test_purge_removes_only_hits_older_than_the_window() -> None:
    now = timezone.now()
    old = RateLimitHit.objects.create(scope="s", key="k", at=now - datetime.timedelta(hours=2))
    recent = RateLimitHit.objects.create(scope="s", key="k", at=now - datetime.timedelta(minutes=5))
    assert purge_rate_limit_hits() == 1
    assert list(RateLimitHit.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not RateLimitHit.objects.filter(pk=old.pk).exists()


def test_purge_job_is_registered_and_scheduled() -> None:
    from config.celery import app

    app.loader.import_default_modules()
    assert "casemgmt.purge_rate_limit_hits" in app.tasks
    schedule = settings.CELERY_BEAT_SCHEDULE["purge-rate-limit-hits"]
    assert schedule["task"] == "casemgmt.purge_rate_limit_hits"


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_never_exceed_the_limit() -> None:
    # Eight requests from one address at once against a limit of 3: exactly 3 get through.
    limit = throttle.Limit("race", 3)

    def attempt(_: int) -> str:
        try:
            throttle.hit(limit, "same-address")
        except throttle.RateLimited:
            return "refused"
        return "ok"

    outcomes = run_concurrently(attempt, workers=8)
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5
    assert RateLimitHit.objects.filter(scope="race").count() == 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_purge_runs_on_a_real_worker(celery_worker_process: LiveWorker) -> None:
    # What beat sends hourly, through the real broker: the worker must know the job (it is not in
    # an app's tasks.py, so this also proves the settings' CELERY_IMPORTS reach the worker).
    from config.celery import app

    now = timezone.now()
    RateLimitHit.objects.create(scope="s", key="k", at=now - datetime.timedelta(hours=3))
    kept = RateLimitHit.objects.create(scope="s", key="k", at=now)
    app.send_task("casemgmt.purge_rate_limit_hits")
    celery_worker_process.wait_until(lambda: RateLimitHit.objects.count() == 1)
    assert list(RateLimitHit.objects.values_list("pk", flat=True)) == [kept.pk]
