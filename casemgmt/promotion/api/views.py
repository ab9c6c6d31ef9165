"""Thin API views: the pipeline, a project's assessments, starting an assessment."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casemgmt.models import ServiceProject
from core.errors import NotFound, PermissionDenied
from core.http.pagination import limit_and_offset, openapi_parameters

from .. import queries, services
from ..models import ProjectAssessment


def _project(request: Request, code: str) -> ServiceProject:
    project = ServiceProject.objects.select_related("operator").filter(code=code).first()
    if project is None or not request.user.has_perm("promotion.view_project", project):
        raise NotFound(f"Service project {code} does not exist.", f"服务项目 {code} 不存在。")
    return project


def _total(evaluation: Any) -> str | None:
    """Submitted totals only: a draft's running total is not a score yet."""
    return str(evaluation.total) if evaluation is not None and evaluation.status == "submitted" else None


def assessment_dict(row: ProjectAssessment) -> dict[str, Any]:
    return {
        "id": row.pk,
        "project": row.project.code,
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "cycle": row.cycle,
        "instance": row.instance_id,
        "instance_status": row.instance.status,
        "self_total": _total(row.self_evaluation),
        "office_total": _total(row.office_evaluation),
        "district_total": _total(row.district_evaluation),
        "band": row.band,
        "district_band": row.district_band,
        "outcome": row.outcome,
        "proposed_name": row.proposed_name,
    }


class Pipeline(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Running promotion cycles: step, group, since when")
    def get(self, request: Request) -> Response:
        if not request.user.has_perm("promotion.view_report"):
            raise PermissionDenied("You may not see the promotion pipeline.", "您无权查看晋级进度。")
        office = str(request.query_params.get("office") or "")[:64]
        return Response({"results": [row.as_dict() for row in queries.pipeline(request.user, office)]})


class ProjectAssessments(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        summary="A project's assessments, newest first",
        parameters=openapi_parameters(),
    )
    def get(self, request: Request, code: str) -> Response:
        project = _project(request, code)
        # Paged like every list (core/http/pagination.py): a limit over the maximum is a 400.
        limit, offset = limit_and_offset(request.query_params)
        rows = ProjectAssessment.objects.filter(project=project).select_related(
            "project", "instance", "self_evaluation", "office_evaluation", "district_evaluation"
        )
        page = rows[offset : offset + limit]
        return Response({"count": rows.count(), "results": [assessment_dict(row) for row in page]})


class StartSerializer(serializers.Serializer[dict[str, Any]]):
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class StartAssessment(APIView):
    @extend_schema(
        request=StartSerializer, responses=OpenApiTypes.OBJECT, summary="Start an assessment cycle"
    )
    def post(self, request: Request, code: str) -> Response:
        project = _project(request, code)
        if not request.user.has_perm("promotion.start_assessment", project):
            raise PermissionDenied(
                "You may not start an assessment of this project.", "您无权发起该项目的评估。"
            )
        body = StartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        instance = services.start_assessment(
            project.pk,
            actor=request.user,
            period_start=body.validated_data["period_start"],
            period_end=body.validated_data["period_end"],
        )
        row = ProjectAssessment.objects.select_related(
            "project", "instance", "self_evaluation", "office_evaluation", "district_evaluation"
        ).get(instance=instance)
        return Response(assessment_dict(row), status=status.HTTP_201_CREATED)
