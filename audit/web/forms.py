"""The review page's filter form: Django renders it, the shared API parser validates it.

Every field is a plain text field so that Django adds no validation of its own: one parser
(`audit.api.filters`) decides what is valid for the API and the pages alike.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ..actions import Action
from ..api.filters import PAGE_FILTERS, apply_event_filters, collect_event_filters
from ..models import AuditEvent

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"})

# The page's own wording per error code; the parser's messages are written for API clients.
_MESSAGES = {
    "invalid_choice": _("Choose an action from the list."),
    "invalid": _("Enter a valid date and time."),
    "before_since": _("The end must be later than the start."),
    "null_character": _("Remove the NUL character."),
}


class EventFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (user name)"), required=False)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        widget=forms.Select(choices=[("", _("All actions")), *Action.choices]),
    )
    target_type = forms.CharField(label=_("Target type"), required=False)
    target_id = forms.CharField(label=_("Target id"), required=False)
    case = forms.CharField(
        label=_("Case (business key or instance id)"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. SQ-2025-001 or 42")}),
    )
    since = forms.CharField(label=_("From (Shanghai time)"), required=False, widget=_DATETIME)
    until = forms.CharField(label=_("Until (Shanghai time, exclusive)"), required=False, widget=_DATETIME)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        filters, errors = collect_event_filters(self.data, PAGE_FILTERS)
        for error in errors:
            self.add_error(error.field, _MESSAGES.get(error.code, error.message_en))
        self.filters = filters
        return cleaned

    def query_string(self) -> str:
        """The submitted filters as a query string (no page number), for pager and export links."""
        query = QueryDict(mutable=True)
        for name in PAGE_FILTERS:
            value = self.data.get(name, "")
            if isinstance(value, str) and value.strip():
                query[name] = value.strip()
        return query.urlencode()


def filtered_events(form: EventFilterForm) -> QuerySet[AuditEvent]:
    """The events matching a valid form, in no particular order (callers order them)."""
    return apply_event_filters(AuditEvent.objects.all(), form.filters)
