"""Time spent waiting on SQL, measured with Django's execute wrapper (no DEBUG log, no rounding).

A BEGIN or COMMIT that psycopg sends itself does not pass through execute wrappers, so this is a
lower bound of the database share; on the engine's own path they travel with a statement
(core.db.statements) and are counted with it. The rest of a call is Python: ORM, Spiff, serializers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class DbTimer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0
        self.enabled = True

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        if not self.enabled:
            return execute(sql, params, many, context)
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - began
            self.queries += 1

    def take(self) -> tuple[float, int]:
        """(seconds, queries) since the last take."""
        seconds, queries = self.seconds, self.queries
        self.seconds, self.queries = 0.0, 0
        return seconds, queries
