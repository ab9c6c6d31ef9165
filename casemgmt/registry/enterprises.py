"""Enterprises served (服务对象): one row per unified social credit code, registered or refreshed.

`upsert_enterprise` is what the registry API and the demo data call: it validates every field (all
bad fields reported at once), then creates the enterprise or fills in the given fields of the
existing one. Two first submissions of the same code at the same moment end with one row: the
insert runs in a savepoint, the loser's insert waits on the winner's uncommitted row, fails on the
unique constraint and then updates the winner's row instead.

Intake does not use it: `register_for_intake` creates a new enterprise but never touches an
existing one (credit codes are public, so an intake proves nothing about who sent it); what an
intake typed differently becomes a proposal (casemgmt.registry.enterprise_changes).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery

from audit.actions import Action
from casemgmt.models import Enterprise, OrgUnit, ServiceCase, SizeClass
from casemgmt.org.scopes import enterprises_in_operating_area
from casemgmt.registry.validators import validate_cn_phone, validate_uscc
from core.errors import FieldError, InvalidInput
from core.service import Actor, audit, require, write_transaction

# The fields an upsert may set, in the order they are compared and audited.
_FIELDS = ("name", "contact_name", "phone", "address", "size_class", "industry", "division")
_MAX_LENGTHS = {"name": 200, "contact_name": 100, "address": 300, "industry": 100}
# What an edit form or PATCH may send (division_code names the division by its org unit code).
_EDITABLE = ("name", "contact_name", "phone", "address", "size_class", "industry", "division_code")
_LABELS_ZH = {"name": "企业名称", "contact_name": "联系人", "address": "企业地址", "industry": "行业"}


def changeable_enterprises(user: Any) -> QuerySet[Enterprise]:
    """The enterprises whose master data a staff member may change (and whose proposed changes
    they decide): a narrower set than casemgmt.org.scopes.registry_enterprises.

    District-wide roles: all. Others: the enterprises located in their area's divisions, or whose
    home project (the project of the enterprise's first case, the one it registered with) is run
    or coordinated in their area. A later case in another project makes the enterprise visible to
    that project's staff, not theirs to change: anyone can file a case with any credit code.
    """

    def in_area(area: frozenset[str]) -> QuerySet[Enterprise]:
        first_case = ServiceCase.objects.filter(enterprise=OuterRef("pk")).order_by("submitted_at", "pk")
        home_operator = Subquery(first_case.values("project__operator__code")[:1])
        return Enterprise.objects.annotate(home_operator=home_operator).filter(
            Q(division__code__in=area) | Q(home_operator__in=area)
        )

    return enterprises_in_operating_area(user, in_area)


def find_enterprise(credit_code: str) -> Enterprise | None:
    """The enterprise with this code (normalised first), or None; None too for a malformed code."""
    try:
        code = validate_uscc(credit_code)
    except ValidationError:
        return None
    return Enterprise.objects.select_related("division").filter(credit_code=code).first()


def _clean(
    credit_code: str,
    *,
    name: str,
    contact_name: str,
    phone: str,
    address: str,
    size_class: str,
    industry: str,
    division_code: str,
) -> tuple[str, dict[str, Any], list[FieldError]]:
    """(normalised code, {field: cleaned value} for the non-empty fields, the field errors)."""
    errors: list[FieldError] = []
    code = ""
    try:
        code = validate_uscc(credit_code)
    except ValidationError as error:
        errors.append(FieldError.from_validation("credit_code", error))
    values: dict[str, Any] = {}
    texts = {"name": name, "contact_name": contact_name, "address": address, "industry": industry}
    for field, raw_text in texts.items():
        text = (raw_text or "").strip()
        if len(text) > _MAX_LENGTHS[field]:
            limit = _MAX_LENGTHS[field]
            errors.append(
                FieldError(
                    field,
                    "too_long",
                    f"{_LABELS_ZH[field]}不能超过 {limit} 个字符。",
                    f"At most {limit} characters.",
                )
            )
        elif text:
            values[field] = text
    if (phone or "").strip():
        try:
            values["phone"] = validate_cn_phone(phone)
        except ValidationError as error:
            errors.append(FieldError.from_validation("phone", error, "invalid_phone"))
    if (size_class or "").strip():
        if size_class.strip() in SizeClass.values:
            values["size_class"] = size_class.strip()
        else:
            errors.append(
                FieldError(
                    "size_class",
                    "invalid_choice",
                    "企业规模须为大型、中型、小型或微型。",
                    "The size class must be large, medium, small or micro.",
                )
            )
    if (division_code or "").strip():
        division = OrgUnit.objects.filter(code=division_code.strip(), kind=OrgUnit.Kind.DIVISION).first()
        if division is None:
            errors.append(
                FieldError(
                    "division_code",
                    "unknown_division",
                    "所选街镇不存在。",
                    "No street or town has this code.",
                )
            )
        else:
            values["division"] = division
    return code, values, errors


def _snapshot(enterprise: Enterprise, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {
        field: (enterprise.division.code if enterprise.division else "")
        if field == "division"
        else getattr(enterprise, field)
        for field in fields
    }


def upsert_enterprise(
    credit_code: str,
    *,
    name: str,
    actor: Actor,
    contact_name: str = "",
    phone: str = "",
    address: str = "",
    size_class: str = "",
    industry: str = "",
    division_code: str = "",
) -> Enterprise:
    """Create the enterprise with this credit code, or update the given non-empty fields of it.

    No permission check: the caller decides who may register (public intake, staff, the API).
    Raises InvalidInput (one FieldError per bad field) and changes nothing on bad input. Callable
    inside an enclosing write_transaction(); audits ENTERPRISE_REGISTERED on creation and
    ENTERPRISE_UPDATED only when a value actually changed.
    """
    code, values, errors = _clean(
        credit_code,
        name=name,
        contact_name=contact_name,
        phone=phone,
        address=address,
        size_class=size_class,
        industry=industry,
        division_code=division_code,
    )
    if errors:
        raise InvalidInput(
            "The enterprise details are not valid.", "企业信息有误，请检查后重新提交。", fields=errors
        )
    with write_transaction():
        enterprise = Enterprise.objects.select_for_update().filter(credit_code=code).first()
        if enterprise is None:
            if "name" not in values:
                raise InvalidInput(
                    "The enterprise details are not valid.",
                    "企业信息有误，请检查后重新提交。",
                    fields=[FieldError("name", "required", "请填写企业名称。", "Enter the enterprise name.")],
                )
            created = _try_create(code, values)
            if created is not None:
                audit(
                    Action.ENTERPRISE_REGISTERED,
                    actor,
                    target_type="enterprise",
                    target_id=created.credit_code,
                    after=_snapshot(created, _FIELDS),
                )
                return created
            # Someone else registered it between our look-up and our insert: update theirs.
            enterprise = Enterprise.objects.select_for_update().get(credit_code=code)
        changed = [
            field for field in _FIELDS if field in values and _differs(enterprise, field, values[field])
        ]
        if not changed:
            return enterprise
        before = _snapshot(enterprise, changed)
        for field in changed:
            setattr(enterprise, field, values[field])
        enterprise.save(update_fields=[*changed, "updated_at"])
        audit(
            Action.ENTERPRISE_UPDATED,
            actor,
            target_type="enterprise",
            target_id=enterprise.credit_code,
            before=before,
            after=_snapshot(enterprise, changed),
        )
        return enterprise


def register_for_intake(code: str, values: dict[str, Any], *, actor: Actor) -> tuple[Enterprise, bool]:
    """(the enterprise, whether this call registered it): a new credit code is registered with
    the intake's values (ENTERPRISE_REGISTERED); an existing enterprise is returned untouched,
    also when another intake registered it a moment ago. `values` are cleaned model fields (the
    intake's own checks) and hold the name. Runs inside the intake's transaction."""
    existing = Enterprise.objects.select_related("division").filter(credit_code=code).first()
    if existing is not None:
        return existing, False
    created = _try_create(code, values)
    if created is None:
        return Enterprise.objects.select_related("division").get(credit_code=code), False
    audit(
        Action.ENTERPRISE_REGISTERED,
        actor,
        target_type="enterprise",
        target_id=created.credit_code,
        after=_snapshot(created, _FIELDS),
    )
    return created, True


def _differs(enterprise: Enterprise, field: str, value: Any) -> bool:
    if field == "division":
        return bool(enterprise.division_id != (value.pk if value is not None else None))
    return bool(getattr(enterprise, field) != value)


def _try_create(code: str, values: dict[str, Any]) -> Enterprise | None:
    """The new row, or None when the code was taken meanwhile (the savepoint keeps the outer
    transaction usable after the unique-constraint failure)."""
    try:
        with transaction.atomic():
            return Enterprise.objects.create(credit_code=code, **values)
    except IntegrityError:
        if Enterprise.objects.filter(credit_code=code).exists():
            return None
        raise


def update_enterprise(enterprise: Enterprise, data: dict[str, str], *, actor: Actor) -> Enterprise:
    """Set the fields present in `data`: unlike upsert, an empty value clears the field (the name
    excepted, which stays required). The credit code never changes: it is the enterprise.

    Checks casemgmt.registry_change_enterprise; audits ENTERPRISE_UPDATED when something changed.
    """
    require(actor, "casemgmt.registry_change_enterprise", enterprise)
    present = {key: str(data[key] or "") for key in _EDITABLE if key in data}
    _, values, errors = _clean(
        enterprise.credit_code,
        name=present.get("name", ""),
        contact_name=present.get("contact_name", ""),
        phone=present.get("phone", ""),
        address=present.get("address", ""),
        size_class=present.get("size_class", ""),
        industry=present.get("industry", ""),
        division_code=present.get("division_code", ""),
    )
    if "name" in present and not present["name"].strip():
        errors.append(FieldError("name", "required", "请填写企业名称。", "Enter the enterprise name."))
    if errors:
        raise InvalidInput(
            "The enterprise details are not valid.", "企业信息有误，请检查后重新提交。", fields=errors
        )
    # Present but empty: cleared.
    for key in present:
        field = "division" if key == "division_code" else key
        values.setdefault(field, None if field == "division" else "")
    with write_transaction():
        current = (
            Enterprise.objects.select_for_update(of=("self",))
            .select_related("division")
            .get(pk=enterprise.pk)
        )
        changed = [f for f in _FIELDS if f in values and _differs(current, f, values[f])]
        if changed:
            before = _snapshot(current, changed)
            for field in changed:
                setattr(current, field, values[field])
            current.save(update_fields=[*changed, "updated_at"])
            audit(
                Action.ENTERPRISE_UPDATED,
                actor,
                target_type="enterprise",
                target_id=current.credit_code,
                before=before,
                after=_snapshot(current, changed),
            )
    return current
