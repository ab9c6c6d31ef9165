"""The registry's lookup sources for form fields (workflows/lookups.py): technical institutions
(active ones, for everyone who works tasks) and enterprises (those the user may see), searched by
name and code. 服务对接 and 协助对接 pick their institution this way instead of typing its number,
the kinds serving the case's requested items listed first."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from casemgmt.models import Enterprise, TechnicalInstitution
from casemgmt.org.scopes import visible_enterprises
from workflows.lookups import Context, LookupSource, register_lookup

from . import catalogue
from .institutions import search_institutions

# The service process's data key holding the case's requested catalogue items (cases/intake.py).
REQUESTED_ITEMS = "catalogue_items"


def _institutions(query: str, user: Any, limit: int, context: Context) -> list[tuple[Any, str]]:
    """The case's requested catalogue items put the institutions of the kinds serving them first
    (a metrology item: metrology institutions), each group in the search's own order."""
    found = search_institutions(text=query)
    kinds = catalogue.institution_kinds(context.get(REQUESTED_ITEMS))
    if kinds:
        serves = Case(When(kind__in=sorted(kinds), then=Value(0)), default=Value(1))
        found = found.order_by(serves, "kind", "name")
    return [(i.pk, f"{i.name}（{i.get_kind_display()}）") for i in found[:limit]]


def _institution_labels(values: Iterable[Any], user: Any) -> dict[Any, str]:
    ids = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    rows = TechnicalInstitution.objects.filter(pk__in=ids, active=True)
    return {i.pk: f"{i.name}（{i.get_kind_display()}）" for i in rows}


def _enterprises(query: str, user: Any, limit: int, context: Context) -> list[tuple[Any, str]]:
    found = visible_enterprises(user)
    for word in query.strip()[:100].split():
        found = found.filter(name__icontains=word) | found.filter(credit_code__startswith=word.upper())
    return [(e.credit_code, f"{e.name}（{e.credit_code}）") for e in found.order_by("name")[:limit]]


def _enterprise_labels(values: Iterable[Any], user: Any) -> dict[Any, str]:
    codes = [v for v in values if isinstance(v, str)]
    # Without a user (the engine's own calls) every enterprise counts; a person only their own.
    rows = Enterprise.objects.all() if user is None else visible_enterprises(user)
    return {e.credit_code: f"{e.name}（{e.credit_code}）" for e in rows.filter(credit_code__in=codes)}


def register() -> None:
    institutions = LookupSource(
        _("technical institution"),
        "integer",
        _institutions,
        _institution_labels,
        context_keys=(REQUESTED_ITEMS,),
    )
    register_lookup("institution", institutions)
    register_lookup("enterprise", LookupSource(_("enterprise"), "string", _enterprises, _enterprise_labels))
