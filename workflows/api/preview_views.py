"""流程预测 (path preview) in the API: the next steps of an open task as the data entered so far
would route it (workflows/path_preview.py). Reads only, though it is a POST: the form data is a
body, not a query string."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import path_preview
from .views import visible_task


class PreviewRequestSerializer(serializers.Serializer):
    """For the schema only. `data` is the serializer's own attribute too, hence added by name."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["data"] = serializers.DictField(required=False, help_text="The form data entered so far.")
        return fields


class CandidateSerializer(serializers.Serializer):
    group = serializers.CharField(help_text="role@org-unit; empty for a named signer.")
    role = serializers.CharField()
    role_label = serializers.CharField()
    org_unit_code = serializers.CharField()
    user = serializers.CharField(help_text="A countersign's named signer.")


class NextStepSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["task", "subprocess", "end", "undetermined"])
    spec = serializers.CharField()
    name = serializers.CharField()
    candidates = CandidateSerializer(many=True)
    countersign = serializers.BooleanField()
    condition = serializers.CharField(help_text="For an undetermined branch: its condition.")


class PreviewSerializer(serializers.Serializer):
    steps = NextStepSerializer(many=True)
    uncertain = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField())


class TaskPreview(APIView):
    @extend_schema(
        request=PreviewRequestSerializer,
        responses=PreviewSerializer,
        summary="Preview (流程预测) where an open task goes next with the data entered so far; saves nothing",
    )
    def post(self, request: Request, pk: int) -> Response:
        visible_task(request, pk)
        # Not validated by the serializer: a body that is no object, or data that is none, is the
        # service's field error on `data`, after its permission check.
        body = request.data
        data = body.get("data", {}) if isinstance(body, dict) else body
        preview = path_preview.preview_task(pk, actor=request.user, data=data)
        return Response(PreviewSerializer(preview).data)
