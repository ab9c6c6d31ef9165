"""Service stations (服务站) and their staff: the writes, each validated, permission-checked and audited.

Every function takes the acting user, checks casemgmt.registry_change on the station's project
(its operating organization, the coordinating office's staff, process admins), validates all
fields at once (InvalidInput with one FieldError per bad field, nothing written) and records
REGISTRY_CHANGED with the fields before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from audit.actions import Action
from casemgmt.models import ServiceProject, ServiceStation, StaffPost, StationStaff
from casemgmt.registry import catalogue
from casemgmt.registry.validators import validate_cn_phone
from core.errors import FieldError, InvalidInput
from core.service import Actor, audit, require, write_transaction

CHANGE = "casemgmt.registry_change"
VIEW_STAFF_CONTACTS = "casemgmt.registry_view_staff_contacts"

STATION_FIELDS = (
    "name",
    "address",
    "service_window",
    "opening_hours",
    "complaint_phone",
    "online_channel",
    "published_items",
    "active",
)
STAFF_FIELDS = ("name", "post", "phone", "email", "has_management_experience", "is_public_contact")


def sees_private_contacts(user: Any) -> bool:
    """May the user see station staff who are not public contacts? Staff roles may; anyone else
    (enterprise users, no user at all) sees what the public directory shows: public contacts only.
    The one test the project page, the registry API and the public directory share."""
    return user is not None and bool(user.has_perm(VIEW_STAFF_CONTACTS))


def listed_staff(user: Any, staff: Iterable[StationStaff]) -> list[StationStaff]:
    """The members of `staff` the user may see (see sees_private_contacts)."""
    private = sees_private_contacts(user)
    return [member for member in staff if private or member.is_public_contact]


# (max length, Chinese label) of the text fields; required ones are listed separately.
_TEXTS: dict[str, tuple[int, str]] = {
    "name": (200, "名称"),
    "address": (300, "地址"),
    "service_window": (200, "服务窗口"),
    "opening_hours": (200, "开放时间"),
}
_STAFF_NAME = (100, "姓名")


def _text(errors: list[FieldError], field: str, value: Any, limit: int, label: str, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.append(FieldError(field, "required", f"请填写{label}。", "This field is required."))
    elif len(text) > limit:
        errors.append(
            FieldError(field, "too_long", f"{label}不能超过 {limit} 个字符。", f"At most {limit} characters.")
        )
    return text


def _phone(errors: list[FieldError], field: str, value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        return validate_cn_phone(text)
    except ValidationError as error:
        errors.append(FieldError.from_validation(field, error, "invalid_phone"))
        return text


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def _items(errors: list[FieldError], value: Any) -> list[str]:
    """Catalogue keys, de-duplicated and in catalogue order; unknown keys are an error."""
    if isinstance(value, str):
        value = [part for part in value.replace("，", ",").split(",") if part.strip()]
    keys = [str(key).strip() for key in (value or [])]
    known = {item.key for item in catalogue.all_items()}
    unknown = [key for key in keys if key not in known]
    if unknown:
        shown = "、".join(unknown[:5])
        errors.append(
            FieldError(
                "published_items",
                "unknown_item",
                f"服务事项须从服务目录中选择，以下编号不存在：{shown}。",
                f"Service items must come from the catalogue; unknown: {', '.join(unknown[:5])}.",
                extra={"unknown": unknown},
            )
        )
    chosen = set(keys)
    return [item.key for item in catalogue.all_items() if item.key in chosen]


def clean_station(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The station fields in `data`, cleaned; with partial=True only those present. InvalidInput
    lists every bad field."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for field, (limit, label) in _TEXTS.items():
        if not partial or field in data:
            required = field in ("name", "address")
            values[field] = _text(errors, field, data.get(field), limit, label, required)
    if not partial or "complaint_phone" in data:
        values["complaint_phone"] = _phone(errors, "complaint_phone", data.get("complaint_phone"))
    if not partial or "online_channel" in data:
        url = str(data.get("online_channel") or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                errors.append(
                    FieldError(
                        "online_channel",
                        "invalid_url",
                        "请输入以 http:// 或 https:// 开头的有效网址。",
                        "Enter a valid web address starting with http:// or https://.",
                    )
                )
        values["online_channel"] = url
    if not partial or "published_items" in data:
        values["published_items"] = _items(errors, data.get("published_items"))
    if not partial or "active" in data:
        values["active"] = _flag(data.get("active", True))
    if errors:
        raise InvalidInput(
            "The station details are not valid.", "服务站信息有误，请检查后重新提交。", fields=errors
        )
    return values


def clean_staff(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    if not partial or "name" in data:
        values["name"] = _text(errors, "name", data.get("name"), *_STAFF_NAME, required=True)
    if not partial or "post" in data:
        post = str(data.get("post") or "").strip()
        if post not in StaffPost.values:
            errors.append(
                FieldError(
                    "post",
                    "invalid_choice",
                    "请选择岗位：专职质量专员、兼职质量专员、负责人或其他人员。",
                    "Choose a post: full-time specialist, part-time specialist, manager or other staff.",
                )
            )
        values["post"] = post
    if not partial or "phone" in data:
        values["phone"] = _phone(errors, "phone", data.get("phone"))
    if not partial or "email" in data:
        email = str(data.get("email") or "").strip()
        if email:
            try:
                EmailValidator()(email)
            except ValidationError:
                errors.append(
                    FieldError(
                        "email", "invalid_email", "请输入有效的电子邮箱。", "Enter a valid email address."
                    )
                )
        values["email"] = email
    for flag in ("has_management_experience", "is_public_contact"):
        if not partial or flag in data:
            values[flag] = _flag(data.get(flag, False))
    if values.get("is_public_contact") and "phone" in values and not values["phone"]:
        errors.append(
            FieldError(
                "phone",
                "required_for_public_contact",
                "公开联系人须填写联系电话。",
                "A public contact needs a phone number.",
            )
        )
    if errors:
        raise InvalidInput(
            "The staff details are not valid.", "人员信息有误，请检查后重新提交。", fields=errors
        )
    return values


def _snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def create_station(project: ServiceProject, data: Mapping[str, Any], *, actor: Actor) -> ServiceStation:
    require(actor, CHANGE, project)
    values = clean_station(data)
    with write_transaction():
        station = ServiceStation.objects.create(project=project, **values)
        audit(
            Action.REGISTRY_CHANGED, actor, target_type="service_station", target_id=station.pk,
            after={"project": project.code, **values}, reason="station created",
        )  # fmt: skip
    return station


def _locked_station(station: ServiceStation) -> ServiceStation:
    return (
        ServiceStation.objects.select_for_update(of=("self",))
        .select_related("project__operator")
        .get(pk=station.pk)
    )


def update_station(station: ServiceStation, data: Mapping[str, Any], *, actor: Actor) -> ServiceStation:
    """Change the fields present in `data` (all station fields are optional here)."""
    require(actor, CHANGE, station)
    values = clean_station(data, partial=True)
    with write_transaction():
        current = _locked_station(station)
        changed = [field for field, value in values.items() if getattr(current, field) != value]
        if changed:
            before = _snapshot(current, changed)
            for field in changed:
                setattr(current, field, values[field])
            current.save(update_fields=[*changed, "updated_at"])
            audit(
                Action.REGISTRY_CHANGED, actor, target_type="service_station", target_id=current.pk,
                before=before, after=_snapshot(current, changed), reason="station updated",
            )  # fmt: skip
    return current


def add_staff(station: ServiceStation, data: Mapping[str, Any], *, actor: Actor) -> StationStaff:
    require(actor, CHANGE, station)
    values = clean_staff(data)
    with write_transaction():
        _locked_station(station)  # staff changes of one station queue behind each other
        member = StationStaff.objects.create(station=station, **values)
        audit(
            Action.REGISTRY_CHANGED, actor, target_type="station_staff", target_id=member.pk,
            after={"station": station.pk, **values}, reason="staff added",
        )  # fmt: skip
    return member


def update_staff(member: StationStaff, data: Mapping[str, Any], *, actor: Actor) -> StationStaff:
    require(actor, CHANGE, member)
    values = clean_staff(data, partial=True)
    with write_transaction():
        _locked_station(member.station)
        current = StationStaff.objects.get(pk=member.pk)
        merged_public = values.get("is_public_contact", current.is_public_contact)
        if merged_public and not values.get("phone", current.phone):
            raise InvalidInput(
                "The staff details are not valid.",
                "人员信息有误，请检查后重新提交。",
                fields=[
                    FieldError(
                        "phone",
                        "required_for_public_contact",
                        "公开联系人须填写联系电话。",
                        "A public contact needs a phone number.",
                    )
                ],
            )
        changed = [field for field, value in values.items() if getattr(current, field) != value]
        if changed:
            before = _snapshot(current, changed)
            for field in changed:
                setattr(current, field, values[field])
            current.save(update_fields=changed)
            audit(
                Action.REGISTRY_CHANGED, actor, target_type="station_staff", target_id=current.pk,
                before=before, after=_snapshot(current, changed), reason="staff updated",
            )  # fmt: skip
    return current


def remove_staff(member: StationStaff, *, actor: Actor) -> None:
    require(actor, CHANGE, member)
    with write_transaction():
        _locked_station(member.station)
        current = StationStaff.objects.filter(pk=member.pk).first()
        if current is None:
            return  # already removed: removing twice is not an error
        before = {"station": current.station_id, **_snapshot(current, STAFF_FIELDS)}
        pk = current.pk
        current.delete()
        audit(
            Action.REGISTRY_CHANGED, actor, target_type="station_staff", target_id=pk, before=before,
            reason="staff removed",
        )  # fmt: skip
