"""Thin API views of the scorecard: list, detail, create, score, submit, what-if.

Evaluations outside the caller's area answer 404; visible ones the caller may not change, 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casemgmt.models import ServiceProject
from core.errors import FieldError, InvalidInput, NotFound, PermissionDenied
from core.http import query_params

from .. import services, submission, whatif
from ..models import Evaluation, EvaluationStatus, Stage
from ..queries import get_evaluation, period_from, visible_evaluations
from .lookups import named_project
from .serializers import (
    EvaluationCreateSerializer,
    EvaluationSerializer,
    ScoreSerializer,
    evaluation_detail,
    whatif_json,
)


def _require_list(request: Request) -> None:
    if not request.user.has_perm("scorecard.view_evaluation_list"):
        raise PermissionDenied("You may not see scorecards.", "您无权查看效能评分表。")


class EvaluationList(generics.ListAPIView):
    """Evaluations in the caller's area, newest period first; POST starts one."""

    serializer_class = EvaluationSerializer

    def get_queryset(self) -> QuerySet[Evaluation]:
        _require_list(self.request)
        rows = visible_evaluations(self.request.user)
        params = self.request.query_params
        # An unknown value is refused, not ignored: the list would answer another question.
        project = query_params.bounded_int(params, "project")
        stage = query_params.choice(params, "stage", Stage.values)
        status_ = query_params.choice(params, "status", EvaluationStatus.values)
        if project is not None:
            rows = rows.filter(project_id=project)
        if stage is not None:
            rows = rows.filter(stage=stage)
        if status_ is not None:
            rows = rows.filter(status=status_)
        return rows.order_by("-period_end", "-pk")

    @extend_schema(
        parameters=[
            OpenApiParameter("project", int),
            OpenApiParameter("stage", str, enum=list(Stage.values)),
            OpenApiParameter("status", str, enum=list(EvaluationStatus.values)),
        ],
        summary="Scorecards in my area",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=EvaluationCreateSerializer, responses={201: OpenApiTypes.OBJECT}, summary="Start a scorecard"
    )
    def post(self, request: Request) -> Response:
        _require_list(request)
        given = EvaluationCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        project = named_project(pk=data["project"])
        based_on = None
        if data.get("based_on"):
            based_on = visible_evaluations(request.user).filter(pk=data["based_on"]).first()
            if based_on is None:
                raise InvalidInput(
                    "No such evaluation to start from.",
                    "所依据的评分表不存在。",
                    fields=[
                        FieldError("based_on", "not_found", "所依据的评分表不存在。", "No such evaluation.")
                    ],
                )
        evaluation = services.create_evaluation(
            project,
            data["period_start"],
            data["period_end"],
            stage=data["stage"],
            actor=request.user,
            based_on=based_on,
        )
        return Response(evaluation_detail(evaluation), status=status.HTTP_201_CREATED)


class EvaluationDetail(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT, summary="One scorecard with every indicator, item and record id"
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(evaluation_detail(get_evaluation(request.user, pk)))


class EvaluationScore(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=ScoreSerializer, responses=OpenApiTypes.OBJECT, summary="Score one indicator or item"
    )
    def post(self, request: Request, pk: int) -> Response:
        evaluation = get_evaluation(request.user, pk)
        given = ScoreSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        evidence = data.get("evidence_file") or data.get("evidence_url") or None
        services.set_score(
            evaluation,
            data["indicator"],
            data.get("sub_item") or None,
            points=data.get("points"),
            satisfied=data.get("satisfied"),
            reason=data.get("reason"),
            evidence=evidence,
            evidence_note=data.get("evidence_note", ""),
            actor=request.user,
        )
        return Response(evaluation_detail(get_evaluation(request.user, pk)))


class EvaluationSubmit(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT, summary="Submit a scorecard")
    def post(self, request: Request, pk: int) -> Response:
        evaluation = get_evaluation(request.user, pk)
        submission.submit_evaluation(evaluation, actor=request.user)
        return Response(evaluation_detail(get_evaluation(request.user, pk)))


class ProjectWhatIf(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="YYYY-MM-DD (default: 1 January of this year)"),
            OpenApiParameter("to", str, description="YYYY-MM-DD (default: 31 December of this year)"),
        ],
        responses=OpenApiTypes.OBJECT,
        summary="What the records alone prove for a project and period, and how to earn more",
    )
    def get(self, request: Request, pk: int) -> Response:
        project = ServiceProject.objects.select_related("operator").filter(pk=pk).first()
        if project is None or not request.user.has_perm("scorecard.view_evaluation", project):
            raise NotFound(f"Service project {pk} does not exist.", f"服务项目 {pk} 不存在。")
        start, end = period_from(request.query_params)
        return Response(whatif_json(whatif.for_period(project, start, end)))


class EvaluationWhatIf(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT, summary="Points missing to pass 70 and 80, and how to earn them"
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(whatif_json(whatif.for_evaluation(get_evaluation(request.user, pk))))
