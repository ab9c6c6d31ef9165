"""Cases API: thin views over casemgmt.cases (intake, lifecycle) with the pages' visibility rules."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.access import record_api_read
from audit.access_api import PAGING_PARAMETERS, RecordedListAPIView
from casemgmt.api.filters import check_case_filters
from casemgmt.cases import lifecycle
from casemgmt.cases.api.serializers import (
    CaseDetailSerializer,
    CaseIntakeSerializer,
    CaseReasonSerializer,
    CaseSerializer,
)
from casemgmt.cases.intake import IDEMPOTENCY_HEADER, IntakeRequest, key_from, register_case
from casemgmt.cases.queries import parse_filters, visible_cases
from casemgmt.models import Channel, ServiceCase
from core.errors import NotFound


def visible_case(request: Request, pk: int) -> ServiceCase:
    """A case the user may not see answers 404, as if it did not exist."""
    case = (
        ServiceCase.objects.select_related(
            "project__operator", "enterprise__org_unit", "matched_institution", "instance"
        )
        .filter(pk=pk)
        .first()
    )
    if case is None or not request.user.has_perm("cases.view_case", case):
        raise NotFound(f"Case {pk} does not exist.", f"办件 {pk} 不存在。")
    return case


class CaseList(RecordedListAPIView):
    serializer_class = CaseSerializer
    # Who read which list of cases (PIPL access log); the search text's value is not kept.
    access_subject = "case_list"
    access_shown_parameters = (*PAGING_PARAMETERS, "stage", "project", "since", "until")

    @extend_schema(
        summary="Service cases I may see",
        parameters=[
            OpenApiParameter("stage", str, description="a stage, or 'open'"),
            OpenApiParameter("project", str, description="project code"),
            OpenApiParameter("q", str, description="case number, enterprise name or credit code, need"),
            OpenApiParameter("since", str, description="submitted on or after (YYYY-MM-DD)"),
            OpenApiParameter("until", str, description="submitted on or before (YYYY-MM-DD)"),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ServiceCase]:
        check_case_filters(self.request.query_params)  # the shared parser ignores bad values
        return parse_filters(self.request.query_params).apply(visible_cases(self.request.user))


class CaseDetail(APIView):
    @extend_schema(responses=CaseDetailSerializer, summary="A service case with its records and open tasks")
    def get(self, request: Request, pk: int) -> Response:
        case = visible_case(request, pk)
        record_api_read(request, "case", case.pk)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


class CaseCreate(APIView):
    @extend_schema(
        request=CaseIntakeSerializer,
        responses={201: CaseDetailSerializer, 200: CaseDetailSerializer},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                location=OpenApiParameter.HEADER,
                required=False,
                description=(
                    "1 to 64 printable characters (or idempotency_key in the body, not both differing). "
                    "The same key again with the same request returns the first case (200); with any "
                    "field different, 409 idempotency_conflict."
                ),
            )
        ],
        summary="Register a service request (channel api); an idempotency key makes retries safe",
    )
    def post(self, request: Request) -> Response:
        serializer = CaseIntakeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values["catalogue_items"] = tuple(values.get("catalogue_items") or ())
        consent = values.pop("consent", None) or {}
        values["consent_version"] = consent.get("notice_version")
        values["idempotency_key"] = key_from(
            values.get("idempotency_key"), request.headers.get(IDEMPOTENCY_HEADER)
        )
        case, created = register_case(IntakeRequest(**values, channel=Channel.API), actor=request.user)
        return Response(
            CaseDetailSerializer(case, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class _End(APIView):
    action = "withdraw"

    @extend_schema(request=CaseReasonSerializer, responses=CaseDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        case = visible_case(request, pk)
        serializer = CaseReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        if self.action == "withdraw":
            case = lifecycle.withdraw_case(case.pk, actor=request.user, reason=reason)
        else:
            case = lifecycle.cancel_case(case.pk, actor=request.user, reason=reason)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


class CaseWithdraw(_End):
    action = "withdraw"


class CaseCancel(_End):
    action = "cancel"
