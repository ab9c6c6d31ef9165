"""Typical cases over the API: the list in my area, one case, an office's submission, the district's
review. The rules are the pages' (casemgmt/scorecard/typical_cases.py and rules.py): cases outside
the caller's area answer 404, visible ones the caller may not review 403."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound, PermissionDenied
from core.http import query_params

from ..models import TypicalCase, TypicalCaseKind, TypicalCaseStatus, quarter_start
from ..typical_cases import (
    case_ids_by_number,
    review_typical_case,
    submit_typical_case,
    visible_typical_cases,
)
from .lookups import named_project

LIST = "scorecard.view_typical_case_list"


class TypicalCaseSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code", read_only=True)
    office = serializers.CharField(source="office.code", read_only=True)
    cases = serializers.SerializerMethodField()

    class Meta:
        model = TypicalCase
        fields = [
            "id",
            "project",
            "office",
            "quarter",
            "kind",
            "title",
            "description",
            "status",
            "review_note",
            "reviewed_at",
            "cases",
        ]

    def get_cases(self, case: TypicalCase) -> list[str]:
        return sorted(c.case_no for c in case.cases.all())


class TypicalCaseSubmitSerializer(serializers.Serializer):
    project = serializers.CharField(max_length=64)
    quarter = serializers.CharField(max_length=6)
    kind = serializers.ChoiceField(choices=TypicalCaseKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    cases = serializers.ListField(
        child=serializers.CharField(max_length=40), allow_empty=False, max_length=50
    )


class TypicalCaseReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[s for s in TypicalCaseStatus.choices if s[0] != "submitted"])
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


def _require_list(request: Request) -> None:
    if not request.user.has_perm(LIST):
        raise PermissionDenied("You may not see typical cases.", "您无权查看典型案例。")


def _visible(request: Request, pk: int) -> TypicalCase:
    found = visible_typical_cases(request.user).prefetch_related("cases").filter(pk=pk).first()
    if found is None or not request.user.has_perm("scorecard.view_typical_case", found):
        raise NotFound(f"Typical case {pk} does not exist.", f"典型案例 {pk} 不存在。")
    return found


class TypicalCaseList(generics.ListAPIView):
    serializer_class = TypicalCaseSerializer

    def get_queryset(self) -> QuerySet[TypicalCase]:
        _require_list(self.request)
        rows = visible_typical_cases(self.request.user).prefetch_related("cases")
        params = self.request.query_params
        status_ = query_params.choice(params, "status", TypicalCaseStatus.values)
        quarter = (params.get("quarter") or "").strip().upper()
        if quarter:
            try:
                quarter_start(quarter)  # the one definition of a quarter's spelling
            except ValueError:
                raise query_params.refuse(
                    "quarter", "format", "季度格式应为 2026Q3。", "The quarter reads like 2026Q3."
                ) from None
        if status_ is not None:
            rows = rows.filter(status=status_)
        if quarter:
            rows = rows.filter(quarter=quarter)
        return rows.order_by("-quarter", "-pk")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(TypicalCaseStatus.values)),
            OpenApiParameter("quarter", str, description="e.g. 2026Q3"),
        ],
        summary="Typical cases in my area",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=TypicalCaseSubmitSerializer,
        responses={201: TypicalCaseSerializer},
        summary="An office reports a typical case",
    )
    def post(self, request: Request) -> Response:
        _require_list(request)
        given = TypicalCaseSubmitSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        project = named_project(code=data["project"])
        if not request.user.has_perm("scorecard.submit_typical_case", project):
            raise PermissionDenied(
                "You may not report typical cases for this project.", "您无权为该项目报送典型案例。"
            )
        case = submit_typical_case(
            project=project,
            quarter=data["quarter"].strip().upper(),
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            case_ids=case_ids_by_number(project, data["cases"]),
            actor=request.user,
        )
        return Response(TypicalCaseSerializer(case).data, status=status.HTTP_201_CREATED)


class TypicalCaseDetail(APIView):
    @extend_schema(responses=TypicalCaseSerializer, summary="One typical case")
    def get(self, request: Request, pk: int) -> Response:
        return Response(TypicalCaseSerializer(_visible(request, pk)).data)


class TypicalCaseReview(APIView):
    @extend_schema(
        request=TypicalCaseReviewSerializer,
        responses=TypicalCaseSerializer,
        summary="The district selects, rejects (with a note) or marks as reported to the city",
    )
    def post(self, request: Request, pk: int) -> Response:
        _visible(request, pk)
        given = TypicalCaseReviewSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        case = review_typical_case(
            pk,
            decision=given.validated_data["decision"],
            note=given.validated_data["note"],
            actor=request.user,
        )
        return Response(TypicalCaseSerializer(case).data)
