"""The instance-admin filter bar: from the query string to the read side's InstanceFilter and back.

The bar speaks the API's filter language (the same parameter names and checks), so a filtered
admin list and GET /api/instances/ with the same parameters list the same instances.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ServiceError
from core.http.page_errors import page_errors
from core.http.query_params import bounded_int

from ..catalog import model_choices
from ..models import InstanceStatus, ProcessInstance
from ..queries.instances import InstanceFilter

# Query-string names the page uses; they map onto workflows.queries.instances.InstanceFilter.
TEXT_FILTERS = ("model", "version", "status", "q", "org_unit", "business_key", "test")


@dataclass
class InstanceFilters:
    values: dict[str, str]
    params: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return any(self.values.values())


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _start_of(day: date) -> str:
    return timezone.make_aware(datetime.combine(day, time.min)).isoformat()


def parse(query: QueryDict) -> InstanceFilters:
    """Dates on the page are whole days in local time; "started to" includes that day."""
    values = {name: query.get(name, "").strip() for name in (*TEXT_FILTERS, "started_from", "started_to")}
    params = {name: values[name] for name in TEXT_FILTERS if values[name]}
    errors: dict[str, str] = {}
    if values["version"] and not values["version"].isdigit():
        errors["version"] = _("Enter a whole number.")
        params.pop("version")
    if values["test"] not in ("", "1"):
        params.pop("test")
    if values["status"] and values["status"] not in InstanceStatus.values:
        errors["status"] = _("Choose a valid status.")
        params.pop("status")
    for name, param, shift in (("started_from", "started_after", 0), ("started_to", "started_before", 1)):
        if not values[name]:
            continue
        day = _day(values[name])
        if day is None:
            errors[name] = _("Enter a date as YYYY-MM-DD.")
        else:
            params[param] = _start_of(day + timedelta(days=shift))
    return InstanceFilters(values, params, errors)


def instance_filter(params: dict[str, str]) -> InstanceFilter:
    """The checked parameters as the read side's filter. A version beyond the database's bigint
    raises InvalidInput, as the API's check of the same parameter does (see `absorb`)."""
    after, before = params.get("started_after"), params.get("started_before")
    return InstanceFilter(
        model=params.get("model", ""),
        version=bounded_int(params, "version"),
        status=params.get("status", ""),
        business_key=params.get("business_key", ""),
        org_unit=params.get("org_unit", ""),
        q=params.get("q", ""),
        test=params.get("test") == "1",
        started_after=datetime.fromisoformat(after) if after else None,
        started_before=datetime.fromisoformat(before) if before else None,
    )


def absorb(filters: InstanceFilters, exc: ServiceError, language: str) -> None:
    """A filter the query layer refused is shown on its field, never as a server error."""
    refusal = page_errors(exc, language)
    filters.errors.update(refusal.first())
    if not exc.fields:
        filters.errors["q"] = refusal.message


# The org unit field suggests codes that instances actually carry; workflows knows no org tree.
MAX_ORG_UNIT_SUGGESTIONS = 200


def choices() -> dict[str, Any]:
    units = ProcessInstance.objects.exclude(org_unit_code="").order_by("org_unit_code")
    return {
        "models": model_choices(),
        "statuses": InstanceStatus.choices,
        "org_units": list(
            units.values_list("org_unit_code", flat=True).distinct()[:MAX_ORG_UNIT_SUGGESTIONS]
        ),
    }
