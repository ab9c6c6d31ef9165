"""The approval operations on a task (issue 17) in the API: 催办, 退回 (and where to), 撤回."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import PermissionDenied

from .. import handover, recall, returns, urging
from .serializers import TaskSerializer, UrgeSerializer
from .views import visible_task


class ReturnTargetSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task.pk")
    task_spec = serializers.CharField(source="task.task_spec")
    title = serializers.CharField(source="task.title")
    completed_by = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)


class ReturnSerializer(serializers.Serializer):
    target = serializers.IntegerField(help_text="The id of an earlier completed task of the instance.")
    opinion = serializers.CharField(max_length=2000, help_text="Why it goes back (required).")


class HandoverSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=150, help_text="The colleague's user name.")
    reason = serializers.CharField(max_length=1000)


class HandBackSerializer(serializers.Serializer):
    opinion = serializers.CharField(max_length=2000)


class TaskUrge(APIView):
    @extend_schema(
        request=UrgeSerializer,
        responses=TaskSerializer,
        summary="Urge (催办) an open task: its holders are notified; once an hour per task (409 sooner)",
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        body = UrgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = urging.urge(pk, actor=request.user, note=body.validated_data["note"])
        return Response(TaskSerializer(task).data)


class TaskReturnTargets(APIView):
    @extend_schema(
        responses=ReturnTargetSerializer(many=True),
        summary="The earlier steps the holder of an open task may return it to (退回)",
    )
    def get(self, request: Request, pk: int) -> Response:
        task = visible_task(request, pk)
        if not request.user.has_perm("workflows.work_task", task):
            raise PermissionDenied("You do not hold this task.", "您不是该任务的办理人。")
        return Response(ReturnTargetSerializer(returns.targets(task), many=True).data)


class TaskReturn(APIView):
    @extend_schema(
        request=ReturnSerializer,
        responses=TaskSerializer,
        summary="Return (退回) an open task to an earlier step; answers the reopened task",
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reopened = returns.return_task(
            pk,
            actor=request.user,
            target_id=body.validated_data["target"],
            opinion=body.validated_data["opinion"],
        )
        return Response(TaskSerializer(reopened).data)


class TaskRecall(APIView):
    @extend_schema(
        request=None,
        responses=TaskSerializer,
        summary="Recall (撤回) a task one completed while the next step is unclaimed; answers it reopened",
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        return Response(TaskSerializer(recall.recall(pk, actor=request.user)).data)


class TaskHandover(APIView):
    """转办 (`transfer`, for good) or 委派 (`delegate`, it comes back) to a colleague of the task's
    org unit."""

    operation = "transfer"

    @extend_schema(
        request=HandoverSerializer, responses=TaskSerializer, summary="Transfer or delegate a task"
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        body = HandoverSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        act = handover.transfer if self.operation == "transfer" else handover.delegate
        task = act(pk, actor=request.user, to=body.validated_data["to"], reason=body.validated_data["reason"])
        return Response(TaskSerializer(task).data)


class TaskHandBack(APIView):
    @extend_schema(
        request=HandBackSerializer,
        responses=TaskSerializer,
        summary="Hand a delegated task back to whoever delegated it, with one's opinion",
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        body = HandBackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = handover.hand_back(pk, actor=request.user, opinion=body.validated_data["opinion"])
        return Response(TaskSerializer(task).data)
