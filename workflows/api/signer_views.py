"""加签 / 减签 and 抄送 in the API (issue 17): add signers to an open task, an added signer's
signature, removing an added signer, and the copies sent to the caller."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import added_signers, copies
from ..models import TaskCopy
from .serializers import TaskSerializer
from .views import visible_task


class AddSignersSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=["before", "parallel"],
        help_text="before (前加签: they sign first) or parallel (并加签: alongside). "
        "后加签 is chosen when completing (after_signers).",
    )
    signers = serializers.ListField(child=serializers.CharField(max_length=150), max_length=10)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class SignSerializer(serializers.Serializer):
    approved = serializers.BooleanField(help_text="同意 (true) or 不同意 (false, which needs an opinion)")
    opinion = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CopySerializer(serializers.ModelSerializer):
    task_title = serializers.CharField(source="task.title", read_only=True)
    business_key = serializers.CharField(source="instance.business_key", read_only=True)
    subject = serializers.CharField(source="instance.subject", read_only=True)
    process = serializers.CharField(source="instance.version.process_model.key", read_only=True)
    sent_by = serializers.CharField(source="sent_by.username", default=None, read_only=True)

    class Meta:
        model = TaskCopy
        fields = [
            "id",
            "instance",
            "task",
            "task_title",
            "business_key",
            "subject",
            "process",
            "sent_by",
            "chosen",
            "created_at",
            "read_at",
        ]


class TaskAddSigners(APIView):
    @extend_schema(
        request=AddSignersSerializer,
        responses=TaskSerializer,
        summary="Add signers (前加签 / 并加签) to an open task one holds",
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        body = AddSignersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = added_signers.add(pk, actor=request.user, **body.validated_data)
        return Response(TaskSerializer(task).data)


class TaskSign(APIView):
    @extend_schema(
        request=SignSerializer,
        responses=TaskSerializer,
        summary="Sign one's added-signer part: agree or disagree, with an opinion",
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        body = SignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        part = added_signers.sign(pk, actor=request.user, **body.validated_data)
        return Response(TaskSerializer(part).data)


class TaskRemoveSigner(APIView):
    @extend_schema(
        request=None,
        responses=TaskSerializer,
        summary="Remove an added signer who has not signed (减签); `pk` is their part",
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        return Response(TaskSerializer(added_signers.remove(pk, actor=request.user)).data)


class CopyList(generics.ListAPIView):
    """抄送我的: the copies sent to the caller, newest first."""

    serializer_class = CopySerializer

    def get_queryset(self) -> Any:
        return copies.copies_for(self.request.user)
