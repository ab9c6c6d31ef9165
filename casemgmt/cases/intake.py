"""Intake (需求收集): one enterprise request becomes a numbered case with its process running.

`submit_case` is the one entry for every channel: the window form (an operator or office user at
the station), the public online page (actor None: the request itself is the authorisation) and
the API. One transaction registers a new enterprise (an existing one is never changed: what the
request says differently becomes a proposal for the enterprise's own staff to decide, see
casemgmt.registry.enterprise_changes), allocates the case number, creates the case with the enterprise
details as typed, starts the `service_case` process, stores the consent to the privacy notice
(which every channel must carry in its current version, casemgmt.consent.notice) and records
CASE_SUBMITTED; any refusal leaves nothing behind, not even a used number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.utils import timezone

from audit.actions import Action
from casemgmt.consent import notice as privacy_notice
from casemgmt.consent import records as consent_records
from casemgmt.org.calendar import add_working_days
from casemgmt.registry.enterprise_changes import propose_from_intake
from casemgmt.registry.enterprises import register_for_intake
from core.errors import Conflict, FieldError, InvalidInput, PermissionDenied
from core.service import Actor, acting_user, audit, write_transaction
from workflows import instances

from ..models import Enterprise, IntakeEnterpriseDetails, ServiceCase, ServiceProject
from ..models.service_case import Channel
from .numbering import allocate_case_no
from .validation import catalogue_items, choice, phone, required_text, uscc

PROCESS_KEY = "service_case"
# The header scripted clients (the API, the public form) may send instead of the body's key.
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_CATALOGUE_ITEMS = 30
MAX_NEED = 2000
MAX_KEY = 64


@dataclass(frozen=True)
class IntakeRequest:
    project_code: str
    credit_code: str
    enterprise_name: str
    contact_name: str
    contact_phone: str
    need: str
    catalogue_items: tuple[str, ...] = ()
    channel: str = "window"  # Channel.WINDOW / ONLINE / API
    address: str = ""
    size_class: str = ""
    industry: str = ""
    idempotency_key: str | None = None
    # The privacy notice version the submitter accepted (None: not accepted), and the user signed
    # in while filling in the online form, if any: recorded with the consent and nothing else
    # (the online channel stays anonymous and grants a signed-in user nothing).
    consent_version: Any = None
    online_user: Any = None


@dataclass(frozen=True)
class _Clean:
    project: ServiceProject
    credit_code: str
    enterprise_name: str
    contact_name: str
    contact_phone: str
    need: str
    catalogue_items: list[str]
    channel: str
    address: str
    size_class: str
    industry: str
    idempotency_key: str | None
    consent_version: str


def _project(code: Any, errors: list[FieldError]) -> ServiceProject | None:
    text = code.strip() if isinstance(code, str) else ""
    if not text:
        errors.append(FieldError("project_code", "required", "请选择服务项目。", "Choose a service project."))
        return None
    project = ServiceProject.objects.select_related("operator").filter(code=text).first()
    if project is None:
        errors.append(
            FieldError(
                "project_code", "unknown_project", "服务项目不存在。", "There is no such service project."
            )
        )
        return None
    if project.status != ServiceProject.Status.ACTIVE:
        errors.append(
            FieldError(
                "project_code",
                "inactive_project",
                "该服务项目目前不受理新的办件。",
                "This service project does not take new cases at present.",
            )
        )
        return None
    return project


def _idempotency_key(raw: Any, errors: list[FieldError]) -> str | None:
    if raw is None:
        return None
    key = raw.strip() if isinstance(raw, str) else ""
    if not key or len(key) > MAX_KEY or not key.isprintable():
        errors.append(
            FieldError(
                "idempotency_key",
                "invalid",
                f"幂等键须为 1 至 {MAX_KEY} 个可打印字符。",
                f"The idempotency key must be 1 to {MAX_KEY} printable characters.",
            )
        )
        return None
    return key


def key_from(body_key: Any, header_key: str | None) -> Any:
    """The request's idempotency key, from the body or the header; both given and different is
    an error (which of the two would the client mean?)."""
    if header_key is None:
        return body_key
    if body_key is not None and body_key != header_key:
        raise InvalidInput(
            "The Idempotency-Key header and the body's idempotency_key differ.",
            "请求头 Idempotency-Key 与请求体中的 idempotency_key 不一致。",
            fields=[
                FieldError(
                    "idempotency_key",
                    "mismatch",
                    "与请求头 Idempotency-Key 不一致",
                    "differs from the Idempotency-Key header",
                )
            ],
        )
    return header_key


def clean_request(request: IntakeRequest) -> _Clean:
    """Every field checked; all problems raised together (InvalidInput), nothing written."""
    errors: list[FieldError] = []
    project = _project(request.project_code, errors)
    credit_code = uscc("credit_code", request.credit_code, errors)
    name = required_text("enterprise_name", request.enterprise_name, 200, "企业名称", errors)
    contact = required_text("contact_name", request.contact_name, 100, "联系人", errors)
    contact_phone = phone("contact_phone", request.contact_phone, errors)
    need = required_text("need", request.need, MAX_NEED, "服务需求", errors)
    items = catalogue_items("catalogue_items", request.catalogue_items, MAX_CATALOGUE_ITEMS, errors)
    channel = choice("channel", request.channel, Channel.values, "受理渠道", errors, required=True)
    address = required_text("address", request.address, 300, "企业地址", errors, optional=True)
    size_class = choice("size_class", request.size_class, Enterprise.SizeClass.values, "企业规模", errors)
    industry = required_text("industry", request.industry, 100, "行业", errors, optional=True)
    key = _idempotency_key(request.idempotency_key, errors)
    consent_version = privacy_notice.check(request.consent_version, request.channel, errors)
    if errors or project is None:
        raise InvalidInput("The request has errors.", "申请信息有误，请检查后重新提交。", fields=errors)
    return _Clean(
        project=project,
        credit_code=credit_code,
        enterprise_name=name,
        contact_name=contact,
        contact_phone=contact_phone,
        need=need,
        catalogue_items=items,
        channel=channel,
        address=address,
        size_class=size_class,
        industry=industry,
        idempotency_key=key,
        consent_version=consent_version,
    )


def _is_public(actor: Actor) -> bool:
    return actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated


def _check_actor(actor: Actor, request: IntakeRequest) -> None:
    """Public callers submit online only; staff submit at the window or through the API, for a
    project they may see. Checked before validation so that no caller learns about projects
    it may not use."""
    if _is_public(actor):
        if request.channel != Channel.ONLINE:
            raise PermissionDenied(
                "Only online requests may be submitted without signing in.", "未登录时只能在线提交申请。"
            )
        return
    assert isinstance(actor, User)
    if request.channel == Channel.ONLINE or not actor.has_perm("cases.submit_case", None):
        raise PermissionDenied("You may not register service requests.", "您无权登记服务需求。")


def _typed_enterprise(clean: _Clean) -> dict[str, str]:
    """The enterprise as the request describes it (model field names; empty fields left out)."""
    typed = {
        "name": clean.enterprise_name,
        "contact_name": clean.contact_name,
        "phone": clean.contact_phone,
        "address": clean.address,
        "size_class": clean.size_class,
        "industry": clean.industry,
    }
    return {field: value for field, value in typed.items() if value}


def _typed_details(case: ServiceCase) -> tuple[str, str, str, str] | None:
    details = IntakeEnterpriseDetails.objects.filter(case=case).first()
    if details is None:
        return None
    return (details.name, details.address, details.size_class, details.industry)


def _payload_matches(case: ServiceCase, clean: _Clean, user: User | None) -> bool:
    """What defines a request: the same key with any field different (or from someone else) is
    another request. Every field counts, the enterprise details as typed included (cases from
    before those were kept have none to compare)."""
    return (
        case.project_id == clean.project.pk
        and case.enterprise.credit_code == clean.credit_code
        and case.contact_name == clean.contact_name
        and case.contact_phone == clean.contact_phone
        and case.need == clean.need
        and list(case.catalogue_items) == clean.catalogue_items
        and case.channel == clean.channel
        and case.submitted_by_id == (user.pk if user is not None else None)
        and _typed_details(case)
        in (None, (clean.enterprise_name, clean.address, clean.size_class, clean.industry))
    )


def _replay(clean: _Clean, user: User | None) -> ServiceCase | None:
    """The case already made with this idempotency key, if any (same payload), else None."""
    if clean.idempotency_key is None:
        return None
    # Two submissions with one key at the same moment: the second waits here until the first
    # commits, then finds its case, instead of failing on the unique constraint.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7340))", [clean.idempotency_key])
    existing = (
        ServiceCase.objects.select_related("enterprise", "project")
        .filter(idempotency_key=clean.idempotency_key)
        .first()
    )
    if existing is None:
        return None
    if not _payload_matches(existing, clean, user):
        raise Conflict(
            "This idempotency key was already used for a different request.",
            "该幂等键已用于另一份不同的申请。",
            code="idempotency_conflict",
            fields=[
                FieldError(
                    "idempotency_key",
                    "reused",
                    "该幂等键已用于另一份申请",
                    "the key was used for a different request",
                )
            ],
        )
    return existing


def reminder_days() -> int:
    return int(settings.NQI_MATCHING_REMINDER_WORKING_DAYS)


def start_data(case: ServiceCase) -> dict[str, Any]:
    """What the diagram starts with: the case and the matching reminder's deadline. The
    requested catalogue items let the matching steps' institution pickers put the kinds serving
    them first (registry/lookups.py); 需求受理 replaces them where the operator adjusts them."""
    days = reminder_days()
    due = add_working_days(timezone.now(), days)
    return {
        "case_id": case.pk,
        "case_no": case.case_no,
        "enterprise_name": case.enterprise.name,
        "need": case.need,
        "catalogue_items": list(case.catalogue_items),
        "reminder_days": days,
        "matching_due": due.isoformat(),
    }


def submit_case(request: IntakeRequest, *, actor: Actor) -> ServiceCase:
    """Register a request; returns the case (the first one again for a repeated idempotency key)."""
    return register_case(request, actor=actor)[0]


def register_case(request: IntakeRequest, *, actor: Actor) -> tuple[ServiceCase, bool]:
    """submit_case, also saying whether this call made the case (False: a repeated idempotency
    key found the first one). Decided under the key's lock, so of two simultaneous submissions
    exactly one is told it made the case."""
    _check_actor(actor, request)
    user = acting_user(actor)
    if user is not None:
        # Another area's project is refused as such, before its fields are looked at.
        code = request.project_code.strip() if isinstance(request.project_code, str) else ""
        project = ServiceProject.objects.select_related("operator").filter(code=code).first()
        if project is not None and not user.has_perm("cases.submit_case", project):
            raise PermissionDenied(
                "You may not register requests for this project.", "您无权为该服务项目登记服务需求。"
            )
    clean = clean_request(request)
    with write_transaction():
        existing = _replay(clean, user)
        if existing is not None:
            return existing, False
        typed = _typed_enterprise(clean)
        enterprise, registered = register_for_intake(clean.credit_code, typed, actor=actor)
        case = ServiceCase.objects.create(
            case_no=allocate_case_no(clean.project),
            project=clean.project,
            enterprise=enterprise,
            channel=clean.channel,
            contact_name=clean.contact_name,
            contact_phone=clean.contact_phone,
            need=clean.need,
            catalogue_items=clean.catalogue_items,
            idempotency_key=clean.idempotency_key,
            submitted_by=user,
        )
        instance = instances.start_instance(
            PROCESS_KEY,
            actor=actor if user is not None else None,
            data=start_data(case),
            business_key=case.case_no,
            subject=enterprise.name,
            org_unit_code=clean.project.operator.code,
        )
        case.instance = instance
        case.save(update_fields=["instance", "updated_at"])
        IntakeEnterpriseDetails.objects.create(
            case=case,
            name=clean.enterprise_name,
            address=clean.address,
            size_class=clean.size_class,
            industry=clean.industry,
        )
        online_user = request.online_user if getattr(request.online_user, "is_authenticated", False) else None
        consent = consent_records.record(
            case,
            clean.consent_version,
            privacy_notice.consent_channel(clean.channel, signed_in=online_user is not None),
            user or online_user,
        )
        proposal = None
        if not registered:
            proposal = propose_from_intake(
                enterprise, case, typed, actor=actor if user is not None else None, instance=instance
            )
        audit(
            Action.CASE_SUBMITTED,
            actor if user is not None else None,
            target_type="case",
            target_id=case.case_no,
            instance=instance,
            after={
                "project": clean.project.code,
                "enterprise": enterprise.credit_code,
                "channel": clean.channel,
                "catalogue_items": clean.catalogue_items,
                "need": clean.need,
                "enterprise_registered": registered,
                "enterprise_change_proposal": proposal.pk if proposal is not None else None,
                "consent": {"notice_version": consent.notice_version, "channel": consent.channel},
            },
        )
        return case, True
