"""The access log (PIPL, issue 19 item 4): who read which personal data, one record per read.

Pages and API reads record after every permission check, so a refused read (404, 403) records
nothing; the table refuses UPDATE, DELETE and TRUNCATE like the audit table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from audit import context
from audit.access import describe_query, record_access
from audit.models import AccessRecord
from casemgmt.models import Enterprise, OrgUnit, ServiceCase
from tests.factories import make_case, make_project
from tests.personas import AREA_A, ENTERPRISE_A, OPERATOR_A, Cast

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def case(cast: Cast) -> ServiceCase:
    """A case of area A (operator_a's project, office_a's office), its enterprise in area A."""
    project = make_project(
        coordinating_office=OrgUnit.objects.get(code=AREA_A), operator=OrgUnit.objects.get(code=OPERATOR_A)
    )
    found = make_case(project=project)
    Enterprise.objects.filter(pk=found.enterprise_id).update(org_unit=OrgUnit.objects.get(code=ENTERPRISE_A))
    found.refresh_from_db()
    return found


def only_record() -> AccessRecord:
    records = list(AccessRecord.objects.all())
    assert len(records) == 1, [str(r) for r in records]
    return records[0]


def test_record_access_keeps_who_what_why_and_the_request(cast: Cast) -> None:
    with context.bound(request_id="req-19", client_ip="10.1.2.3"):
        made = record_access(cast.office_a, "reveal", "enterprise", 42, reason="电话回访需要", detail="phone")
    stored = AccessRecord.objects.get(pk=made.pk)
    assert (stored.actor_id, stored.actor_name, stored.actor_roles) == (
        cast.office_a.pk,
        "office_a",
        "office_staff",
    )
    assert (stored.kind, stored.subject, stored.subject_id) == ("reveal", "enterprise", "42")
    assert (stored.reason, stored.detail) == ("电话回访需要", "phone")
    assert (stored.request_id, stored.client_ip) == ("req-19", "10.1.2.3")
    assert stored.occurred_at is not None


def test_record_access_for_the_public_and_with_hostile_text() -> None:
    made = record_access(AnonymousUser(), "view", "case", None, detail="q=\x00x" + "y" * 5000)
    assert (made.actor_id, made.actor_name, made.actor_roles, made.subject_id) == (None, "", "", "")
    assert "\x00" not in made.detail and len(made.detail) == 2000
    assert record_access(None, "export", "audit_export").actor_id is None
    with pytest.raises(ValueError):
        record_access(None, "peek", "case", 1)
    with pytest.raises(ValueError):
        record_access(None, "view", "", 1)
    assert AccessRecord.objects.count() == 2


def test_the_query_string_keeps_names_but_hides_values_that_could_be_personal() -> None:
    assert describe_query({"q": "王小明", "limit": "5", "phone": "139"}, ["limit"]) == "limit=5&phone=…&q=…"


def test_a_case_page_view_records_exactly_one(cast: Cast, case: ServiceCase) -> None:
    response = client_for(cast.office_a).get(reverse("cases-detail", args=[case.pk]))
    assert response.status_code == 200
    record = only_record()
    assert (record.actor_name, record.kind, record.subject, record.subject_id) == (
        "office_a",
        "view",
        "case",
        str(case.pk),
    )
    # The request id the response carries, so the record leads to the request's logs.
    assert record.request_id and record.request_id == response["X-Request-ID"]
    assert record.client_ip == "127.0.0.1"


@pytest.mark.parametrize("who", ["office_b", "operator_b", "stranger"])
def test_a_refused_case_page_records_nothing(cast: Cast, case: ServiceCase, who: str) -> None:
    response = client_for(getattr(cast, who)).get(reverse("cases-detail", args=[case.pk]))
    assert response.status_code in (403, 404)
    assert not AccessRecord.objects.exists()


def test_an_anonymous_visit_records_nothing(case: ServiceCase) -> None:
    assert Client().get(reverse("cases-detail", args=[case.pk])).status_code == 302
    assert not AccessRecord.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "subject", "key"),
    [
        ("archive-enterprise", "archive", "pk"),
        ("registry-enterprise", "enterprise", "credit_code"),
        ("archive-sheet-enterprise", "enterprise_sheet", "pk"),
        ("cases-receipt", "case_receipt", "case"),
    ],
)
def test_each_personal_data_page_records_one_view(
    cast: Cast, case: ServiceCase, url_name: str, subject: str, key: str
) -> None:
    enterprise = case.enterprise
    argument = {"pk": enterprise.pk, "credit_code": enterprise.credit_code, "case": case.pk}[key]
    url = reverse(url_name, args=[argument])
    assert client_for(cast.office_a).get(url).status_code == 200
    record = only_record()
    expected_id = case.pk if key == "case" else enterprise.pk
    assert (record.kind, record.subject, record.subject_id) == ("view", subject, str(expected_id))
    # Another area's staff are refused the same pages and leave no record.
    assert client_for(cast.office_b).get(url).status_code == 404
    assert AccessRecord.objects.count() == 1


def test_a_sheet_with_a_bad_period_shows_nothing_and_records_nothing(cast: Cast, case: ServiceCase) -> None:
    url = reverse("archive-sheet-enterprise", args=[case.enterprise_id])
    assert client_for(cast.office_a).get(url, {"from": "nope"}).status_code == 400
    assert not AccessRecord.objects.exists()


def test_api_reads_of_a_case_and_an_enterprise_record_one_each(
    cast: Cast, case: ServiceCase, api: Callable[[Any], Any]
) -> None:
    assert api(cast.operator_a).get(reverse("cases-api-detail", kwargs={"pk": case.pk})).status_code == 200
    read = only_record()
    assert (read.actor_name, read.kind, read.subject, read.subject_id) == (
        "operator_a",
        "api_read",
        "case",
        str(case.pk),
    )
    enterprise_url = reverse("registry-api-enterprise", kwargs={"credit_code": case.enterprise.credit_code})
    assert api(cast.office_a).get(enterprise_url).status_code == 200
    assert AccessRecord.objects.filter(subject="enterprise", subject_id=str(case.enterprise_id)).count() == 1
    archive_url = reverse("archive-api-enterprise", kwargs={"pk": case.enterprise_id})
    assert api(cast.office_a).get(archive_url).status_code == 200
    assert AccessRecord.objects.filter(kind="api_read", subject="archive").count() == 1
    # Refused reads: none.
    assert api(cast.operator_b).get(reverse("cases-api-detail", kwargs={"pk": case.pk})).status_code == 404
    assert api(cast.office_b).get(enterprise_url).status_code == 404
    assert AccessRecord.objects.count() == 3


def test_an_api_list_records_one_read_without_the_search_text(
    cast: Cast, case: ServiceCase, api: Callable[[Any], Any]
) -> None:
    response = api(cast.office_a).get(reverse("registry-api-enterprises"), {"q": "张三", "limit": "5"})
    assert response.status_code == 200
    read = only_record()
    assert (read.kind, read.subject, read.detail) == ("api_read", "enterprise_list", "limit=5&q=…")
    cases = api(cast.office_a).get(reverse("cases-api-list"), {"stage": "open", "q": "13800138000"})
    assert cases.status_code == 200
    listed = AccessRecord.objects.get(subject="case_list")
    assert listed.detail == "q=…&stage=open"
    # A refused list (no permission) records nothing.
    assert api(cast.enterprise_a).get(reverse("registry-api-enterprises")).status_code == 403
    assert AccessRecord.objects.count() == 2


def test_deleting_a_user_keeps_their_access_records(cast: Cast) -> None:
    record_access(cast.stranger, "view", "case", 1)
    cast.stranger.delete()
    kept = only_record()
    assert kept.actor_name == "stranger"


def _refused(sql: str, params: list[Any] | None = None) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_database_refuses_update_and_delete() -> None:
    made = record_access(None, "view", "case", 1, reason="original")
    _refused("UPDATE audit_accessrecord SET reason = 'forged' WHERE id = %s", [made.pk])
    _refused("DELETE FROM audit_accessrecord WHERE id = %s", [made.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessRecord.objects.filter(pk=made.pk).delete()
    assert AccessRecord.objects.get(pk=made.pk).reason == "original"


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_truncate_unless_the_test_database_opts_in() -> None:
    record_access(None, "view", "case", 1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL nqi_audit.allow_truncate = 'off'")
        cursor.execute("TRUNCATE audit_accessrecord")
    assert AccessRecord.objects.count() == 1
