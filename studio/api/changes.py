"""Change requests, as JSON: submit the draft for review, read a change, decide it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import changes
from ..models import ModelChange


class SubmitSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1)
    note = serializers.CharField(max_length=2000, trim_whitespace=True)


class DecideSerializer(serializers.Serializer):
    approved = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


def change_payload(change: ModelChange) -> dict[str, Any]:
    def name(user: Any) -> str | None:
        return (user.get_full_name() or user.get_username()) if user else None

    return {
        "id": change.pk,
        "model": change.process_model.key,
        "status": change.status,
        "base_version": change.base_version.number,
        "hash": change.content_hash,
        "note": change.note,
        "author": name(change.author),
        "submitted_at": change.submitted_at.isoformat(),
        "instance": change.instance_id,
        "decided_by": name(change.decided_by),
        "decided_at": change.decided_at.isoformat() if change.decided_at else None,
        "comment": change.comment,
        "version": change.version.number if change.version else None,
    }


class Submit(APIView):
    @extend_schema(
        request=SubmitSerializer,
        responses={201: OpenApiTypes.OBJECT},
        summary="Submit the draft (at `revision`) with a change note for a second process admin's review",
    )
    def post(self, request: Request, key: str) -> Response:
        body = SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change = changes.submit(
            key,
            actor=request.user,
            revision=body.validated_data["revision"],
            note=body.validated_data["note"],
        )
        return Response(
            change_payload(changes.get(change.pk, actor=request.user)), status=status.HTTP_201_CREATED
        )


class ChangeDetail(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="A change request and its decision")
    def get(self, request: Request, pk: int) -> Response:
        return Response(change_payload(changes.get(pk, actor=request.user)))


class Decide(APIView):
    @extend_schema(
        request=DecideSerializer,
        responses=OpenApiTypes.OBJECT,
        summary="Approve (deploys it) or return a change, as one of its reviewers; never its author",
    )
    def post(self, request: Request, pk: int) -> Response:
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change = changes.decide(
            pk,
            actor=request.user,
            approved=body.validated_data["approved"],
            comment=body.validated_data["comment"],
        )
        return Response(change_payload(change))
