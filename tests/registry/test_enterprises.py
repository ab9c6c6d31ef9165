"""upsert_enterprise: one row per credit code, every bad field reported, nothing changed on error."""

from __future__ import annotations

import pytest

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.models import Enterprise, OrgUnit
from casemgmt.registry.enterprises import find_enterprise, upsert_enterprise
from casemgmt.registry.validators import uscc_check_character
from core.errors import InvalidInput
from core.service import write_transaction
from tests.factories import make_org_unit, make_user, valid_uscc

pytestmark = pytest.mark.django_db


def _code(base: str) -> str:
    return base + uscc_check_character(base)


# Letter-prefixed registration authorities (A: organisation registries, N: trade unions, Y: others)
# and letters inside: all valid under GB 32100 although some libraries reject them.
LETTER_CODES = [_code("A1310117MA1J3ABCD"), _code("N2310000LX0000001"), _code("91310117MA1FL8XX3")]


def test_creates_then_updates_only_given_fields() -> None:
    actor = make_user(username="clerk")
    division = make_org_unit(code="div-zs", name="中山街道", kind=OrgUnit.Kind.DIVISION)
    code = valid_uscc(7)
    created = upsert_enterprise(
        code.lower(), name=" 上海甲有限公司 ", actor=actor, phone="13800138000", size_class="small",
        division_code="div-zs",
    )  # fmt: skip
    assert created.credit_code == code and created.name == "上海甲有限公司"
    assert created.phone == "+8613800138000" and created.division == division
    updated = upsert_enterprise(code, name="", actor=actor, industry="制造业")
    assert updated.pk == created.pk
    assert (updated.name, updated.phone, updated.industry) == ("上海甲有限公司", "+8613800138000", "制造业")
    events = list(AuditEvent.objects.filter(target_id=code).values_list("action", flat=True))
    assert events == [Action.ENTERPRISE_REGISTERED.value, Action.ENTERPRISE_UPDATED.value]
    # The same values again change nothing and record nothing.
    upsert_enterprise(code, name="上海甲有限公司", actor=actor, industry="制造业")
    assert AuditEvent.objects.filter(target_id=code).count() == 2


@pytest.mark.parametrize("code", LETTER_CODES)
def test_letter_prefixed_codes_are_accepted(code: str) -> None:
    enterprise = upsert_enterprise(code, name="字母开头代码单位", actor=None)
    assert find_enterprise(code.lower()) == enterprise


def test_every_bad_field_reported_and_nothing_written() -> None:
    with pytest.raises(InvalidInput) as error:
        upsert_enterprise(
            "91310117000000000X", name="x" * 201, actor=None, phone="12345", size_class="huge",
            division_code="nowhere",
        )  # fmt: skip
    fields = {f.field: f for f in error.value.fields}
    assert set(fields) == {"credit_code", "name", "phone", "size_class", "division_code"}
    assert fields["credit_code"].code == "uscc_checksum"
    assert all(f.message_zh and f.message_en and f.message_zh != f.message_en for f in fields.values())
    assert not Enterprise.objects.exists() and not AuditEvent.objects.exists()


def test_new_enterprise_needs_a_name() -> None:
    with pytest.raises(InvalidInput) as error:
        upsert_enterprise(valid_uscc(8), name="  ", actor=None)
    assert [f.field for f in error.value.fields] == ["name"]
    assert not Enterprise.objects.exists()


def test_bad_update_leaves_the_row_alone() -> None:
    code = valid_uscc(9)
    upsert_enterprise(code, name="原名", actor=None, phone="021-57812345")
    with pytest.raises(InvalidInput):
        upsert_enterprise(code, name="新名", actor=None, phone="999")
    assert Enterprise.objects.get(credit_code=code).name == "原名"


def test_works_inside_an_enclosing_transaction() -> None:
    code = valid_uscc(10)
    with write_transaction():
        first = upsert_enterprise(code, name="甲", actor=None)
        second = upsert_enterprise(code, name="乙", actor=None)
    assert first.pk == second.pk and Enterprise.objects.get().name == "乙"


def test_find_enterprise_tolerates_garbage() -> None:
    assert find_enterprise("not a code") is None
    assert find_enterprise(valid_uscc(11)) is None
