"""API list endpoints that record one access record (kind "api_read") per successful request.

A base class rather than a call in each view: every list of personal data records the same way,
after the page was built, so a refused or invalid request (403, 400) records nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from .access import describe_query, record_api_read

# Parameters whose values say nothing about a person: paging and ordering.
PAGING_PARAMETERS = ("limit", "offset", "page", "ordering")


class RecordedListAPIView(generics.ListAPIView):
    """A ListAPIView recording one access record of `access_subject` per request, its detail the
    query string with the values of anything but `access_shown_parameters` hidden."""

    access_subject: ClassVar[str]
    access_shown_parameters: ClassVar[tuple[str, ...]] = PAGING_PARAMETERS

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        detail = describe_query(request.query_params, self.access_shown_parameters)
        record_api_read(request, self.access_subject, detail=detail)
        return response
