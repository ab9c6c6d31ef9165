"""The one table of personal values a page may reveal, and who may see and reveal them.

A (subject, field) pair names a value: the subject says how the record is found and which rule
lets a user see it (the same rules as the page that shows it), the field which value and how it
is masked. Anything not in REVEALABLE cannot be revealed.

Seeing and revealing differ: whoever may open the page sees the masked value (a user who may
not answers 404, as the page does); revealing it is for staff only (operators, offices, the
district, process admins, auditors). An enterprise user sees its own contact in full on its own
case and archive pages (it is theirs) and has nothing to reveal (403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from casemgmt.models import Enterprise, ServiceCase
from casemgmt.registry.validators import display_phone
from core import masking

CASE = "case"
ENTERPRISE = "enterprise"

VIEW_CASE = "cases.view_case"
CASE_STAFF = "cases.view_case_internals"
ARCHIVE = "casemgmt.view_enterprise_archive"
REGISTRY = "casemgmt.registry_view_enterprise"
REGISTRY_STAFF = "casemgmt.registry_view_enterprise_list"


@dataclass(frozen=True)
class Revealable:
    kind: str  # core.masking's kind: how the value is masked
    value: Callable[[Any], str]  # the stored value of the record

    def full(self, record: Any) -> str:
        """The value as a page shows it in full (phones readable)."""
        stored = self.value(record) or ""
        return display_phone(stored) if self.kind == masking.PHONE else stored

    def masked(self, record: Any) -> str:
        return masking.mask(self.kind, self.value(record))


REVEALABLE: dict[tuple[str, str], Revealable] = {
    (CASE, "contact_name"): Revealable(masking.NAME, lambda case: case.contact_name),
    (CASE, "contact_phone"): Revealable(masking.PHONE, lambda case: case.contact_phone),
    (CASE, "address"): Revealable(masking.ADDRESS, lambda case: case.enterprise.address),
    (ENTERPRISE, "contact_name"): Revealable(masking.NAME, lambda e: e.contact_name),
    (ENTERPRISE, "phone"): Revealable(masking.PHONE, lambda e: e.phone),
    (ENTERPRISE, "address"): Revealable(masking.ADDRESS, lambda e: e.address),
}
SUBJECTS = frozenset(subject for subject, _field in REVEALABLE)


def find(subject: str, pk: int) -> Any:
    """The record, or None."""
    if subject == CASE:
        return (
            ServiceCase.objects.select_related(
                "project__operator", "project__coordinating_office", "enterprise__org_unit"
            )
            .filter(pk=pk)
            .first()
        )
    if subject == ENTERPRISE:
        return Enterprise.objects.select_related("division", "org_unit").filter(pk=pk).first()
    return None


def may_see(user: Any, subject: str, record: Any) -> bool:
    """The user may open a page showing the record (its masked values)."""
    if subject == CASE:
        return bool(user.has_perm(VIEW_CASE, record))
    return bool(user.has_perm(ARCHIVE, record) or user.has_perm(REGISTRY, record))


def may_reveal(user: Any, subject: str, record: Any) -> bool:
    """The user may see the record, as staff: the one rule for the control and the action."""
    if subject == CASE:
        return bool(user.has_perm(CASE_STAFF, record))
    return bool(user.has_perm(REGISTRY, record)) or bool(
        user.has_perm(REGISTRY_STAFF) and user.has_perm(ARCHIVE, record)
    )


def page_url(user: Any, subject: str, record: Any) -> str:
    """The page the value was revealed from, for the no-script answer's way back."""
    if subject == CASE:
        return reverse("cases-detail", kwargs={"pk": record.pk})
    if user.has_perm(ARCHIVE, record):
        return reverse("archive-enterprise", kwargs={"pk": record.pk})
    return reverse("registry-enterprise", kwargs={"credit_code": record.credit_code})


@dataclass(frozen=True)
class Shown:
    """One personal value as a page shows it: masked with the reveal control, or in full."""

    subject: str
    subject_id: int
    field: str
    masked: str
    full: str | None  # set when the reader sees it in full (their own)
    may_reveal: bool

    @property
    def dom_id(self) -> str:
        return f"personal-{self.subject}-{self.subject_id}-{self.field}"


def shown(user: Any, subject: str, record: Any, *, own: bool = False) -> dict[str, Shown]:
    """Every revealable field of the record as the page shows it to `user`: in full when `own`
    (the enterprise's own user), else masked, with the control for those who may reveal."""
    reveal = not own and may_reveal(user, subject, record)
    found: dict[str, Shown] = {}
    for (of, field), entry in REVEALABLE.items():
        if of != subject:
            continue
        found[field] = Shown(
            subject=subject,
            subject_id=record.pk,
            field=field,
            masked=entry.masked(record),
            full=entry.full(record) if own else None,
            may_reveal=reveal,
        )
    return found
