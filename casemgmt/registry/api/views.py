"""Registry endpoints: thin views over casemgmt.registry (stations, enterprises, institutions).

Permissions as on the pages (casemgmt/registry/rules.py): projects and stations for everyone with a
role, edits for the project's operator and coordinating office and process admins; enterprises for
staff, scoped (another area's enterprise is 404); the institution search for anyone signed in.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.access import record_api_read
from audit.access_api import RecordedListAPIView
from casemgmt.api.filters import check_institution_filters
from casemgmt.models import Enterprise, ServiceProject, ServiceStation
from casemgmt.org.scopes import registry_enterprises
from casemgmt.registry import stations
from casemgmt.registry.api.serializers import (
    RegistryEnterpriseCreateSerializer,
    RegistryEnterpriseInputSerializer,
    RegistryEnterpriseListSerializer,
    RegistryEnterpriseSerializer,
    RegistryInstitutionSerializer,
    RegistryProjectDetailSerializer,
    RegistryProjectSerializer,
    RegistryStationCreateSerializer,
    RegistryStationInputSerializer,
    RegistryStationSerializer,
)
from casemgmt.registry.enterprises import find_enterprise, update_enterprise, upsert_enterprise
from casemgmt.registry.institutions import search_institutions
from core.errors import Conflict, NotFound, PermissionDenied

VIEW = "casemgmt.registry_view"
CHANGE = "casemgmt.registry_change"
ENTERPRISES = "casemgmt.registry_view_enterprise_list"
ADD_ENTERPRISE = "casemgmt.registry_add_enterprise"


def _require(request: Request, permission: str, obj: Any = None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied(
            f"You are not allowed to do this ({permission}).", f"您无权执行此操作（{permission}）。"
        )


def _projects() -> QuerySet[ServiceProject]:
    return ServiceProject.objects.select_related("coordinating_office", "operator").prefetch_related(
        "divisions"
    )


def _stations() -> QuerySet[ServiceStation]:
    return ServiceStation.objects.select_related("project__operator").prefetch_related("staff")


class ProjectList(generics.ListAPIView):
    serializer_class = RegistryProjectSerializer

    @extend_schema(summary="Service projects")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _require(request, VIEW)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ServiceProject]:
        return _projects().order_by("level", "code")


class ProjectDetail(APIView):
    @extend_schema(
        responses=RegistryProjectDetailSerializer, summary="A project with its naming history and stations"
    )
    def get(self, request: Request, code: str) -> Response:
        _require(request, VIEW)
        project = _projects().prefetch_related("naming_records", "stations__staff").filter(code=code).first()
        if project is None:
            raise NotFound(f"Service project {code} does not exist.", f"服务项目 {code} 不存在。")
        return Response(RegistryProjectDetailSerializer(project, context={"request": request}).data)


_PROJECT_FILTER = [
    OpenApiParameter("project", str, description="Only the stations of this project (its code).")
]


class StationListCreate(generics.ListAPIView):
    serializer_class = RegistryStationSerializer

    @extend_schema(parameters=_PROJECT_FILTER, summary="Service stations")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _require(request, VIEW)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ServiceStation]:
        found = _stations().order_by("project__code", "name")
        project = self.request.query_params.get("project")
        return found.filter(project__code=project) if project else found

    @extend_schema(
        request=RegistryStationCreateSerializer,
        responses={201: RegistryStationSerializer},
        summary="Add a station",
    )
    def post(self, request: Request) -> Response:
        _require(request, VIEW)
        body = RegistryStationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        code = data.pop("project")
        project = ServiceProject.objects.select_related("operator").filter(code=code).first()
        if project is None:
            raise NotFound(f"Service project {code} does not exist.", f"服务项目 {code} 不存在。")
        station = stations.create_station(project, data, actor=request.user)
        return Response(
            RegistryStationSerializer(_stations().get(pk=station.pk), context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class StationDetail(APIView):
    def _station(self, request: Request, pk: int) -> ServiceStation:
        _require(request, VIEW)
        station = _stations().filter(pk=pk).first()
        if station is None:
            raise NotFound(f"Service station {pk} does not exist.", f"服务站 {pk} 不存在。")
        return station

    @extend_schema(responses=RegistryStationSerializer, summary="A station with its staff")
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            RegistryStationSerializer(self._station(request, pk), context={"request": request}).data
        )

    @extend_schema(
        request=RegistryStationInputSerializer,
        responses=RegistryStationSerializer,
        summary="Change a station",
    )
    def patch(self, request: Request, pk: int) -> Response:
        station = self._station(request, pk)
        body = RegistryStationInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        stations.update_station(station, dict(body.validated_data), actor=request.user)
        return Response(RegistryStationSerializer(_stations().get(pk=pk), context={"request": request}).data)


_ENTERPRISE_FILTER = [OpenApiParameter("q", str, description="Part of the name or the credit code.")]


class EnterpriseListCreate(RecordedListAPIView):
    # Masked rows (contact, phone, address); POST answers with the one enterprise in full.
    serializer_class = RegistryEnterpriseListSerializer
    # Who read which list of enterprises (PIPL access log); the search text's value is not kept.
    access_subject = "enterprise_list"

    @extend_schema(parameters=_ENTERPRISE_FILTER, summary="Enterprises in my area")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _require(request, ENTERPRISES)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Enterprise]:
        found = registry_enterprises(self.request.user).select_related("division")
        query = (self.request.query_params.get("q") or "").strip()[:100]
        if query:
            found = found.filter(Q(name__icontains=query) | Q(credit_code__icontains=query))
        return found.order_by("name", "credit_code")

    @extend_schema(
        request=RegistryEnterpriseCreateSerializer,
        responses={200: RegistryEnterpriseSerializer, 201: RegistryEnterpriseSerializer},
        summary="Register an enterprise, or fill in the given fields of the one with this credit code",
    )
    def post(self, request: Request) -> Response:
        _require(request, ADD_ENTERPRISE)
        body = RegistryEnterpriseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        existing = find_enterprise(data["credit_code"])
        if existing is not None and not request.user.has_perm(
            "casemgmt.registry_change_enterprise", existing
        ):
            raise Conflict(
                "An enterprise with this credit code is already registered outside your area.",
                "该统一社会信用代码的企业已在其他区域登记。",
                code="registered_elsewhere",
            )
        enterprise = upsert_enterprise(
            data.pop("credit_code"), name=data.pop("name", ""), actor=request.user, **data
        )
        code = status.HTTP_200_OK if existing is not None else status.HTTP_201_CREATED
        return Response(RegistryEnterpriseSerializer(enterprise).data, status=code)


class EnterpriseDetail(APIView):
    def _enterprise(self, request: Request, credit_code: str) -> Enterprise:
        _require(request, ENTERPRISES)
        # Codes are stored upper-case; accept them typed in lower case too.
        visible = registry_enterprises(request.user).select_related("division")
        found = visible.filter(credit_code=credit_code.strip().upper()).first()
        if found is None:
            raise NotFound(f"Enterprise {credit_code} does not exist.", f"企业 {credit_code} 不存在。")
        return found

    @extend_schema(responses=RegistryEnterpriseSerializer, summary="An enterprise")
    def get(self, request: Request, credit_code: str) -> Response:
        enterprise = self._enterprise(request, credit_code)
        record_api_read(request, "enterprise", enterprise.pk)
        return Response(RegistryEnterpriseSerializer(enterprise).data)

    @extend_schema(
        request=RegistryEnterpriseInputSerializer,
        responses=RegistryEnterpriseSerializer,
        summary="Change an enterprise",
    )
    def patch(self, request: Request, credit_code: str) -> Response:
        enterprise = self._enterprise(request, credit_code)
        body = RegistryEnterpriseInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        if not request.user.has_perm("casemgmt.registry_change_enterprise", enterprise):
            raise PermissionDenied("You may only read this enterprise.", "您只能查看该企业。")
        updated = update_enterprise(enterprise, dict(body.validated_data), actor=request.user)
        return Response(RegistryEnterpriseSerializer(updated).data)


_INSTITUTION_FILTERS = [
    OpenApiParameter("q", str, description="Words to find in the name, capabilities, scope or numbers."),
    OpenApiParameter("kind", str, enum=["metrology", "certification", "testing", "ip_agency"]),
    OpenApiParameter("capability", str, description="A capability or certification scope to find."),
]


class InstitutionSearch(generics.ListAPIView):
    serializer_class = RegistryInstitutionSerializer

    @extend_schema(parameters=_INSTITUTION_FILTERS, summary="Search technical institutions")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        params = self.request.query_params
        check_institution_filters(params)  # search_institutions answers nothing for a bad kind
        return search_institutions(
            text=params.get("q", ""), kind=params.get("kind", ""), capability=params.get("capability", "")
        )
