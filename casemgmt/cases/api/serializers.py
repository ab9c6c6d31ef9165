"""Shapes of the cases API: a case in a list, a case in full, the intake and reason inputs."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from casemgmt.cases import presentation
from casemgmt.models import ServiceCase, ServiceRecord


class VisibleFieldsMixin:
    """Drops the fields the reader may not see (presentation.CASE_FIELDS, the case page's table
    too). The reader is the context's request user; without one, the enterprise view: a view
    that forgets the context shows less, never more."""

    context: dict[str, Any]

    def to_representation(self, case: ServiceCase) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(case)  # type: ignore[misc]
        request = self.context.get("request")
        who = presentation.audience(getattr(request, "user", None), case)
        allowed = presentation.shown(presentation.CASE_FIELDS, who)
        data = {key: value for key, value in data.items() if key in allowed}
        if "records" in data:
            record_fields = presentation.shown(presentation.RECORD_FIELDS, who)
            data["records"] = [
                {key: value for key, value in record.items() if key in record_fields}
                for record in data["records"]
            ]
        return data


class CaseSerializer(VisibleFieldsMixin, serializers.ModelSerializer[ServiceCase]):
    project = serializers.CharField(source="project.code")
    project_name = serializers.CharField(source="project.name")
    enterprise = serializers.CharField(source="enterprise.credit_code")
    enterprise_name = serializers.CharField(source="enterprise.name")
    # Plain strings, not enums in the schema: other areas also have a "stage" with other values.
    stage = serializers.CharField(
        read_only=True, help_text="intake, matching, follow_up, feedback, closed, withdrawn or cancelled"
    )
    stage_label = serializers.CharField(source="get_stage_display")
    channel = serializers.CharField(read_only=True, help_text="window, online or api")

    class Meta:
        model = ServiceCase
        fields = [
            "id",
            "case_no",
            "project",
            "project_name",
            "enterprise",
            "enterprise_name",
            "channel",
            "stage",
            "stage_label",
            "submitted_at",
            "escalated_at",
            "closed_at",
        ]


class RecordSerializer(serializers.ModelSerializer[ServiceRecord]):
    class Meta:
        model = ServiceRecord
        fields = ["id", "served_at", "mode", "mode_description", "service_class", "content"]


class CaseDetailSerializer(CaseSerializer):
    matched_institution = serializers.SerializerMethodField()
    records = RecordSerializer(many=True, read_only=True)
    open_tasks = serializers.SerializerMethodField()
    instance_id = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "contact_name",
            "contact_phone",
            "need",
            "catalogue_items",
            "matched_institution",
            "matched_expert",
            "matching_note",
            "office_help_requested",
            "rating",
            "effects",
            "effect_other",
            "feedback_comment",
            "new_jobs",
            "investment_drawn",
            "output_added",
            "cost_saved",
            "profit_added",
            "end_reason",
            "instance_id",
            "records",
            "open_tasks",
        ]

    def get_matched_institution(self, case: ServiceCase) -> dict[str, Any] | None:
        found = case.matched_institution
        return None if found is None else {"id": found.pk, "name": found.name, "kind": found.kind}

    def get_open_tasks(self, case: ServiceCase) -> list[dict[str, Any]]:
        return [
            {"id": t.pk, "task_spec": t.task_spec, "title": t.title, "candidate_group": t.candidate_group}
            for t in presentation.open_tasks(case)
        ]


class ConsentSerializer(serializers.Serializer[Any]):
    notice_version = serializers.CharField(
        allow_blank=True,
        required=False,
        trim_whitespace=False,
        help_text="The version of the privacy notice (GET /privacy/) the enterprise was shown and accepted; "
        "only the current version is accepted.",
    )


class CaseIntakeSerializer(serializers.Serializer[Any]):
    """Types only: the service checks every value and answers with all field errors at once."""

    project_code = serializers.CharField(allow_blank=True, trim_whitespace=False)
    credit_code = serializers.CharField(allow_blank=True, trim_whitespace=False)
    enterprise_name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    contact_name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    contact_phone = serializers.CharField(allow_blank=True, trim_whitespace=False)
    need = serializers.CharField(allow_blank=True, trim_whitespace=False)
    catalogue_items = serializers.ListField(child=serializers.CharField(), required=False, max_length=100)
    address = serializers.CharField(allow_blank=True, required=False, default="")
    size_class = serializers.CharField(allow_blank=True, required=False, default="")
    industry = serializers.CharField(allow_blank=True, required=False, default="")
    idempotency_key = serializers.CharField(required=False, allow_null=True, default=None)
    # Optional for the parser only, so that its absence is refused by the service with the other
    # field errors and a message naming it (field "consent", 400).
    consent = ConsentSerializer(
        required=False,
        help_text="Required: the enterprise's consent to the privacy notice, as "
        '{"notice_version": "<current version>"}. Missing: 400 with a field error on consent (code '
        "required); another version than the current one: 400 (code outdated, current_version given).",
    )


class CaseReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False)
