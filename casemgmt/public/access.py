"""What the public pages share: the verified case kept in the session, and the 429 refusal.

Nobody signs in on the public pages. Knowing a case number and its contact phone is what gives
access, and the phone never travels in a URL: the lookup form is POSTed, and the case it proved is
kept in the session for a short while, for that one case only (a new lookup replaces it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from casemgmt.public.throttle import RateLimited

SESSION_KEY = "public_case"
VERIFIED_FOR = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class VerifiedCase:
    case_no: str
    phone: str  # as the enterprise gave it; the services compare it, so it stays server-side


def remember(request: HttpRequest, case_no: str, phone: str) -> None:
    # A new session key on every proof, so a key planted before the lookup is worth nothing after.
    request.session.cycle_key()
    until = timezone.now() + VERIFIED_FOR
    request.session[SESSION_KEY] = {"case_no": case_no, "phone": phone, "until": until.isoformat()}


def verified(request: HttpRequest, case_no: str) -> VerifiedCase | None:
    """The session's proof for this case, if it has one that has not expired."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict) or stored.get("case_no") != case_no:
        return None
    try:
        until = datetime.datetime.fromisoformat(str(stored.get("until")))
    except ValueError:
        return None
    if until <= timezone.now():
        forget(request)
        return None
    return VerifiedCase(case_no=case_no, phone=str(stored.get("phone", "")))


def forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def too_many(request: HttpRequest, refusal: RateLimited) -> HttpResponse:
    """HTTP 429 with a page saying why and when to try again; Retry-After for scripted clients."""
    response = render(
        request,
        "casemgmt/public/too_many.html",
        {
            "scope": refusal.limit.scope,
            "allowed": refusal.limit.allowed,
            "retry_at": timezone.localtime(refusal.retry_at),
            "retry_minutes": max(1, (refusal.retry_after_seconds + 59) // 60),
        },
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after_seconds)
    return response
