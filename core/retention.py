"""The retention job: personal data that has served its purpose is dropped on a schedule.

PIPL (个人信息保护法 Art. 19, 47) wants personal information kept no longer than its purpose
needs. What holds it besides the cases themselves (docs/personal-data.md, "Retention") is
purged here once a day (the `retention` beat entry, config/settings.py):

- expired sessions: a public status lookup keeps the contact phone it proved in the session,
  and Django never deletes an expired session row by itself (this is `clearsessions`);
- django-axes' sign-in records (user name, address, browser) after NQI_RETENTION_LOGIN_DAYS;
- jobs the default SQL broker has handed out: kombu keeps every consumed message, arguments
  included, for ever;
- whatever the apps register (`register`): the notifications app its notifications and webhook
  payloads. Core cannot import the apps (tests/test_core.py), so they plug in from ready().

The audit chain, the cases and the process instances' state are not touched: erasing those is a
later step of issue 19 (docs/personal-data.md, "Erasure and encryption"). Each step runs in its
own transaction; the job logs counts only, never what was deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module
from urllib.parse import urlsplit

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# step(now) -> how many rows it deleted or emptied.
Step = Callable[[datetime], int]
# A consumed job is never read again (kombu's SQL transport has no redelivery of invisible rows);
# the week is a margin for the broker's naive local time stamps and for looking into a problem.
CONSUMED_JOBS_KEPT = timedelta(days=7)
BROKER_TABLE = "kombu_message"

_registered: dict[str, Step] = {}


def register(name: str, step: Step) -> None:
    """Add an app's step (registering a name again replaces it: ready() may run twice in tests)."""
    _registered[name] = step


def purge_sessions(now: datetime) -> int:
    """Django's clearsessions: expired sessions go. The database store's clear_expired() deletes
    exactly these rows; it is done here directly to learn how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    model_class = getattr(store, "get_model_class", None)
    if model_class is None:  # a store without rows of its own (cache, signed cookies)
        store.clear_expired()
        return 0
    deleted, _ = model_class().objects.filter(expire_date__lt=now).delete()
    return int(deleted)


def purge_login_records(now: datetime) -> int:
    """django-axes' records of sign-ins and failed ones, past NQI_RETENTION_LOGIN_DAYS. The audit
    chain keeps its own login events; a lockout only counts attempts within the cool-off period
    (minutes), so old attempts decide nothing."""
    cutoff = now - timedelta(days=settings.NQI_RETENTION_LOGIN_DAYS)
    deleted = 0
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        count, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        deleted += count
    return deleted


def _broker_is_our_database() -> bool:
    """True when the queue is the default one, in this very database (settings derive it from
    DATABASE_URL when CELERY_BROKER_URL is unset); another broker keeps its own house."""
    url = urlsplit(str(settings.CELERY_BROKER_URL))
    if not url.scheme.startswith("sqla+"):
        return False
    return bool(url.path.lstrip("/") == connection.settings_dict["NAME"])


def purge_consumed_jobs(now: datetime) -> int:
    """Jobs the SQL broker handed to a worker (visible = false) more than a week ago: kombu keeps
    them, with their arguments (a message's payload, say), for ever."""
    if not _broker_is_our_database() or BROKER_TABLE not in connection.introspection.table_names():
        return 0
    with connection.cursor() as cursor:
        # "timestamp" is set when a worker takes the job (NULL before).
        cursor.execute(
            f'DELETE FROM {BROKER_TABLE} WHERE visible = false AND "timestamp" < %s',  # noqa: S608 - constant
            [now - CONSUMED_JOBS_KEPT],
        )
        return int(cursor.rowcount)


BUILT_IN: dict[str, Step] = {
    "sessions": purge_sessions,
    "login records": purge_login_records,
    "consumed jobs": purge_consumed_jobs,
}


def run(now: datetime | None = None) -> dict[str, int]:
    """Every step once; returns {step: rows}. One transaction per step, so a large purge does
    not hold every table's locks at once."""
    moment = now or timezone.now()
    counts: dict[str, int] = {}
    for name, step in {**BUILT_IN, **_registered}.items():
        with transaction.atomic():
            counts[name] = step(moment)
    logger.info("retention: %s", ", ".join(f"{name} {count}" for name, count in counts.items()))
    return counts
