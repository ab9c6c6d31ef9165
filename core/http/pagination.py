"""The API's paging: `limit` and `offset`, checked rather than silently replaced.

DRF's LimitOffsetPagination takes "abc" or "-5" as "no value" and passes any offset to the
database, where one past bigint fails the query. Here a value that is not an integer, or outside
1..MAX_LIMIT (limit) or 0..MAX_OFFSET (offset), is a 400 naming the parameter. The task inbox
(workflows/api/views.py), which pages with its own queries, reads them with limit_and_offset().
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.settings import api_settings

from .query_params import bounded_int

DEFAULT_LIMIT: int = api_settings.PAGE_SIZE or 50
MAX_LIMIT = 200
# Far beyond any list here, far below where `offset + limit` could overflow a bigint.
MAX_OFFSET = 1_000_000_000

_BOUNDS = {"limit": (1, MAX_LIMIT), "offset": (0, MAX_OFFSET)}


def limit_and_offset(params: Mapping[str, Any], default_limit: int = DEFAULT_LIMIT) -> tuple[int, int]:
    """(limit, offset) of a request's query string; raises InvalidInput for bad values."""
    limit = bounded_int(params, "limit", *_BOUNDS["limit"])
    offset = bounded_int(params, "offset", *_BOUNDS["offset"])
    return (default_limit if limit is None else limit), (offset or 0)


def schema_parameters() -> list[dict[str, Any]]:
    """`limit` and `offset` for the OpenAPI schema, with their bounds."""
    return [
        {
            "name": name,
            "required": False,
            "in": "query",
            "description": description,
            "schema": {"type": "integer", "minimum": low, "maximum": high},
        }
        for name, (low, high), description in (
            ("limit", _BOUNDS["limit"], f"Number of results to return per page (default {DEFAULT_LIMIT})."),
            ("offset", _BOUNDS["offset"], "The initial index from which to return the results."),
        )
    ]


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """The project's pagination: DRF's limit/offset with every value checked (see above)."""

    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        return limit_and_offset(request.query_params, self.default_limit)[0]

    def get_offset(self, request: Request) -> int:
        return limit_and_offset(request.query_params, self.default_limit)[1]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return schema_parameters()
