"""Forms of the archive pages. They parse input only; casemgmt.archive.outcomes checks it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from casemgmt.models import Enterprise, OutcomeKind, ServiceCase, ServiceProject
from casemgmt.models.outcome import OUTCOME_SUBTYPES

DESCRIPTIVE = ("kind", "subtype", "title", "obtained_on", "number", "issuer", "evidence_url")


def subtype_choices() -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = [("", "—")]
    for kind, label in OutcomeKind.choices:
        groups.append((str(label), [(key, text) for key, text in OUTCOME_SUBTYPES[kind].items()]))
    return groups


_KIND_OF_SUBTYPE = {key: kind for kind, subtypes in OUTCOME_SUBTYPES.items() for key in subtypes}


class SubtypeSelect(forms.Select):
    """Each subtype option says which kind it belongs to (data-kind), so the page can offer only
    the chosen kind's subtypes (static/js/outcome_form.js); the server still checks the pair."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        kind = _KIND_OF_SUBTYPE.get(str(option["value"]))
        if kind:
            option["attrs"]["data-kind"] = kind
        return option


class CaseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.case_no} · {obj.need[:40]}"


class OutcomeForm(forms.Form):
    """The outcome's own fields; the links (project, enterprise, case) depend on where it is recorded."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *OutcomeKind.choices])
    subtype = forms.ChoiceField(label=_("Subtype"), choices=subtype_choices, widget=SubtypeSelect)
    title = forms.CharField(label=_("Title"), max_length=300)
    obtained_on = forms.DateField(
        label=_("Date obtained"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    number = forms.CharField(
        label=_("Number"),
        max_length=100,
        required=False,
        help_text=_("Required for certificates and reports."),
    )
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    evidence_url = forms.CharField(label=_("Evidence link"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        projects: QuerySet[ServiceProject] | None = None,
        enterprises: QuerySet[Enterprise] | None = None,
        cases: QuerySet[ServiceCase] | None = None,
        correction: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if projects is not None:
            self.fields["project"] = forms.ModelChoiceField(
                label=_("Service project"), queryset=projects, to_field_name="code"
            )
        if enterprises is not None:
            self.fields["enterprise"] = forms.ModelChoiceField(
                label=_("Enterprise"),
                queryset=enterprises,
                required=False,
                help_text=_("Leave empty only for a quality honour of the project itself."),
            )
        if cases is not None:
            self.fields["case"] = CaseChoice(label=_("Service case"), queryset=cases, required=False)
        if correction:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the correction"),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=1000,
            )

    def values(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in DESCRIPTIVE}
        for link in ("enterprise", "case"):
            if link in self.fields:
                data[link] = self.cleaned_data.get(link)
        return data


class OutcomeFilterForm(forms.Form):
    """Kind and period (?kind=…&from=…&to=…, dates inclusive)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All")), *OutcomeKind.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two are added by name.
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.DateField(
                label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end date is before the start date."))
        return data
