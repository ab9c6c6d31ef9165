"""Read-only admin views: the log is append-only, so the admin may look but never touch."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import AuditEvent, ChainVerification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "occurred_at",
        "action",
        "actor_username",
        "target_type",
        "target_id",
        "business_key",
    )
    list_filter = ("action", "target_type")
    search_fields = ("business_key", "target_id", "actor_username", "request_id")
    date_hierarchy = "occurred_at"
    # Rendering the user column as a select would load every user; show the raw id instead.
    raw_id_fields = ("actor",)
    show_full_result_count = False


@admin.register(ChainVerification)
class ChainVerificationAdmin(ReadOnlyAdmin):
    list_display = ("checked_at", "ok", "events_checked", "broken_count", "first_bad_event_id", "message")
    list_filter = ("ok",)
