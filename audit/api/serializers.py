from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.models import AuditEvent, ChainVerification
from core.masking import mask_payload


class AuditEventSerializer(serializers.ModelSerializer):
    """An event in the API's list: before/after with personal values masked (core.masking); the
    full payloads leave only through a full export with a reason (audit/web/exports.py)."""

    action_label = serializers.CharField(source="get_action_display", read_only=True)
    before = serializers.SerializerMethodField()
    after = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "occurred_at",
            "actor",
            "actor_username",
            "actor_role",
            "actor_org_unit",
            "action",
            "action_label",
            "target_type",
            "target_id",
            "business_key",
            "instance_id",
            "before",
            "after",
            "reason",
            "request_id",
            "client_ip",
            "prev_hash",
            "hash",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.ANY)
    def get_before(self, event: AuditEvent) -> Any:
        return mask_payload(event.before)

    @extend_schema_field(OpenApiTypes.ANY)
    def get_after(self, event: AuditEvent) -> Any:
        return mask_payload(event.after)


class ChainVerificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChainVerification
        fields = (
            "checked_at",
            "ok",
            "events_checked",
            "first_bad_event_id",
            "broken_count",
            "broken_event_ids",
            "last_event_id",
            "last_hash",
            "message",
        )
        read_only_fields = fields
