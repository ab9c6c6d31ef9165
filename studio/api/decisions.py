"""The editor's decision-table test: the draft's tables, and one evaluated on the values an admin
typed, as a business-rule task would at run time (workflows/decision_test.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows import decision_test

from .. import drafts


class TrySerializer(serializers.Serializer):
    decision = serializers.CharField(max_length=200)
    values = serializers.DictField(
        child=serializers.CharField(max_length=200, allow_blank=True), required=False
    )
    variables = serializers.DictField(required=False)


def tables_payload(files: dict[str, str]) -> list[dict[str, Any]]:
    return [asdict(table) for table in decision_test.tables(files)]


class DecisionTry(APIView):
    @extend_schema(
        request=TrySerializer,
        responses=OpenApiTypes.OBJECT,
        summary="Evaluate one of the draft's decision tables on typed input values (and process data)",
    )
    def post(self, request: Request, key: str) -> Response:
        draft = drafts.find(key, actor=request.user)
        body = TrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = body.validated_data["decision"]
        table = next((t for t in decision_test.tables(draft.files) if t.decision_id == decision), None)
        data = body.validated_data.get("variables") or {}
        if table is not None:
            data = decision_test.data_for(table, body.validated_data.get("values") or {}, data)
        outcome = decision_test.run(draft.files, decision, data)
        return Response(
            {"decision": decision, "data": data, "matched": outcome.matched, "output": outcome.output}
        )
