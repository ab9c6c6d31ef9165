"""Scan the static files once per test run, not once per test client.

Django's test client builds the middleware chain anew for every client, and tests make a client
each; WhiteNoise's middleware, when it serves straight from the finders (settings: no
collectstatic in a checkout), lists and stats every static file as it is built: about a tenth of
a second a client, which over the permission matrices' thousands of clients was a quarter of the
suite's time. The files do not change during a run (the set-up step built the bundles before),
so the first scan's result is handed to every later middleware.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from whitenoise.middleware import WhiteNoiseMiddleware


@contextmanager
def static_files_scanned_once() -> Iterator[None]:
    original = WhiteNoiseMiddleware.add_files_from_finders
    scanned: dict[str, Any] = {}

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        if not scanned:
            before = dict(self.files)
            original(self)
            scanned.update({url: f for url, f in self.files.items() if before.get(url) is not f})
        else:
            self.files.update(scanned)

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    try:
        yield
    finally:
        WhiteNoiseMiddleware.add_files_from_finders = original
