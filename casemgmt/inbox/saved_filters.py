"""Saved inbox filters: save the current filter for oneself or a group, apply one, delete one's own.

A filter is shared with a candidate group (role@org unit) the owner belongs to, like a Camunda
Tasklist filter shared with a group; only its owner may change or delete it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casemgmt.inbox.rows import Units, group_label
from casemgmt.models import SavedFilter
from casemgmt.models.saved_filter import normalize_query
from casemgmt.org.directory import groups_of


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    query = forms.CharField(required=False, max_length=1000)
    shared_with_group = forms.ChoiceField(label=gettext_lazy("Visible to"), required=False)

    def __init__(self, *args: Any, groups: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only a group the owner belongs to: nobody can push a filter into someone else's inbox.
        field = self.fields["shared_with_group"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", gettext_lazy("Only me")), *((group, group) for group in groups)]

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()

    def clean_query(self) -> str:
        try:
            return normalize_query(self.cleaned_data.get("query") or "")
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


def inbox_url(query: str) -> str:
    url = reverse("inbox")
    return f"{url}?{query}" if query else url


def saved_filter_panel(user: Any, groups: list[str], units: Units) -> list[dict[str, Any]]:
    """The filters the user may apply (own first), with what the panel shows of each: one query."""
    filters = SavedFilter.visible_to(user.pk, set(groups)).order_by("name", "id")
    entries = [
        {
            "filter": saved,
            "url": inbox_url(saved.query),
            "own": saved.owner_id == user.pk,
            "shared_label": group_label(saved.shared_with_group, units) if saved.shared_with_group else "",
        }
        for saved in filters
    ]
    entries.sort(key=lambda entry: not entry["own"])
    return entries


@login_required
@require_POST
def save_filter(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = SavedFilterForm(request.POST, groups=sorted(groups_of(user)))
    if not form.is_valid():
        problems = [str(m) for errors in form.errors.values() for m in errors]
        messages.error(request, " ".join([_("The filter was not saved."), *problems]))
        # The query may be the culprit: go back to the plain inbox rather than repeat it.
        return redirect(inbox_url(""))
    data = form.cleaned_data
    # Saving under a name one already uses replaces that filter: "save" means keep this view.
    saved, created = SavedFilter.objects.update_or_create(
        owner_id=user.pk,
        name=data["name"],
        defaults={"query": data["query"], "shared_with_group": data["shared_with_group"] or ""},
    )
    if created:
        messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    else:
        messages.success(request, _("Filter “%(name)s” updated.") % {"name": saved.name})
    return redirect(inbox_url(saved.query))


@login_required
@require_POST
def delete_filter(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    saved = SavedFilter.visible_to(user.pk, groups_of(user)).filter(pk=pk).first()
    if saved is None:
        raise Http404
    if not user.has_perm("casemgmt.delete_savedfilter", saved):
        raise PermissionDenied
    saved.delete()
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect(inbox_url(""))
