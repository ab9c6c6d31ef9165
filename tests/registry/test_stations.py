"""Station and staff services: who may edit, validation of every field, audit, nothing changed on refusal."""

from __future__ import annotations

import pytest

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.models import ServiceStation, StationStaff
from casemgmt.registry import stations
from core.errors import InvalidInput, PermissionDenied
from tests.personas import Cast
from tests.registry import world

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "新站",
    "address": "松江区某路1号",
    "complaint_phone": "021 5781 2345",
    "published_items": ["ip.1", "metrology.1", "ip.1"],
}


def registry_events() -> int:
    return AuditEvent.objects.filter(action=Action.REGISTRY_CHANGED.value).count()


def test_operator_creates_station_normalised_and_audited(cast: Cast) -> None:
    station = stations.create_station(world.project_a(), GOOD, actor=cast.operator_a)
    assert station.complaint_phone == "+862157812345"
    assert station.published_items == ["metrology.1", "ip.1"]  # catalogue order, no duplicates
    event = AuditEvent.objects.get(action=Action.REGISTRY_CHANGED.value, target_id=str(station.pk))
    assert event.actor_username == "operator_a"
    assert event.after is not None and event.after["project"] == "reg-project-a"


@pytest.mark.parametrize("persona", ["office_a", "admin"])
def test_coordinating_office_and_admin_may_edit(cast: Cast, persona: str) -> None:
    station = world.station_a()
    updated = stations.update_station(station, {"opening_hours": "周一至周六"}, actor=getattr(cast, persona))
    assert updated.opening_hours == "周一至周六"


@pytest.mark.parametrize(
    "persona", ["office_b", "operator_b", "reviewer", "auditor", "enterprise_a", "stranger"]
)
def test_others_may_not_edit(cast: Cast, persona: str) -> None:
    station = world.station_a()
    before = registry_events()
    with pytest.raises(PermissionDenied):
        stations.update_station(station, {"opening_hours": "x"}, actor=getattr(cast, persona))
    with pytest.raises(PermissionDenied):
        stations.add_staff(station, {"name": "x", "post": "other"}, actor=getattr(cast, persona))
    with pytest.raises(PermissionDenied):
        stations.remove_staff(world.private_staff(), actor=getattr(cast, persona))
    assert registry_events() == before and station.staff.count() == 2


def test_every_bad_station_field_reported_and_nothing_written(cast: Cast) -> None:
    bad = {
        "name": " ",
        "address": "a" * 301,
        "complaint_phone": "110",
        "online_channel": "ftp://x",
        "published_items": ["metrology.99", "nope"],
    }
    with pytest.raises(InvalidInput) as error:
        stations.create_station(world.project_a(), bad, actor=cast.operator_a)
    fields = {f.field: f for f in error.value.fields}
    assert set(fields) == {"name", "address", "complaint_phone", "online_channel", "published_items"}
    assert fields["published_items"].extra["unknown"] == ["metrology.99", "nope"]
    assert all(f.message_zh != f.message_en for f in fields.values())
    assert not ServiceStation.objects.exists() and registry_events() == 0


def test_partial_update_changes_only_given_fields_and_skips_no_ops(cast: Cast) -> None:
    station = world.station_a()
    stations.update_station(station, {"service_window": ""}, actor=cast.operator_a)
    station.refresh_from_db()
    assert station.service_window == "" and station.address == "上海市松江区方松路1号"
    count = registry_events()
    stations.update_station(station, {"service_window": ""}, actor=cast.operator_a)
    assert registry_events() == count  # nothing changed, nothing recorded
    with pytest.raises(InvalidInput):
        stations.update_station(station, {"address": "", "opening_hours": "新"}, actor=cast.operator_a)
    station.refresh_from_db()
    assert station.opening_hours == "工作日 9:00–17:00"


def test_staff_lifecycle(cast: Cast) -> None:
    station = world.station_a()
    member = stations.add_staff(
        station,
        {"name": "王五", "post": "other", "phone": "13800138000", "is_public_contact": "on"},
        actor=cast.office_a,
    )
    assert member.phone == "+8613800138000" and member.is_public_contact
    stations.update_staff(member, {"post": "manager", "has_management_experience": True}, actor=cast.office_a)
    member.refresh_from_db()
    assert member.post == "manager" and member.has_management_experience
    stations.remove_staff(member, actor=cast.office_a)
    stations.remove_staff(member, actor=cast.office_a)  # twice is harmless
    assert not StationStaff.objects.filter(pk=member.pk).exists()
    reasons = list(
        AuditEvent.objects.filter(target_type="station_staff", target_id=str(member.pk)).values_list(
            "reason", flat=True
        )
    )
    assert reasons == ["staff added", "staff updated", "staff removed"]


def test_bad_staff_input(cast: Cast) -> None:
    station = world.station_a()
    with pytest.raises(InvalidInput) as error:
        stations.add_staff(
            station, {"name": "", "post": "boss", "phone": "1", "email": "no"}, actor=cast.operator_a
        )
    assert {f.field for f in error.value.fields} == {"name", "post", "phone", "email"}
    with pytest.raises(InvalidInput) as error:
        stations.add_staff(
            station, {"name": "甲", "post": "other", "is_public_contact": True}, actor=cast.operator_a
        )
    assert [f.code for f in error.value.fields] == ["required_for_public_contact"]
    # Clearing the phone of a public contact is refused as well.
    public = station.staff.get(is_public_contact=True)
    with pytest.raises(InvalidInput):
        stations.update_staff(public, {"phone": ""}, actor=cast.operator_a)
    public.refresh_from_db()
    assert public.phone == world.PUBLIC_PHONE and station.staff.count() == 2
