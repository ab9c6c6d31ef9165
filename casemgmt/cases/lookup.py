"""Finding a case for an enterprise that is not signed in: case number plus contact phone."""

from __future__ import annotations

import hmac

from ..models import ServiceCase
from .validation import normalised_phone

# Compared against when no case matches, so that "no such case" and "wrong phone" take the same
# path (one query, one constant-time comparison) and give the same answer.
_NO_PHONE = "+860000000000"


def find_case_for_enterprise(case_no: str, phone: str) -> ServiceCase | None:
    """The case if its number and the phone given with the request (or the enterprise's phone)
    both match; None otherwise, with no hint which of the two was wrong."""
    number = (case_no or "").strip().upper()
    given = normalised_phone(phone or "") or ""
    case = (
        ServiceCase.objects.select_related("project", "enterprise", "instance", "matched_institution")
        .filter(case_no=number)
        .first()
        if number
        else None
    )
    known = [case.contact_phone, case.enterprise.phone] if case is not None else [_NO_PHONE, _NO_PHONE]
    matched = False
    for stored in known:
        # Both compared every time, constant-time each: the answer's timing tells nothing.
        matched |= hmac.compare_digest((stored or _NO_PHONE).encode(), (given or "-").encode())
    return case if case is not None and matched and given else None
