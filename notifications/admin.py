from django.contrib import admin

from .models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username")
    # Drawn from the audit log: corrected there, never here.
    readonly_fields = ("recipient", "kind", "event_id", "title", "detail", "link", "created_at", "emailed_at")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_new_tasks", "email_assignments", "email_errors")
    search_fields = ("user__username",)
