"""Contact names and phones sealed in the database (core/crypto/fields.py, migration casemgmt
0010): what the database holds is sealed, what the code reads is plain, a query the database
cannot answer on a sealed column fails loudly, and a key rotation re-seals every row while old
rows keep opening until it has."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model
from django.test import override_settings

from casemgmt.models import Enterprise, ServiceCase
from core.crypto import keys, rotation
from core.crypto.ciphers import is_sealed, key_id_of
from tests.factories import make_case, make_enterprise

OLD = keys.new_key("k2025")
NEW = keys.new_key("k2026")


def stored(model: type[Model], pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_database_holds_sealed_values_and_the_code_reads_plain_ones() -> None:
    case = make_case(contact_name="王小明", contact_phone="13912345678")
    raw = stored(ServiceCase, case.pk, "contact_phone")
    assert is_sealed(raw) and "1391" not in raw and "王" not in stored(ServiceCase, case.pk, "contact_name")
    fresh = ServiceCase.objects.get(pk=case.pk)
    assert (fresh.contact_name, fresh.contact_phone) == ("王小明", "13912345678")
    assert (
        ServiceCase.objects.filter(pk=case.pk).values_list("contact_phone", flat=True).get() == "13912345678"
    )
    # A sealed value copied into another row's column of another meaning does not open there.
    enterprise = make_enterprise(phone="13800000000")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casemgmt_enterprise SET contact_name = %s WHERE id = %s", [raw, enterprise.pk])
    with pytest.raises(ValueError, match="does not open"):
        Enterprise.objects.get(pk=enterprise.pk)


@pytest.mark.django_db
def test_a_query_the_database_cannot_answer_fails_instead_of_finding_nothing() -> None:
    make_case(contact_phone="13912345678")
    for query in ({"contact_phone": "13912345678"}, {"contact_phone__startswith": "139"}):
        with pytest.raises(FieldError, match="encrypted"):
            list(ServiceCase.objects.filter(**query))
    assert ServiceCase.objects.filter(contact_phone="").count() == 0  # "none given" is answerable
    assert Enterprise.objects.filter(phone__isnull=True).count() == 0


@pytest.mark.django_db
def test_a_rotation_re_seals_every_row_and_old_rows_open_until_then() -> None:
    with override_settings(NQI_DATA_KEYS=OLD):
        case = make_case(contact_name="李四", contact_phone="13800138000")
    assert key_id_of(stored(ServiceCase, case.pk, "contact_phone")) == "k2025"
    with override_settings(NQI_DATA_KEYS=f"{NEW},{OLD}"):
        assert ServiceCase.objects.get(pk=case.pk).contact_phone == "13800138000"  # the old key opens
        out = StringIO()
        call_command("rotate_data_keys", stdout=out)
        assert "casemgmt.ServiceCase: 1 rows re-sealed" in out.getvalue()
        assert rotation.key_counts()["casemgmt.ServiceCase"] == {"k2026": 2}
        assert "k2025" not in out.getvalue().split("re-sealed")[-1]
    with override_settings(NQI_DATA_KEYS=NEW):  # the old key may go now
        fresh = ServiceCase.objects.get(pk=case.pk)
        assert (fresh.contact_name, fresh.contact_phone) == ("李四", "13800138000")
        out = StringIO()
        call_command("rotate_data_keys", "--check", stdout=out)
        assert "re-sealed" not in out.getvalue() and "k2026: 2" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_existing_rows_and_backwards_opens_them_again() -> None:
    before, after = (
        [("casemgmt", "0009_consent_and_correction_requests")],
        [("casemgmt", "0010_personal_data_sealed")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        enterprise = old.get_model("casemgmt", "Enterprise").objects.create(
            credit_code="91310117MA1FL1234X",
            name="上海旧数据有限公司",
            contact_name="赵六",
            phone="13700000000",
        )
        assert stored(Enterprise, enterprise.pk, "phone") == "13700000000"
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        assert is_sealed(stored(Enterprise, enterprise.pk, "phone"))
        assert Enterprise.objects.get(pk=enterprise.pk).contact_name == "赵六"
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        assert stored(Enterprise, enterprise.pk, "phone") == "13700000000"
        assert stored(Enterprise, enterprise.pk, "contact_name") == "赵六"
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
