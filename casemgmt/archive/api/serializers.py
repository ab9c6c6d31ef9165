"""API shapes of the archive area. Input fields are loose on purpose: casemgmt.archive.outcomes checks
them and answers in Chinese and English."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from casemgmt.archive.timeline import Entry
from casemgmt.models import Outcome


class OutcomeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    subtype_label = serializers.CharField(read_only=True)
    case_no = serializers.CharField(source="case.case_no", default=None, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", default=None, read_only=True)

    class Meta:
        model = Outcome
        fields = [
            "id", "project", "enterprise", "case", "case_no", "kind", "kind_label", "subtype",
            "subtype_label", "title", "number", "issuer", "obtained_on", "evidence_url", "recorded_by",
            "created_at",
        ]  # fmt: skip


class OutcomeCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    enterprise = serializers.IntegerField(required=False, allow_null=True, default=None)
    case = serializers.IntegerField(required=False, allow_null=True, default=None)
    kind = serializers.CharField(allow_blank=True, default="")
    subtype = serializers.CharField(allow_blank=True, default="")
    title = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)
    obtained_on = serializers.CharField(allow_blank=True, default="")
    number = serializers.CharField(allow_blank=True, default="")
    issuer = serializers.CharField(allow_blank=True, default="")
    evidence_url = serializers.CharField(allow_blank=True, default="")


class OutcomeCorrectSerializer(serializers.Serializer):
    changes = serializers.DictField(
        help_text="Field name → new value (kind, subtype, title, obtained_on, …)."
    )
    reason = serializers.CharField(allow_blank=True, default="")


class FullExportSerializer(serializers.Serializer):
    """A 服务情况统计表 download in full: the reason, and the period as the GET takes it."""

    reason = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="Why the full values are needed (≤200 characters)."
    )
    # "from" is a keyword: the body's key is set below.
    from_ = serializers.CharField(required=False, allow_blank=True, default="", help_text="YYYY-MM-DD")
    to = serializers.CharField(required=False, allow_blank=True, default="", help_text="YYYY-MM-DD")

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


def entry_json(entry: Entry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "at": entry.day.isoformat() if entry.date_only else entry.at.isoformat(),
        "kind": entry.kind,
        "case": entry.case.pk if entry.case is not None else None,
        "case_no": entry.case.case_no if entry.case is not None else None,
    }
    if entry.case is not None:
        data["project"] = entry.case.project_id
    if entry.record is not None:
        data["record"] = {
            "id": entry.record.pk,
            "mode": entry.record.mode,
            "mode_description": entry.record.mode_description,
            "service_class": entry.record.service_class,
            "content": entry.record.content,
        }
    if entry.outcome is not None:
        data["project"] = entry.outcome.project_id
        data["outcome"] = OutcomeSerializer(entry.outcome).data
    return data
