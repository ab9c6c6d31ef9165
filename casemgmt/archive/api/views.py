"""Thin API views of the archive area: outcomes, one enterprise's archive, the sheet downloads.

Objects outside the caller's scope answer 404; visible ones the caller may not change, 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.access import record_api_read
from casemgmt.archive import outcomes as service
from casemgmt.archive.api.serializers import (
    FullExportSerializer,
    OutcomeCorrectSerializer,
    OutcomeCreateSerializer,
    OutcomeSerializer,
    entry_json,
)
from casemgmt.archive.exports import disclosure, service_sheet
from casemgmt.archive.exports.period import parse_bounds, parse_period
from casemgmt.archive.timeline import enterprise_entries
from casemgmt.archive.web.sheets import enterprise_filename, project_filename, xlsx_response
from casemgmt.models import Enterprise, Outcome, OutcomeKind, ServiceProject
from casemgmt.org.scopes import visible_outcomes
from core.disclosure import MASKED, full_disclosure
from core.errors import NotFound


def _not_found(kind_en: str, kind_zh: str, pk: Any) -> NotFound:
    return NotFound(f"{kind_en} {pk} does not exist.", f"{kind_zh} {pk} 不存在。")


def visible_enterprise(request: Request, pk: int) -> Enterprise:
    found = Enterprise.objects.filter(pk=pk).first()
    if found is None or not request.user.has_perm("casemgmt.view_enterprise_archive", found):
        raise _not_found("Enterprise", "企业", pk)
    return found


def visible_project(request: Request, pk: int) -> ServiceProject:
    found = ServiceProject.objects.select_related("operator").filter(pk=pk).first()
    if found is None or not request.user.has_perm("casemgmt.view_project_archive", found):
        raise _not_found("Service project", "服务项目", pk)
    return found


FILTERS = [
    OpenApiParameter("project", int),
    OpenApiParameter("enterprise", int),
    OpenApiParameter("case", int),
    OpenApiParameter("kind", str, enum=list(OutcomeKind.values)),
    OpenApiParameter("from", str, description="YYYY-MM-DD, inclusive"),
    OpenApiParameter("to", str, description="YYYY-MM-DD, inclusive"),
]
PERIOD = [
    OpenApiParameter("from", str, description="YYYY-MM-DD (default: 1 January of this year)"),
    OpenApiParameter("to", str, description="YYYY-MM-DD (default: today)"),
]


class OutcomeList(generics.ListAPIView):
    """Outcomes in the caller's scope, newest first; POST records one."""

    serializer_class = OutcomeSerializer

    def get_queryset(self) -> QuerySet[Outcome]:
        outcomes = visible_outcomes(self.request.user).select_related("case", "recorded_by")
        params = self.request.query_params
        for name in ("project", "enterprise", "case"):
            value = params.get(name, "")
            if value:
                outcomes = (
                    outcomes.filter(**{f"{name}_id": int(value)}) if value.isdigit() else outcomes.none()
                )
        if params.get("kind"):
            outcomes = outcomes.filter(kind=params["kind"])
        first, last = parse_bounds(params.get("from"), params.get("to"))
        if first is not None:
            outcomes = outcomes.filter(obtained_on__gte=first)
        if last is not None:
            outcomes = outcomes.filter(obtained_on__lte=last)
        return outcomes.order_by("-obtained_on", "-pk")

    @extend_schema(parameters=FILTERS, summary="Outcomes in my scope")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=OutcomeCreateSerializer, responses={201: OutcomeSerializer}, summary="Record an outcome"
    )
    def post(self, request: Request) -> Response:
        given = OutcomeCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        outcome = service.record_outcome(actor=request.user, **given.validated_data)
        return Response(OutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)


class OutcomeDetail(APIView):
    @extend_schema(responses=OutcomeSerializer, summary="One outcome")
    def get(self, request: Request, pk: int) -> Response:
        outcome = Outcome.objects.select_related("project", "case", "recorded_by").filter(pk=pk).first()
        if outcome is None or not request.user.has_perm("casemgmt.view_outcome", outcome):
            raise _not_found("Outcome", "成果", pk)
        return Response(OutcomeSerializer(outcome).data)


class OutcomeCorrect(APIView):
    @extend_schema(
        request=OutcomeCorrectSerializer, responses=OutcomeSerializer, summary="Correct an outcome"
    )
    def post(self, request: Request, pk: int) -> Response:
        given = OutcomeCorrectSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        outcome = service.correct_outcome(
            pk, given.validated_data["changes"], request.user, given.validated_data["reason"]
        )
        return Response(OutcomeSerializer(outcome).data)


class EnterpriseArchive(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="One enterprise's archive, oldest entry first")
    def get(self, request: Request, pk: int) -> Response:
        enterprise = visible_enterprise(request, pk)
        entries = enterprise_entries(request.user, enterprise)
        record_api_read(request, "archive", enterprise.pk)
        return Response(
            {
                "enterprise": {
                    "id": enterprise.pk,
                    "name": enterprise.name,
                    "credit_code": enterprise.credit_code,
                    "address": enterprise.address,
                    "contact_name": enterprise.contact_name,
                    "phone": enterprise.phone,
                    "size_class": enterprise.size_class,
                    "industry": enterprise.industry,
                },
                "entries": [entry_json(entry) for entry in entries],
            }
        )


_XLSX = {(200, service_sheet.CONTENT_TYPE): OpenApiTypes.BINARY}
_MASKED_NOTE = "Address, contact person and phone masked (139****0000); the download is recorded."
_FULL_NOTE = (
    "In full, for the reason given: watermarked with who and when, recorded with the reason. "
    "A missing or over-long reason is 400 and nothing is exported."
)


def _full_period(request: Request) -> tuple[Any, Any]:
    body = FullExportSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    # The reason first: a refused export builds nothing.
    how = full_disclosure(request.user, body.validated_data["reason"])
    return how, parse_period(body.validated_data["from"] or None, body.validated_data["to"] or None)


class EnterpriseSheetXlsx(APIView):
    @extend_schema(parameters=PERIOD, responses=_XLSX, description=_MASKED_NOTE)
    def get(self, request: Request, pk: int) -> HttpResponse:
        enterprise = visible_enterprise(request, pk)
        period = parse_period(request.query_params.get("from"), request.query_params.get("to"))
        content = disclosure.enterprise_xlsx(request.user, enterprise, period, MASKED, request)
        return xlsx_response(content, enterprise_filename(enterprise.pk, period))

    @extend_schema(request=FullExportSerializer, responses=_XLSX, description=_FULL_NOTE)
    def post(self, request: Request, pk: int) -> HttpResponse:
        enterprise = visible_enterprise(request, pk)
        how, period = _full_period(request)
        content = disclosure.enterprise_xlsx(request.user, enterprise, period, how, request)
        return xlsx_response(content, enterprise_filename(enterprise.pk, period))


class ProjectSheetXlsx(APIView):
    @extend_schema(parameters=PERIOD, responses=_XLSX, description=_MASKED_NOTE)
    def get(self, request: Request, pk: int) -> HttpResponse:
        project = visible_project(request, pk)
        period = parse_period(request.query_params.get("from"), request.query_params.get("to"))
        content = disclosure.project_xlsx(request.user, project, period, MASKED, request)
        return xlsx_response(content, project_filename(project.code, period))

    @extend_schema(request=FullExportSerializer, responses=_XLSX, description=_FULL_NOTE)
    def post(self, request: Request, pk: int) -> HttpResponse:
        project = visible_project(request, pk)
        how, period = _full_period(request)
        content = disclosure.project_xlsx(request.user, project, period, how, request)
        return xlsx_response(content, project_filename(project.code, period))
