"""Refused requests are logged once, as one line: no second copy from Django's own console
handler, no traceback for an expected refusal (403/404/400). Server errors keep theirs."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from core.log_filters import RefusalWithoutTraceback
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_404_is_one_record_without_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        Client().get("/no-such-page/")
    records = request_records(caplog)
    assert len(records) == 1 and records[0].getMessage() == "Not Found: /no-such-page/"
    assert records[0].exc_info is None


def test_403_is_one_record_without_traceback(cast: Cast, caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    client.force_login(cast.enterprise_a, backend="django.contrib.auth.backends.ModelBackend")
    with caplog.at_level(logging.WARNING):
        response = client.get(reverse("board"))  # the board view raises PermissionDenied
    assert response.status_code == 403
    records = request_records(caplog)
    assert len(records) == 1 and records[0].getMessage().startswith("Forbidden (Permission denied)")
    assert records[0].exc_info is None and records[0].exc_text is None


def test_server_errors_keep_their_traceback() -> None:
    try:
        raise RuntimeError("bug")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), sys.exc_info())
    record.status_code = 500
    assert RefusalWithoutTraceback().filter(record) and record.exc_info is not None


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything the configured stream handlers print, wherever they hang in the logger tree.

    Counting records (caplog) cannot see a record printed twice by two handlers; this can."""
    buffer = io.StringIO()
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    # Only the handlers the settings configured (pytest's capture handlers subclass StreamHandler).
    handlers = {h for logger in loggers for h in logger.handlers if type(h) is logging.StreamHandler}
    assert handlers, "no stream handler configured: nothing would be logged at all"
    previous: dict[logging.StreamHandler[Any], Any] = {h: h.setStream(buffer) for h in handlers}
    try:
        yield buffer
    finally:
        for handler, stream in previous.items():
            handler.setStream(stream)


@pytest.mark.parametrize("debug", [False, True])
def test_each_refusal_is_printed_once(debug: bool, cast: Cast, log_output: io.StringIO) -> None:
    # DEBUG on (scripts/run --dev) is where Django's own console handler printed the second copy.
    client = Client()
    client.force_login(cast.enterprise_a, backend="django.contrib.auth.backends.ModelBackend")
    with override_settings(DEBUG=debug):
        client.get("/no-such-page/")
        client.get(reverse("board"))
    printed = log_output.getvalue()
    assert printed.count("Not Found: /no-such-page/") == 1, printed
    assert printed.count("Forbidden (Permission denied): /board/") == 1, printed
    assert "Traceback" not in printed, printed
