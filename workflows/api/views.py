"""Thin API views: parse, call one service, shape the answer. Rules live in casemgmt/rules.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Max
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.http import pagination

from .. import deploy, human_tasks, instances, migration, migration_rehearsal
from ..models import HumanTask, ProcessInstance, ProcessModel, ProcessModelVersion
from ..queries.instances import filter_instances, visible_instances
from ..queries.tasks import TASK_VIEWS
from . import queries, task_list
from .serializers import (
    AssignSerializer,
    CompleteSerializer,
    DeployResultSerializer,
    DeploySerializer,
    InstanceDetailSerializer,
    InstanceSerializer,
    MigrateSerializer,
    MigrationPlanSerializer,
    ProcessModelSerializer,
    ProcessModelVersionsSerializer,
    ReasonSerializer,
    StartSerializer,
    TaskDetailSerializer,
    TaskPageSerializer,
    TaskSerializer,
    VersionSerializer,
)


def _not_found(kind_en: str, kind_zh: str, pk: Any) -> NotFound:
    return NotFound(f"{kind_en} {pk} does not exist.", f"{kind_zh} {pk} 不存在。")


def visible_instance(request: Request, pk: int) -> ProcessInstance:
    """Objects a user may not see answer 404, as if they did not exist."""
    instance = (
        ProcessInstance.objects.select_related("version__process_model", "started_by").filter(pk=pk).first()
    )
    if instance is None or not request.user.has_perm("workflows.view_instance", instance):
        raise _not_found("Process instance", "流程实例", pk)
    return instance


def visible_task(request: Request, pk: int) -> HumanTask:
    task = (
        HumanTask.objects.select_related("assignee", "completed_by", "instance__version__process_model")
        .filter(pk=pk)
        .first()
    )
    if task is None or not request.user.has_perm("workflows.view_task", task):
        raise _not_found("Task", "任务", pk)
    return task


class ProcessModelList(generics.ListAPIView):
    serializer_class = ProcessModelSerializer

    def get_queryset(self) -> Any:
        return ProcessModel.objects.annotate(latest_number=Max("versions__number")).order_by("key")


class ProcessModelDetail(APIView):
    @extend_schema(
        responses=ProcessModelVersionsSerializer,
        summary="Versions of a process model",
        operation_id="process_model",
        parameters=pagination.openapi_parameters(),
    )
    def get(self, request: Request, key: str) -> Response:
        model = ProcessModel.objects.filter(key=key).first()
        if model is None:
            raise _not_found("Process model", "流程模型", key)
        # Newest first, a page at a time like every list (limit at most 200; more is a 400).
        limit, offset = pagination.limit_and_offset(request.query_params)
        versions = model.versions.select_related("deployed_by").order_by("-number")[offset : offset + limit]
        return Response(
            {
                "key": model.key,
                "name": model.name,
                "versions": VersionSerializer(versions, many=True).data,
            }
        )


class VersionFiles(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="The deployed files of one version")
    def get(self, request: Request, key: str, number: int) -> Response:
        version = ProcessModelVersion.objects.filter(process_model__key=key, number=number).first()
        if version is None:
            raise _not_found("Process model version", "流程模型版本", f"{key} v{number}")
        return Response({"key": key, "number": number, "files": version.files})


class Deploy(APIView):
    @extend_schema(
        request=DeploySerializer,
        responses={200: DeployResultSerializer, 201: DeployResultSerializer},
        summary="Validate, or validate and deploy, a set of BPMN/DMN/form files",
    )
    def post(self, request: Request) -> Response:
        if not request.user.has_perm("workflows.deploy_model"):
            raise PermissionDenied("Only process admins deploy models.", "只有流程管理员可以部署流程模型。")
        body = DeploySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = deploy.deploy(
            body.validated_data["files"],
            actor=request.user,
            model_key=body.validated_data.get("model_key"),
            name=body.validated_data.get("name", ""),
            validate_only=body.validated_data["validate_only"],
            note=body.validated_data["note"],
        )
        if outcome.version is None:
            return Response(
                {
                    "valid": True,
                    "model_key": outcome.model_key,
                    "main_process_id": outcome.main_process_id,
                    "content_hash": outcome.content_hash,
                }
            )
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response(
            {
                "created": outcome.created,
                "model_key": outcome.model_key,
                "version": VersionSerializer(outcome.version).data,
            },
            status=code,
        )


_INSTANCE_FILTERS = [
    OpenApiParameter("model", str),
    OpenApiParameter("version", int),
    OpenApiParameter("status", str),
    OpenApiParameter("business_key", str),
    OpenApiParameter("org_unit", str),
    OpenApiParameter("q", str),
    OpenApiParameter("started_after", OpenApiTypes.DATETIME),
    OpenApiParameter("started_before", OpenApiTypes.DATETIME),
    OpenApiParameter("mine", str, enum=["0", "1"], description="1: the instances I started (我发起的)"),
]


class InstanceListCreate(generics.ListAPIView):
    serializer_class = InstanceSerializer

    @extend_schema(parameters=_INSTANCE_FILTERS, summary="Instances I may see")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return filter_instances(
            visible_instances(self.request.user),
            queries.instance_filter(self.request.query_params, self.request.user),
        )

    @extend_schema(request=StartSerializer, responses=InstanceDetailSerializer, summary="Start an instance")
    def post(self, request: Request) -> Response:
        body = StartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        instance = instances.start_instance(
            v["model"],
            actor=request.user,
            data=v["data"],
            business_key=v["business_key"],
            subject=v["subject"],
            org_unit_code=v["org_unit"],
            version_number=v.get("version"),
        )
        return Response(InstanceDetailSerializer(instance).data, status=status.HTTP_201_CREATED)


class InstanceDetail(APIView):
    @extend_schema(
        responses=InstanceDetailSerializer, summary="An instance with its open tasks and audit events"
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(InstanceDetailSerializer(visible_instance(request, pk)).data)


class InstanceAction(APIView):
    """suspend / resume / terminate / retry, each with a reason."""

    action_name = ""
    actions: dict[str, Callable[..., ProcessInstance]] = {
        "suspend": instances.suspend,
        "resume": instances.resume,
        "terminate": instances.terminate,
        "retry": instances.retry,
    }

    @extend_schema(request=ReasonSerializer, responses=InstanceSerializer)
    def post(self, request: Request, pk: int) -> Response:
        visible_instance(request, pk)
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        instance = self.actions[self.action_name](
            pk, actor=request.user, reason=body.validated_data["reason"]
        )
        return Response(InstanceSerializer(instance).data)


class InstanceMigrate(APIView):
    """Move an open instance to another version of its model (the newest unless `version` is
    given); `dry_run` answers with the plan and changes nothing."""

    @extend_schema(
        request=MigrateSerializer,
        responses=inline_serializer(
            "MigrationResult",
            {
                "plan": MigrationPlanSerializer(),
                "instance": InstanceSerializer(required=False),
                # dry_run: the move run and rolled back (workflows/migration_rehearsal.py)
                "rehearsal": serializers.DictField(required=False),
            },
        ),
        summary="Migrate an instance to another version (with a dry run)",
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_instance(request, pk)
        body = MigrateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        options = body.validated_data
        if options["dry_run"]:
            found = migration.plan(
                pk,
                actor=request.user,
                version_number=options["version"],
                restart_timers=options["restart_timers"],
            )
            # The real move, rolled back: what it would do, not what the plan predicts.
            rehearsal = migration_rehearsal.rehearse(
                pk,
                actor=request.user,
                version_number=options["version"],
                restart_timers=options["restart_timers"],
            )
            return Response({"plan": found.as_dict(), "rehearsal": rehearsal.as_dict()})
        instance, found = migration.migrate(
            pk,
            actor=request.user,
            reason=options["reason"],
            version_number=options["version"],
            expected=options["plan"],
            restart_timers=options["restart_timers"],
        )
        return Response({"plan": found.as_dict(), "instance": InstanceSerializer(instance).data})


_TASK_FILTERS = [
    OpenApiParameter(
        "view",
        str,
        enum=list(TASK_VIEWS),
        description="inbox (mine + claimable), mine, claimable, overdue, completed",
    ),
    OpenApiParameter("process", str),
    OpenApiParameter("task_spec", str),
    OpenApiParameter("instance", int),
    OpenApiParameter("q", str),
    OpenApiParameter("due_before", OpenApiTypes.DATETIME),
    OpenApiParameter("due_after", OpenApiTypes.DATETIME),
]


_PAGING = [
    OpenApiParameter(p["name"], p["schema"], description=p["description"])
    for p in pagination.schema_parameters()
]


class TaskList(APIView):
    @extend_schema(
        parameters=[*_TASK_FILTERS, *_PAGING],
        responses=TaskPageSerializer,
        summary="My task inbox (count is capped at 1000; count_capped says so)",
        operation_id="tasks_list",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        limit, offset = pagination.limit_and_offset(params)
        page = task_list.api_task_page(request.user, params, limit, offset, timezone.now())
        return Response(
            {
                "count": page.count,
                "count_capped": page.count_capped,
                "next": _page_link(request, limit, offset + limit) if offset + limit < page.count else None,
                "previous": _page_link(request, limit, max(offset - limit, 0)) if offset else None,
                "results": page.rows,
            }
        )


def _page_link(request: Request, limit: int, offset: int) -> str:
    query = request.query_params.copy()
    query["limit"] = str(limit)
    query["offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class TaskDetail(APIView):
    @extend_schema(responses=TaskDetailSerializer, summary="A task with its form schema")
    def get(self, request: Request, pk: int) -> Response:
        return Response(TaskDetailSerializer(visible_task(request, pk)).data)


class TaskClaim(APIView):
    @extend_schema(request=None, responses=TaskSerializer, summary="Claim a task (409 if someone was faster)")
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        return Response(TaskSerializer(human_tasks.claim(pk, actor=request.user)).data)


class TaskUnclaim(APIView):
    @extend_schema(request=None, responses=TaskSerializer, summary="Give a claimed task back to its group")
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        return Response(TaskSerializer(human_tasks.unclaim(pk, actor=request.user)).data)


class TaskAssign(APIView):
    @extend_schema(request=AssignSerializer, responses=TaskSerializer, summary="Assign a task to a colleague")
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = human_tasks.assign(
            pk,
            actor=request.user,
            assignee_username=body.validated_data["assignee"],
            reason=body.validated_data["reason"],
        )
        return Response(TaskSerializer(task).data)


class TaskComplete(APIView):
    @extend_schema(
        request=CompleteSerializer,
        responses=TaskSerializer,
        summary="Complete a task with its form data (field errors on 400)",
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        body = request.data if isinstance(request.data, dict) else {"data": request.data}
        data = body.get("data", {})
        opinion = body.get("opinion", "")
        if not isinstance(opinion, str):
            raise InvalidInput.on_field("opinion", "invalid", "审批意见须为文本", "the opinion must be text")
        people = {name: body.get(name, []) for name in ("copy_to", "after_signers")}
        for name, value in people.items():
            if not isinstance(value, list):
                raise InvalidInput.on_field(name, "invalid", "须为用户名列表", "a list of user names")
        task = human_tasks.complete(pk, actor=request.user, data=data, opinion=opinion, **people)
        return Response(TaskSerializer(task).data)
