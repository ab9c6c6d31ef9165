"""The Celery application; tasks are discovered in every installed app."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("nqi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def poll_the_sql_broker_often(**_: object) -> None:
    """The SQL transport polls for new jobs, every second by default: a chain of timer sweeps or a
    message sent after a commit would wait that long at each hand-off. Its transport options all
    go to SQLAlchemy's create_engine(), so the interval is set on the transport class, in the
    worker only (importing this module must not read the settings: config.embedded imports it)."""
    if not str(app.conf.broker_url).startswith("sqla+"):
        return
    from django.conf import settings
    from kombu.transport.sqlalchemy import Transport

    Transport.polling_interval = settings.NQI_SQL_BROKER_POLL_MS / 1000
