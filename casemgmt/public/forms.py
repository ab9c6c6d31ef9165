"""Forms of the public pages: they shape and render the input; the services decide what is valid.

A form checks only what a browser could get wrong by itself (required, length, a choice that is
offered); the credit code, the phone and everything the rules say are the service's to judge, and
its field errors (core.errors.FieldError) are placed next to the inputs with `add_service_errors`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from casemgmt.models import EffectKind, OrgUnit, Satisfaction, ServiceProject, SizeClass
from casemgmt.registry import catalogue
from core.errors import ServiceError
from core.http.page_errors import field_message, page_message


def project_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active projects grouped by the street or town they serve; district- and city-level
    projects (which serve the whole district) come first in a group of their own."""
    projects = (
        ServiceProject.objects.filter(status=ServiceProject.Status.ACTIVE)
        .prefetch_related("divisions")
        .order_by("name")
    )
    district_wide: list[tuple[str, str]] = []
    by_division: dict[OrgUnit, list[tuple[str, str]]] = defaultdict(list)
    for project in projects:
        divisions = list(project.divisions.all())
        if project.level != ServiceProject.Level.STREET or not divisions:
            district_wide.append((project.code, project.name))
        # A project named for several divisions is offered under each of them.
        for division in divisions:
            by_division[division].append((project.code, project.name))
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if district_wide:
        groups.append((str(_("District and city level")), district_wide))
    for division in sorted(by_division, key=lambda unit: unit.code):
        groups.append((division.name, by_division[division]))
    return groups


@dataclass(frozen=True)
class CatalogueGroup:
    code: str
    number: int
    name: str
    items: list[tuple[Any, str]]  # (bound checkbox, the item's English text when the page is English)
    chosen: bool  # any of them ticked: the group is shown open


def catalogue_groups(field: forms.BoundField) -> list[CatalogueGroup]:
    """The catalogue checkboxes in the seven categories of Attachment 2 §4."""
    by_value = {str(widget.data["value"]): widget for widget in field.subwidgets}
    ticked = {str(value) for value in (field.value() or [])}
    english = (get_language() or "").startswith("en")
    return [
        CatalogueGroup(
            code=category.code,
            number=category.number,
            name=category.name_en if english else category.name_zh,
            items=[
                (by_value[item.key], item.text_en if english else "")
                for item in category.items
                if item.key in by_value
            ],
            chosen=any(item.key in ticked for item in category.items),
        )
        for category in catalogue.CATEGORIES
    ]


class ServiceErrorsMixin:
    """Puts a refused service call's field errors next to the inputs, the rest above the form."""

    # Field names the services use that the form calls otherwise.
    field_aliases: dict[str, str] = {}

    def add_service_errors(self, error: ServiceError) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        language = get_language()
        unplaced: list[str] = []
        for field_error in error.fields:
            name = self.field_aliases.get(field_error.field, field_error.field)
            message = field_message(field_error, language)
            if name in form.fields and not form.fields[name].widget.is_hidden:
                form.add_error(name, message)
            elif name not in form.fields:
                unplaced.append(f"{field_error.field}: {message}")
            else:
                unplaced.append("")  # a hidden field: the overall message says it better
        if unplaced or not error.fields:
            form.add_error(None, page_message(error, language))
            for message in filter(None, unplaced):
                form.add_error(None, message)


class IntakeForm(ServiceErrorsMixin, forms.Form):
    field_aliases = {"name": "enterprise_name", "phone": "contact_phone", "project": "project_code"}
    CHECKED_BY_SERVICE = (
        "project_code",
        "credit_code",
        "enterprise_name",
        "contact_name",
        "contact_phone",
        "need",
        "consent",
    )

    project_code = forms.ChoiceField(label=_("Service project"))
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    enterprise_name = forms.CharField(label=_("Enterprise name"), max_length=200)
    address = forms.CharField(label=_("Enterprise address"), max_length=300, required=False)
    size_class = forms.ChoiceField(
        label=_("Size class"), required=False, choices=[("", "—"), *SizeClass.choices]
    )
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32)
    need = forms.CharField(
        label=_("What do you need?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    catalogue_items = forms.MultipleChoiceField(
        label=_("Catalogue items"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(item.key, item.text_zh) for item in catalogue.all_items()],
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # The consent: the box, and the notice version the page showed (the template writes the
    # current one; casemgmt.consent.notice refuses any other).
    consent = forms.BooleanField(label=_("I have read and agree to the privacy notice"), required=False)
    notice_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *project_choices()]
        # Required, but judged by the service with the rest, so that one round shows every
        # problem; the browser still gets the `required` hint.
        for name in self.CHECKED_BY_SERVICE:
            self.fields[name].required = False
            self.fields[name].widget.attrs["required"] = True
        if not self.is_bound:
            # A fresh key per rendered form: a double click or a resubmission carries the same one.
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class LookupForm(forms.Form):
    case_no = forms.CharField(label=_("Case number"), max_length=32)
    phone = forms.CharField(label=_("Contact phone given with the request"), max_length=32)


def _amount_field(label: Any) -> forms.DecimalField:
    """An amount in 万元 (10,000 yuan)."""
    return forms.DecimalField(
        label=label, required=False, widget=forms.NumberInput(attrs={"min": 0, "step": "0.01"})
    )


class FeedbackForm(ServiceErrorsMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    effects = forms.MultipleChoiceField(
        label=_("Effects of the service"),
        required=False,
        choices=EffectKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    effect_other = forms.CharField(label=_("Other effect (describe)"), max_length=300, required=False)
    feedback_comment = forms.CharField(
        label=_("Comments"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Ranges are the feedback service's to check (it reports every bad field at once, in both
    # languages); the form only parses the numbers and hints the browser.
    new_jobs = forms.IntegerField(
        label=_("New jobs"), required=False, widget=forms.NumberInput(attrs={"min": 0})
    )
    investment_drawn = _amount_field(_("Investment drawn (10k yuan)"))
    output_added = _amount_field(_("Output added (10k yuan)"))
    cost_saved = _amount_field(_("Cost saved (10k yuan)"))
    profit_added = _amount_field(_("Profit added (10k yuan)"))

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the feedback service takes them: empty numbers left out, amounts
        as decimal text (exact, and the type the service parses)."""
        return {
            name: str(value) if isinstance(value, Decimal) else value
            for name, value in self.cleaned_data.items()
            if value is not None
        }


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the request?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
