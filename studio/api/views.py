"""The editor's draft, as JSON: read it, start it, save it (naming the revision it was made from),
discard it. Every answer that carries the draft carries what keeps it from deploying."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import drafts
from ..models import ModelDraft


class SaveSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1)
    files = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False, default=dict
    )
    remove = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=50
    )


class RevisionSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1)


def draft_payload(draft: ModelDraft) -> dict[str, Any]:
    updated_by = draft.updated_by
    return {
        "model": draft.process_model.key,
        "revision": draft.revision,
        "base_version": draft.base_version.number,
        "main_file": drafts.main_file(draft),
        "files": draft.files,
        "updated_by": (updated_by.get_full_name() or updated_by.get_username()) if updated_by else None,
        "updated_at": draft.updated_at.isoformat(),
        "problems": [problem.as_dict() for problem in drafts.problems(draft)],
    }


class Draft(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="The model's draft and its problems (404 no_draft)")
    def get(self, request: Request, key: str) -> Response:
        return Response(draft_payload(drafts.find(key, actor=request.user)))

    @extend_schema(
        request=None,
        responses=OpenApiTypes.OBJECT,
        summary="Start the model's draft from its newest version (201), or answer the existing one (200)",
    )
    def post(self, request: Request, key: str) -> Response:
        draft, created = drafts.start(key, actor=request.user)
        return Response(
            draft_payload(draft), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        request=SaveSerializer,
        responses=OpenApiTypes.OBJECT,
        summary="Save files into the draft if it is still at `revision` (409 draft_stale otherwise)",
    )
    def put(self, request: Request, key: str) -> Response:
        body = SaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        draft = drafts.save(
            key,
            actor=request.user,
            revision=body.validated_data["revision"],
            files=body.validated_data["files"],
            remove=body.validated_data["remove"],
        )
        return Response(draft_payload(draft))

    @extend_schema(
        request=RevisionSerializer,
        responses={204: None},
        summary="Discard the draft if it is still at `revision` (409 draft_stale otherwise)",
    )
    def delete(self, request: Request, key: str) -> Response:
        body = RevisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        drafts.discard(key, actor=request.user, revision=body.validated_data["revision"])
        return Response(status=status.HTTP_204_NO_CONTENT)
