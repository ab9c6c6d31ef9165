"""Finding a case for an enterprise that is not signed in: case number plus the case's contact phone."""

from __future__ import annotations

import hmac

from ..models import ServiceCase
from .validation import normalised_phone

# Compared against when no case matches, so that "no such case" and "wrong phone" take the same
# path (one query, one constant-time comparison) and give the same answer.
_NO_PHONE = "+860000000000"


def find_case_for_enterprise(case_no: str, phone: str) -> ServiceCase | None:
    """The case if its number and the phone given with that request both match; None otherwise,
    with no hint which of the two was wrong.

    Only the case's own contact phone counts, never the enterprise's current phone: the
    enterprise's master data may be changed by others (and credit codes and case numbers are
    easy to come by), so it must not open a case somebody else filed.
    """
    number = (case_no or "").strip().upper()
    given = normalised_phone(phone or "") or ""
    case = (
        ServiceCase.objects.select_related("project", "enterprise", "instance", "matched_institution")
        .filter(case_no=number)
        .first()
        if number
        else None
    )
    stored = (case.contact_phone if case is not None else "") or _NO_PHONE
    # Constant time: the answer's timing tells nothing about how much of the phone was right.
    matched = hmac.compare_digest(stored.encode(), (given or "-").encode())
    return case if case is not None and matched and given else None
