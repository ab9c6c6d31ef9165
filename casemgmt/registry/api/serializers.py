"""API shapes of the registry: projects, stations with staff, enterprises, institutions.

Input serializers only describe and type the bodies (for the OpenAPI schema); the domain's checks
and their bilingual field errors live in the services (casemgmt.registry.stations and
casemgmt.registry.enterprises).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casemgmt.models import (
    Enterprise,
    EnterpriseChangeProposal,
    NamingRecord,
    ServiceProject,
    ServiceStation,
    StationStaff,
    TechnicalInstitution,
)
from casemgmt.registry import catalogue, enterprise_changes, stations
from core import masking


class RegistryUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RegistryNamingRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = NamingRecord
        fields = ["level", "decided_at", "decision", "name_at_the_time"]


class RegistryStaffSerializer(serializers.ModelSerializer):
    class Meta:
        model = StationStaff
        fields = ["id", "name", "post", "phone", "email", "has_management_experience", "is_public_contact"]


class RegistryPublishedItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    category = serializers.CharField()
    text_zh = serializers.CharField()
    text_en = serializers.CharField()


class RegistryStationSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code", read_only=True)
    published_item_details = serializers.SerializerMethodField()
    # Staff roles see every member; anyone else only the public contacts, as in the public
    # directory (casemgmt.registry.stations.sees_private_contacts). Without a request in the context the
    # answer is the public one: a view that forgets to pass it leaks nothing.
    staff = serializers.SerializerMethodField()

    class Meta:
        model = ServiceStation
        fields = [
            "id", "project", "name", "address", "service_window", "opening_hours", "complaint_phone",
            "online_channel", "published_items", "published_item_details", "active", "staff", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(RegistryStaffSerializer(many=True))
    def get_staff(self, station: ServiceStation) -> list[dict[str, Any]]:
        request = self.context.get("request")
        members = stations.listed_staff(getattr(request, "user", None), station.staff.all())
        return list(RegistryStaffSerializer(members, many=True).data)

    @extend_schema_field(RegistryPublishedItemSerializer(many=True))
    def get_published_item_details(self, station: ServiceStation) -> list[dict[str, Any]]:
        out = []
        for key in station.published_items:
            try:
                item = catalogue.item(key)
            except KeyError:
                continue
            out.append(
                {"key": key, "category": item.category, "text_zh": item.text_zh, "text_en": item.text_en}
            )
        return out


class RegistryProjectSerializer(serializers.ModelSerializer):
    coordinating_office = RegistryUnitSerializer(read_only=True)
    operator = RegistryUnitSerializer(read_only=True)
    divisions = RegistryUnitSerializer(many=True, read_only=True)
    # Plain text rather than an enum: the schema already has enums named "status" (instances,
    # tasks), and a second one would need a settings override to be named sensibly.
    status = serializers.CharField(read_only=True, help_text="active, suspended or closed")

    class Meta:
        model = ServiceProject
        fields = [
            "code", "case_prefix", "level", "name", "coordinating_office", "operator", "industry_focus",
            "divisions", "status",
        ]  # fmt: skip


class RegistryProjectDetailSerializer(RegistryProjectSerializer):
    naming_records = RegistryNamingRecordSerializer(many=True, read_only=True)
    stations = RegistryStationSerializer(many=True, read_only=True)

    class Meta(RegistryProjectSerializer.Meta):
        fields = [*RegistryProjectSerializer.Meta.fields, "naming_records", "stations"]


class RegistryStationInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    address = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    service_window = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    opening_hours = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    complaint_phone = serializers.CharField(required=False, allow_blank=True, max_length=64)
    online_channel = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    published_items = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    active = serializers.BooleanField(required=False)


class RegistryStationCreateSerializer(RegistryStationInputSerializer):
    project = serializers.SlugField(max_length=64, help_text="The project's code.")


class RegistryEnterpriseSerializer(serializers.ModelSerializer):
    division = RegistryUnitSerializer(read_only=True, allow_null=True)
    is_sme = serializers.BooleanField(read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id", "credit_code", "name", "address", "division", "contact_name", "phone", "size_class",
            "industry", "is_sme", "created_at", "updated_at",
        ]  # fmt: skip


class RegistryEnterpriseListSerializer(RegistryEnterpriseSerializer):
    """An enterprise in a list: contact person, phone and address masked for every role
    (core.masking; issue 19). One enterprise (GET …/enterprises/<code>/) is in full."""

    def to_representation(self, instance: Enterprise) -> dict[str, Any]:
        return masked_row(super().to_representation(instance))


def masked_row(data: dict[str, Any]) -> dict[str, Any]:
    """An API list row with the values of its personal keys masked (core.masking.PERSONAL_KEYS)."""
    return {key: _masked(key, value) for key, value in data.items()}


def _masked(key: str, value: Any) -> Any:
    kind = masking.kind_of_key(key)
    return masking.mask(kind, value) if kind is not None and isinstance(value, str) and value else value


class RegistryEnterpriseInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=64)
    address = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    size_class = serializers.CharField(required=False, allow_blank=True, max_length=32)
    industry = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    division_code = serializers.CharField(required=False, allow_blank=True, max_length=64)


class RegistryEnterpriseCreateSerializer(RegistryEnterpriseInputSerializer):
    credit_code = serializers.CharField(max_length=64)


class RegistryInstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TechnicalInstitution
        fields = [
            "id", "kind", "name", "credit_code", "address", "phone", "website", "cma_number", "cnas_number",
            "approval_number", "capabilities", "scope", "is_sample",
        ]  # fmt: skip


class RegistryProposalChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    then = serializers.CharField(help_text="the master value when the change was proposed")
    proposed = serializers.CharField()
    now = serializers.CharField(help_text="the master value now")
    stale = serializers.BooleanField(help_text="the master value changed since the proposal")


class RegistryProposalSerializer(serializers.ModelSerializer):
    case_no = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text="pending, accepted or rejected")
    decided_by = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = EnterpriseChangeProposal
        fields = [
            "id",
            "case_no",
            "status",
            "created_at",
            "decided_at",
            "decided_by",
            "reason",
            "stale",
            "changes",
        ]

    def get_case_no(self, proposal: EnterpriseChangeProposal) -> str | None:
        return proposal.case.case_no if proposal.case is not None else None

    def get_decided_by(self, proposal: EnterpriseChangeProposal) -> str | None:
        return proposal.decided_by.get_username() if proposal.decided_by is not None else None

    def get_stale(self, proposal: EnterpriseChangeProposal) -> bool:
        pending = proposal.status == EnterpriseChangeProposal.Status.PENDING
        return pending and bool(enterprise_changes.stale_fields(proposal))

    @extend_schema_field(RegistryProposalChangeSerializer(many=True))
    def get_changes(self, proposal: EnterpriseChangeProposal) -> list[dict[str, Any]]:
        # A list: the values of personal fields (contact, phone, address) masked (core.masking).
        changes = [asdict(change) for change in enterprise_changes.field_changes(proposal)]
        for change in changes:
            kind = masking.kind_of_key(change["field"])
            if kind is not None:
                for side in ("then", "proposed", "now"):
                    change[side] = masking.mask(kind, change[side]) if change[side] else change[side]
        return changes


class RegistryProposalAcceptSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    confirm_stale = serializers.BooleanField(
        required=False, default=False, help_text="accept although the master data changed since"
    )


class RegistryProposalRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000, trim_whitespace=False)
