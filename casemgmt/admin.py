"""Admin pages for the tables administrators maintain by hand: org units, memberships, the
working-day calendar, (to tidy up) users' saved inbox filters, and the project registry with its
read-only naming history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CalendarDay, Membership, NamingRecord, OrgUnit, SavedFilter, ServiceProject


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


class NamingRecordInline(admin.TabularInline):
    model = NamingRecord
    extra = 0
    can_delete = False
    fields = ("level", "decided_at", "decided_by", "name_at_the_time", "decision")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceProject)
class ServiceProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "coordinating_office", "operator", "status")
    list_filter = ("level", "status", "coordinating_office")
    search_fields = ("code", "name", "operator__name", "coordinating_office__name", "industry_focus")
    list_select_related = ("coordinating_office", "operator")
    raw_id_fields = ("coordinating_office", "operator")
    filter_horizontal = ("divisions",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [NamingRecordInline]


@admin.register(NamingRecord)
class NamingRecordAdmin(admin.ModelAdmin):
    """Append-only history: viewable, never added, changed or deleted here."""

    list_display = ("name_at_the_time", "level", "decided_at", "decided_by", "project")
    list_filter = ("level",)
    search_fields = ("name_at_the_time", "project__name", "project__code", "decision")
    list_select_related = ("project", "decided_by")
    date_hierarchy = "decided_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- registry: enterprises, service stations with their staff, technical institutions ---------
# (Admin edits are for repairs; the registry pages and API are the audited way to change these.)
from .models import Enterprise, ServiceStation, StationStaff, TechnicalInstitution  # noqa: E402


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "division", "size_class", "industry")
    list_filter = ("size_class",)
    search_fields = ("name", "credit_code")
    list_select_related = ("division",)
    raw_id_fields = ("division", "org_unit")


class StationStaffInline(admin.TabularInline):
    model = StationStaff
    extra = 0


@admin.register(ServiceStation)
class ServiceStationAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "opening_hours", "complaint_phone", "active")
    list_filter = ("active", "project")
    search_fields = ("name", "address", "project__name")
    list_select_related = ("project",)
    inlines = [StationStaffInline]


@admin.register(TechnicalInstitution)
class TechnicalInstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "cma_number", "cnas_number", "approval_number", "is_sample", "active")
    list_filter = ("kind", "is_sample", "active")
    search_fields = ("name", "capabilities", "scope", "cma_number", "cnas_number", "approval_number")


# --- changes intakes proposed to enterprises' master data --------------------------------------
# Read-only here: accepting or rejecting is a decision of the enterprise's own staff, made on the
# registry page or through the API, where it is permission-checked and audited.
from .models import EnterpriseChangeProposal  # noqa: E402


@admin.register(EnterpriseChangeProposal)
class EnterpriseChangeProposalAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "case", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("enterprise__name", "enterprise__credit_code", "case__case_no")
    list_select_related = ("enterprise", "case", "decided_by")
    readonly_fields = (
        "enterprise", "case", "proposed", "current", "status", "decided_by", "decided_at", "reason",
        "created_at",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
