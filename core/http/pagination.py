"""The API's paging: `limit` and `offset`, checked rather than silently replaced.

DRF's LimitOffsetPagination takes "abc" or "-5" as "no value" and passes any offset to the
database, where one past bigint fails the query. Here a value that is not an integer, or outside
1..MAX_LIMIT (limit) or 0..MAX_OFFSET (offset), is a 400 naming the parameter. The task inbox
(workflows/api/views.py), which pages with its own queries, and the few APIViews that page a list
themselves (a project's assessments, an enterprise's proposals, a model's versions) read them with
limit_and_offset(): no API list is unbounded (tests/privacy/test_api_lists.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import OpenApiParameter
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


def openapi_parameters() -> list[OpenApiParameter]:
    """`limit` and `offset` for an APIView that pages a list itself (extend_schema(parameters=))."""
    return [
        OpenApiParameter(
            "limit", int, description=f"Results per page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})."
        ),
        OpenApiParameter("offset", int, description="The initial index from which to return the results."),
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
