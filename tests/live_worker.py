"""pytest plugin: a real Celery worker process for ``@pytest.mark.worker`` tests.

Registered from tests/conftest.py with ``pytest_plugins = ["tests.live_worker"]``. Use it as::

    @pytest.mark.worker
    @pytest.mark.django_db(transaction=True)
    def test_something(celery_worker_process: LiveWorker) -> None: ...

``transaction=True`` matters: the worker is another process with its own connection, so it only sees
rows the test has committed.

The worker is ``python -m celery -A config worker --pool solo`` with the test process's environment,
except that DATABASE_URL names pytest-django's test database and CELERY_BROKER_URL is pinned to the
broker this process publishes to. Pinning is needed because, with CELERY_BROKER_URL unset, settings
derive the broker from DATABASE_URL; rewriting DATABASE_URL alone would put the worker on a queue in
the test database while tests publish into the development one.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from pytest_django import DjangoDbBlocker

PROJECT_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = float(os.environ.get("NQI_WORKER_START_TIMEOUT", "60"))
STOP_TIMEOUT_SECONDS = 20.0
LOG_TAIL_LINES = 80


@dataclass
class LiveWorker:
    process: subprocess.Popen[bytes]
    log_path: Path
    nodename: str
    queue: str
    database_url: str
    broker_url: str

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no worker log)"
        return "\n".join(text.splitlines()[-lines:])

    def wait_until(self, predicate: Callable[[], bool], seconds: float = 60) -> None:
        """Poll `predicate` until it holds; fail with the worker's log if it dies or time runs out."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return
            self.assert_alive()
            time.sleep(0.25)
        pytest.fail(f"condition not met within {seconds}s\n--- worker log ---\n{self.log_tail()}")

    def assert_alive(self) -> None:
        """Fail with the worker's log when it has died; call it when a test times out waiting."""
        code = self.process.poll()
        if code is not None:
            pytest.fail(
                f"Celery worker exited with status {code}.\n--- worker log tail ---\n{self.log_tail()}"
            )


def with_database_name(database_url: str, name: str) -> str:
    """`database_url` with its path (the database name) replaced; host, options and query are kept."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/" + quote(name, safe="")))


def _wait_until_ready(worker: LiveWorker) -> None:
    # Readiness comes from the worker's own "<nodename> ready." log line rather than a remote-control
    # ping: the default broker (kombu's SQLAlchemy transport) has no fanout exchanges, so
    # `celery inspect ping` never gets an answer there. The line is logged after the consumer has
    # declared its queues and started, on every transport.
    ready = re.compile(rf"{re.escape(worker.nodename)} ready\.")
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(
                f"Celery worker exited with status {worker.process.returncode} before it was ready.\n"
                f"--- worker log tail ---\n{worker.log_tail()}"
            )
        if worker.log_path.exists() and ready.search(worker.log_path.read_text(errors="replace")):
            return
        time.sleep(0.2)
    raise RuntimeError(
        f"Celery worker not ready after {START_TIMEOUT_SECONDS:.0f}s.\n"
        f"--- worker log tail ---\n{worker.log_tail()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # TERM: warm shutdown, finishes the task in hand
    try:
        process.wait(STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def celery_worker_process(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveWorker]:
    """A Celery worker subprocess on the test database, for the whole session.

    Depending on django_db_setup means the test database exists before the worker starts and is only
    dropped after the worker has stopped (its connections would otherwise block DROP DATABASE).
    """
    from django.conf import settings
    from django.db import connection

    from config.celery import app

    with django_db_blocker.unblock():
        test_database = str(connection.settings_dict["NAME"])
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        raise RuntimeError("DATABASE_URL is not set; run the tests through scripts/test.")

    broker_url = str(settings.CELERY_BROKER_URL)
    # The queue tests publish to; "celery" unless settings name another (e.g. per xdist worker).
    queue = str(app.conf.task_default_queue)
    nodename = f"nqi-test-{os.getpid()}@{socket.gethostname()}"
    log_path = tmp_path_factory.mktemp("celery-worker") / "worker.log"

    env = dict(os.environ)
    env.update(
        DATABASE_URL=with_database_name(database_url, test_database),
        CELERY_BROKER_URL=broker_url,
        # What the worker queues itself (a timer sweep handing on, a wake-up) must come back to it:
        # its default queue is the one it consumes (per xdist process, tests/conftest.py).
        NQI_CELERY_QUEUE=queue,
        PYTHONUNBUFFERED="1",
    )
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool", "solo", "--concurrency", "1", "-l", "info",
        "-Q", queue, "-n", nodename,
        # Mingle and gossip talk to other workers over broadcast; the test worker is alone and they
        # only add start-up time (or warnings on a broker without fanout).
        "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = LiveWorker(process, log_path, nodename, queue, env["DATABASE_URL"], broker_url)
    try:
        _wait_until_ready(worker)
        yield worker
    finally:
        _stop(process)
