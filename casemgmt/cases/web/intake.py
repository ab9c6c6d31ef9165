"""The window intake form (窗口受理): an operator or office user registers a request on an
enterprise's behalf; the receipt with the case number follows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casemgmt.cases.intake import IntakeRequest, submit_case
from casemgmt.cases.queries import submittable_projects
from casemgmt.consent import notice as privacy_notice
from casemgmt.models import Channel, SizeClass
from casemgmt.registry import catalogue
from casemgmt.web.form_fields import Field
from core.errors import ServiceError
from core.http.page_errors import page_errors, raise_for_refusal

# The form's fields in order; names are IntakeRequest's, so service errors land on their input.
LAYOUT = (
    ("project_code", gettext_lazy("Service project"), "select", True),
    ("credit_code", gettext_lazy("Unified social credit code"), "text", True),
    ("enterprise_name", gettext_lazy("Enterprise name"), "text", True),
    ("address", gettext_lazy("Enterprise address"), "text", False),
    ("size_class", gettext_lazy("Size class"), "select", False),
    ("industry", gettext_lazy("Industry"), "text", False),
    ("contact_name", gettext_lazy("Contact person"), "text", True),
    ("contact_phone", gettext_lazy("Contact phone"), "tel", True),
    ("need", gettext_lazy("Service need"), "textarea", True),
    ("catalogue_items", gettext_lazy("Service catalogue items"), "items", False),
)
CONSENT = privacy_notice.FIELD


def _categories(language: str) -> list[dict[str, Any]]:
    english = language.startswith("en")
    return [
        {
            "name": category.name_en if english else category.name_zh,
            "items": [(entry.key, entry.text_en if english else entry.text_zh) for entry in category.items],
        }
        for category in catalogue.CATEGORIES
    ]


def _fields(request: HttpRequest, errors: dict[str, list[str]] | None = None) -> list[Field]:
    projects = [("", _("Choose…"))] + [(p.code, p.name) for p in submittable_projects(request.user)]
    sizes = [("", "—")] + [(value, str(label)) for value, label in SizeClass.choices]
    posted = request.POST if request.method == "POST" else None
    fields = []
    for name, label, kind, required in LAYOUT:
        if posted is None:
            value: Any = [] if kind == "items" else ""
        else:
            value = posted.getlist(name) if kind == "items" else posted.get(name, "")
        choices = projects if name == "project_code" else sizes if name == "size_class" else []
        fields.append(
            Field(name, label, kind, value, choices, required, errors=list((errors or {}).get(name, [])))
        )
    return fields


def _consent_field(request: HttpRequest, errors: dict[str, list[str]] | None) -> Field:
    """The operator's confirmation that the enterprise was told of the privacy notice and agreed;
    kept ticked on a refused form only while the notice it confirmed is still the current one."""
    posted = request.POST if request.method == "POST" else None
    ticked = (
        posted is not None
        and bool(posted.get("consent"))
        and posted.get("notice_version") == privacy_notice.current_version()
    )
    label = _("The enterprise has been informed of the privacy notice and has given its consent")
    found = list((errors or {}).get(CONSENT, []))
    return Field(CONSENT, label, "checkbox", ticked, required=True, errors=found)


def _render(request: HttpRequest, errors: dict[str, list[str]] | None = None, **extra: Any) -> HttpResponse:
    notice = privacy_notice.current()
    context = {
        "fields": _fields(request, errors),
        "consent": _consent_field(request, errors),
        "notice": notice,
        "catalogue": _categories(get_language() or "zh-hans"),
        **extra,
    }
    return render(request, "casemgmt/cases/intake.html", context, status=400 if errors or extra else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_intake(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("cases.submit_case", None):
        raise PermissionDenied
    if request.method != "POST":
        return _render(request)
    post = request.POST
    intake = IntakeRequest(
        project_code=post.get("project_code", ""),
        credit_code=post.get("credit_code", ""),
        enterprise_name=post.get("enterprise_name", ""),
        contact_name=post.get("contact_name", ""),
        contact_phone=post.get("contact_phone", ""),
        need=post.get("need", ""),
        catalogue_items=tuple(post.getlist("catalogue_items")),
        channel=Channel.WINDOW,
        address=post.get("address", ""),
        size_class=post.get("size_class", ""),
        industry=post.get("industry", ""),
        # Ticked, the operator confirms the notice version the form showed.
        consent_version=post.get("notice_version") if post.get("consent") else None,
    )
    try:
        case = submit_case(intake, actor=request.user)
    except ServiceError as exc:
        # Only a permission refusal is the 403 page; anything else is shown on the form (400).
        raise_for_refusal(exc, statuses=(403,))
        refusal = page_errors(exc)
        shown = {name for name, *_rest in LAYOUT} | {CONSENT}
        others = [message for name, found in refusal.fields.items() if name not in shown for message in found]
        return _render(request, refusal.fields, form_error=refusal.message, other_errors=others)
    messages.success(request, _("Case %(case_no)s registered.") % {"case_no": case.case_no})
    return redirect("cases-receipt", pk=case.pk)
