from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import filter_events
from audit.verify import latest_verification
from core.errors import NotFound

from .filters import parse_event_filters
from .permissions import CanViewAuditEvents
from .serializers import AuditEventSerializer, ChainVerificationSerializer

_FILTER_PARAMETERS = [
    OpenApiParameter("actor", str, description="Username, as recorded then or as it is now."),
    OpenApiParameter("action", str, enum=Action.values),
    OpenApiParameter("target_type", str),
    OpenApiParameter("target_id", str),
    OpenApiParameter("business_key", str),
    OpenApiParameter("instance", int, description="Process instance id."),
    OpenApiParameter(
        "since", OpenApiTypes.DATETIME, description="Inclusive lower bound; no offset means Asia/Shanghai."
    ),
    OpenApiParameter(
        "until", OpenApiTypes.DATETIME, description="Exclusive upper bound; no offset means Asia/Shanghai."
    ),
]


@extend_schema(parameters=_FILTER_PARAMETERS, summary="Audit events, newest first")
class AuditEventListView(ListAPIView):
    serializer_class = AuditEventSerializer
    permission_classes = [IsAuthenticated, CanViewAuditEvents]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        filters = parse_event_filters(self.request.query_params)
        return filter_events(AuditEvent.objects.order_by("-id"), **filters)


class ChainVerificationView(APIView):
    permission_classes = [IsAuthenticated, CanViewAuditEvents]

    @extend_schema(responses=ChainVerificationSerializer, summary="Latest audit chain verification")
    def get(self, request: Request) -> Response:
        result = latest_verification()
        if result is None:
            raise NotFound("The audit chain has not been verified yet.", "审计链尚未校验过。")
        return Response(ChainVerificationSerializer(result).data)
