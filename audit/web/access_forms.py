"""The access log page's filter form: who, what kind, which subject, when.

Plain text fields (like the review's form) so Django adds no validation of its own: who and when
go through the audit API's own parser (`audit.api.filters`), so both pages accept the same names
and dates; kind, subject and subject id are checked here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ..access_models import AccessKind, AccessRecord
from ..api.filters import collect_event_filters

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"})
FILTERS = ("actor", "kind", "subject", "subject_id", "since", "until")
# What the shared parser reads; the rest is this form's.
_SHARED = ("actor", "since", "until")

_MESSAGES = {
    "invalid_kind": _("Choose a kind from the list."),
    "invalid": _("Enter a valid date and time."),
    "before_since": _("The end must be later than the start."),
    "null_character": _("Remove the NUL character."),
    "too_long": _("Enter at most 128 characters."),
}


class AccessFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (user name)"), required=False)
    kind = forms.CharField(
        label=_("Kind"),
        required=False,
        widget=forms.Select(choices=[("", _("All kinds")), *AccessKind.choices]),
    )
    subject = forms.CharField(
        label=_("Subject type"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. case or enterprise")}),
    )
    subject_id = forms.CharField(label=_("Subject id"), required=False)
    since = forms.CharField(label=_("From (Shanghai time)"), required=False, widget=_DATETIME)
    until = forms.CharField(label=_("Until (Shanghai time, exclusive)"), required=False, widget=_DATETIME)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        shared, errors = collect_event_filters(self.data, _SHARED)
        for error in errors:
            self.add_error(error.field, _MESSAGES.get(error.code, error.message_en))
        self.filters = shared
        for name in ("kind", "subject", "subject_id"):
            value = _text(self.data, name)
            if not value:
                continue
            if "\x00" in value:
                self.add_error(name, _MESSAGES["null_character"])
            elif len(value) > 128:
                self.add_error(name, _MESSAGES["too_long"])
            elif name == "kind" and value not in AccessKind.values:
                self.add_error(name, _MESSAGES["invalid_kind"])
            else:
                self.filters[name] = value
        return cleaned

    def query_string(self) -> str:
        """The submitted filters as a query string (no cursor), for the pager's links."""
        query = QueryDict(mutable=True)
        for name in FILTERS:
            value = _text(self.data, name)
            if value:
                query[name] = value
        return query.urlencode()


def filtered_records(form: AccessFilterForm) -> QuerySet[AccessRecord]:
    """The records matching a valid form, newest first."""
    filters = form.filters
    condition = Q()
    if "actor" in filters:
        # The name at the time, or the account's name now (a renamed user's older reads).
        now_named = get_user_model().objects.filter(username=filters["actor"]).values("pk")
        condition &= Q(actor_name=filters["actor"]) | Q(actor_id__in=now_named)
    for name in ("kind", "subject", "subject_id"):
        if name in filters:
            condition &= Q(**{name: filters[name]})
    if "since" in filters:
        condition &= Q(occurred_at__gte=filters["since"])
    if "until" in filters:
        condition &= Q(occurred_at__lt=filters["until"])
    return AccessRecord.objects.filter(condition).order_by("-occurred_at", "-id")


def _text(data: Any, name: str) -> str:
    value = data.get(name, "")
    return value.strip() if isinstance(value, str) else ""
