"""A service refusal (core.errors.ServiceError) as the pages show it: the one place that turns it
into text in the page's language, and a 403/404 refusal into the site's 403/404 page.

The API has one error handler (core/http/api_errors.py); this is its counterpart for the htmx pages
of every app, so it lives here (workflows may not import casemgmt). Pages keep their own templates
and statuses; only the translation of the refusal and the 403/404 rule are shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import get_language

from core.errors import FieldError, ServiceError

# The statuses a page does not explain itself: answered by Django's handlers with 403.html/404.html
# (core/http/error_views.py), exactly as if the page had not offered the action at all.
REFUSAL_STATUSES = (403, 404)


def in_english(language: str | None = None) -> bool:
    """Whether the page is English: `language` (e.g. request.LANGUAGE_CODE), else the active one.
    Chinese is the default for everything else."""
    chosen = language if language is not None else get_language()
    return (chosen or "").startswith("en")


def field_message(item: FieldError, language: str | None = None) -> str:
    """One field error's message in the page's language."""
    return item.message_en if in_english(language) else item.message_zh


def page_message(error: ServiceError, language: str | None = None) -> str:
    """The refusal's general message in the page's language."""
    return error.message_en if in_english(language) else error.message_zh


@dataclass(frozen=True)
class PageErrors:
    """A refusal ready for a template: the general message and each field's messages, in order."""

    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    # Every field message in the service's order, for pages that show them all in one place.
    details: list[str] = field(default_factory=list)

    def first(self) -> dict[str, str]:
        """{field: its first message}, for pages that show one message per input."""
        return {name: found[0] for name, found in self.fields.items() if found}


def page_errors(error: ServiceError, language: str | None = None) -> PageErrors:
    """The refusal's message and {field: [messages]} in the page's language."""
    english = in_english(language)
    fields: dict[str, list[str]] = {}
    details: list[str] = []
    for item in error.fields:
        text = item.message_en if english else item.message_zh
        fields.setdefault(item.field, []).append(text)
        details.append(text)
    return PageErrors(page_message(error, language), fields, details)


def raise_for_refusal(error: ServiceError, statuses: tuple[int, ...] = REFUSAL_STATUSES) -> None:
    """A refusal the page does not explain (no permission: 403; hidden or gone: 404) becomes
    Django's PermissionDenied/Http404, so the site's 403/404 page answers; any other refusal
    returns for the page to show. The English message goes to the log only: the error pages
    never show it (core/http/error_views.py)."""
    raise_for_status(error.status, error.message_en, statuses)


def raise_for_status(status: int, message: str = "", statuses: tuple[int, ...] = REFUSAL_STATUSES) -> None:
    """As raise_for_refusal, for a page that decided the status itself."""
    if status not in statuses:
        return
    if status == 403:
        raise PermissionDenied(message)
    if status == 404:
        raise Http404(message)


def refuse_on_page(request: HttpRequest, error: ServiceError) -> None:
    """A page action's refusal: 403 and 404 as the site's error pages (raise_for_refusal), any
    other (a lost race, bad input) as a message on the page it goes back to, with each refused
    field's reason."""
    raise_for_refusal(error)
    refusal = page_errors(error)
    messages.error(request, " ".join([refusal.message, *refusal.details]))
