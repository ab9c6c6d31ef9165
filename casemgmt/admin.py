"""Admin pages for the tables administrators maintain by hand: org units, memberships, the
working-day calendar, and (to tidy up) users' saved inbox filters."""

from __future__ import annotations

from django.contrib import admin

from .models import CalendarDay, Membership, OrgUnit, SavedFilter


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "org_unit")
    list_filter = ("role",)
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "org_unit__code",
        "org_unit__name",
    )
    list_select_related = ("user", "org_unit")
    raw_id_fields = ("user", "org_unit")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "shared_with_group", "query", "created_at")
    search_fields = ("name", "owner__username", "shared_with_group")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
