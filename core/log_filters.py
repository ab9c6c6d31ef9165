"""Logging filters referenced from LOGGING in config/settings.py."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """Drops the traceback from django.request's records of client errors (4xx).

    Django logs a refused request (PermissionDenied -> 403, Http404 -> 404, SuspiciousOperation ->
    400) with the exception attached, so every expected refusal printed a full traceback that
    looks like a crash to whoever reads the log. The one line "Forbidden (Permission denied):
    /path" says all there is; server errors (5xx) keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
