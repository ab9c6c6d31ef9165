"""The access log's search page: who may open it, its filters, and paging without a COUNT."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.access import record_access
from audit.web import access_pages
from tests.personas import Cast

pytestmark = pytest.mark.django_db
URL = "audit-access"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def shown_ids(client: Client, **params: str) -> list[int]:
    response = client.get(reverse(URL), params)
    assert response.status_code == 200, response.content[:300]
    body = response.content.decode()
    return [int(chunk.split('"', 1)[0]) for chunk in body.split('data-record-id="')[1:]]


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_auditors_and_process_admins_may_search(cast: Cast, who: str) -> None:
    record_access(cast.office_a, "view", "case", 7)
    response = client_for(getattr(cast, who)).get(reverse(URL))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="access-row"' in body and "office_a" in body and "Service case" in body


@pytest.mark.parametrize("who", ["reviewer", "office_a", "operator_a", "enterprise_a", "stranger"])
def test_everyone_else_is_refused(cast: Cast, who: str) -> None:
    assert client_for(getattr(cast, who)).get(reverse(URL), {"kind": "view"}).status_code == 403
    assert Client().get(reverse(URL)).status_code == 302


def test_the_review_page_and_the_auditors_home_link_to_it(cast: Cast) -> None:
    auditor = client_for(cast.auditor)
    link = f'href="{reverse(URL)}"'
    assert link in auditor.get(reverse("audit-review")).content.decode()
    assert link in auditor.get(reverse("home")).content.decode()
    assert link not in client_for(cast.office_a).get(reverse("home")).content.decode()


def test_filters_by_who_kind_subject_and_id(cast: Cast) -> None:
    view = record_access(cast.office_a, "view", "case", 7)
    read = record_access(cast.operator_a, "api_read", "enterprise", 3)
    reveal = record_access(cast.office_a, "reveal", "enterprise", 3, reason="回访核实", detail="phone")
    anonymous = record_access(None, "export", "audit_export")
    auditor = client_for(cast.auditor)
    assert shown_ids(auditor) == [anonymous.pk, reveal.pk, read.pk, view.pk]
    assert shown_ids(auditor, actor="office_a") == [reveal.pk, view.pk]
    assert shown_ids(auditor, kind="reveal") == [reveal.pk]
    assert shown_ids(auditor, subject="enterprise") == [reveal.pk, read.pk]
    assert shown_ids(auditor, subject="enterprise", subject_id="3", actor="operator_a") == [read.pk]
    assert shown_ids(auditor, actor="nobody") == []
    body = auditor.get(reverse(URL), {"kind": "reveal"}).content.decode()
    assert "回访核实" in body and "phone" in body and "Revealed a masked value" in body


def test_a_renamed_user_is_found_under_the_new_name_too(cast: Cast) -> None:
    old = record_access(cast.office_a, "view", "case", 7)
    User.objects.filter(pk=cast.office_a.pk).update(username="office_a_renamed")
    assert shown_ids(client_for(cast.auditor), actor="office_a_renamed") == [old.pk]
    assert shown_ids(client_for(cast.auditor), actor="office_a") == [old.pk]


def test_filters_by_date_range(cast: Cast) -> None:
    record = record_access(cast.office_a, "view", "case", 7)
    auditor = client_for(cast.auditor)
    local = timezone.localtime(record.occurred_at)
    before = (local - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    after = (local + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert shown_ids(auditor, since=before, until=after) == [record.pk]
    assert shown_ids(auditor, since=after) == []
    assert shown_ids(auditor, until=before) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "peek"}, "kind"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2025-02-01T00:00", "until": "2025-01-01T00:00"}, "until"),
        ({"subject_id": "9" * 200}, "subject_id"),
    ],
)
def test_bad_filters_are_shown_beside_the_field_and_list_nothing(
    cast: Cast, params: dict[str, str], field: str
) -> None:
    record_access(cast.office_a, "view", "case", 7)
    response = client_for(cast.auditor).get(reverse(URL), params)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-testid="error-{field}"' in body
    assert 'data-testid="access-invalid"' in body and 'data-testid="access-row"' not in body


def test_pages_go_back_in_time_without_counting_the_table(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access_pages, "PAGE_SIZE", 2)
    made = [record_access(cast.office_a, "view", "case", n) for n in range(5)]
    newest_first = [record.pk for record in reversed(made)]
    auditor = client_for(cast.auditor)
    with CaptureQueriesContext(connection) as queries:
        first = auditor.get(reverse(URL), {"actor": "office_a"})
    reads = [q["sql"].upper() for q in queries if "AUDIT_ACCESSRECORD" in q["sql"].upper()]
    assert reads and not [sql for sql in reads if "COUNT(" in sql]
    body = first.content.decode()
    assert 'data-testid="access-older"' in body
    assert shown_ids(auditor, actor="office_a") == newest_first[:2]
    assert shown_ids(auditor, actor="office_a", before=str(newest_first[1])) == newest_first[2:4]
    last = auditor.get(reverse(URL), {"actor": "office_a", "before": str(newest_first[3])}).content.decode()
    assert 'data-testid="access-older"' not in last and "Newest" in last
    assert shown_ids(auditor, actor="office_a", before=str(newest_first[3])) == newest_first[4:]
    # A cursor that is no record id starts from the newest again, never an error.
    for cursor in ("x", "0", "99999999999999999999", str(newest_first[0] + 1000)):
        assert shown_ids(auditor, actor="office_a", before=cursor) == newest_first[:2]
