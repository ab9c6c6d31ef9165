"""Consent records: written with the case, read on the case page and the rights page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..models import ConsentRecord, Enterprise, ServiceCase


def record(case: ServiceCase, notice_version: str, channel: str, recorded_by: Any) -> ConsentRecord:
    """The case's consent. Runs inside the intake's transaction, so a refused or failed intake
    leaves no consent behind, and no case exists without one."""
    return ConsentRecord.objects.create(
        case=case,
        enterprise_id=case.enterprise_id,
        notice_version=notice_version,
        channel=channel,
        recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
    )


def for_case(case: ServiceCase) -> ConsentRecord | None:
    """The case's consent; None for cases registered before consent was recorded."""
    return ConsentRecord.objects.filter(case=case).first()


def for_enterprise(enterprise: Enterprise) -> QuerySet[ConsentRecord]:
    return (
        ConsentRecord.objects.filter(enterprise=enterprise)
        .select_related("case")
        .order_by("-given_at", "-pk")
    )
