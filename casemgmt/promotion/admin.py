"""Campaigns in the Django admin: edit them, give them a schedule, open one now."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import schedule
from .models import AssessmentCampaign
from .tasks import open_campaign


@admin.register(AssessmentCampaign)
class AssessmentCampaignAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "period_start",
        "period_end",
        "due_working_days",
        "active",
        "periodic_task",
        "last_opened_at",
    )
    list_filter = ("kind", "active")
    readonly_fields = ("last_opened_at", "created_at")
    actions = ("give_schedule", "open_now")

    @admin.action(description=_("Create or update the schedule (django-celery-beat)"))
    def give_schedule(self, request: HttpRequest, queryset: QuerySet[AssessmentCampaign]) -> None:
        for campaign in queryset:
            schedule.schedule(campaign)
        self.message_user(
            request, _("Schedules saved; edit their times under Periodic tasks."), messages.SUCCESS
        )

    @admin.action(description=_("Open now (queued for the worker)"))
    def open_now(self, request: HttpRequest, queryset: QuerySet[AssessmentCampaign]) -> None:
        for campaign in queryset:
            open_campaign.delay(campaign.pk)
        self.message_user(request, _("Queued."), messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: AssessmentCampaign, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.periodic_task is not None and obj.periodic_task.enabled != obj.active:
            # Deactivating a campaign pauses its schedule too.
            obj.periodic_task.enabled = obj.active
            obj.periodic_task.save(update_fields=["enabled"])
