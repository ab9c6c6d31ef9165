from __future__ import annotations

from rest_framework import serializers

from audit.models import AuditEvent, ChainVerification


class AuditEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)

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
