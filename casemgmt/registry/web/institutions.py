"""Technical institution search: the staff page (all kinds, with capability) and the three public
lookups (计量检定能力查询, 认证机构资质及认证范围查询, 检验检测机构资质及检验能力查询), which
need no sign-in and show only what institutions publish themselves."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from casemgmt.models import InstitutionKind
from casemgmt.registry.institutions import search_institutions
from casemgmt.registry.web.common import display_phone, require_perm

SEARCH = "casemgmt.registry_search_institutions"
RESULT_LIMIT = 200


def public_lookups() -> list[tuple[str, str]]:
    """(kind, the lookup's title) of the public lookups, in the order the portal lists them."""
    return [
        (InstitutionKind.METROLOGY.value, _("Metrology verification capability lookup")),
        (InstitutionKind.CERTIFICATION.value, _("Certification body qualification and scope lookup")),
        (InstitutionKind.TESTING.value, _("Testing laboratory qualification and capability lookup")),
    ]


def _results(request: HttpRequest, kinds: list[str]) -> dict[str, Any]:
    text = request.GET.get("q", "").strip()
    capability = request.GET.get("capability", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in kinds:
        kind = ""
    found = search_institutions(text=text, kind=kind, capability=capability)
    if not kind:
        found = found.filter(kind__in=kinds)
    total = found.count()
    institutions: list[Any] = list(found[:RESULT_LIMIT])
    for institution in institutions:
        institution.phone_display = display_phone(institution.phone)
    return {
        "q": text,
        "capability": capability,
        "kind": kind,
        "institutions": institutions,
        "total": total,
        "limited": total > RESULT_LIMIT,
    }


@login_required
def institution_search(request: HttpRequest) -> HttpResponse:
    require_perm(request, SEARCH)
    context = _results(request, list(InstitutionKind.values))
    context.update(
        {
            "title": _("Technical institutions"),
            "kinds": InstitutionKind.choices,
            "public": False,
            "action": "registry-institutions",
        }
    )
    return render(request, "casemgmt/registry/institutions.html", context)


def public_institution_lookup(request: HttpRequest) -> HttpResponse:
    """Anyone, signed in or not. The kind selector switches between the three lookups."""
    lookups = public_lookups()
    context = _results(request, [kind for kind, _title in lookups])
    titles = dict(lookups)
    context.update(
        {
            "title": titles.get(context["kind"], _("Technical institution lookup")),
            "kinds": lookups,
            "public": True,
            "action": "registry-public-institutions",
        }
    )
    return render(request, "casemgmt/registry/institutions.html", context)
