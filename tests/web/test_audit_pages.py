"""The audit review pages: permissions, filters, paging, event diff, case timeline, verify now."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent, ChainVerification
from audit.services import record
from audit.web.diff import ADDED, CHANGED, REMOVED, Change, diff, flatten
from tests.personas import OPERATOR_A, Cast
from workflows import instances
from workflows.models import ProcessInstance

VIEWERS = ("auditor", "admin")
REFUSED = ("reviewer", "office_a", "operator_a", "enterprise_a", "stranger")


def record_event(action: Action = Action.TASK_CREATED, **fields: Any) -> AuditEvent:
    fields.setdefault("target_type", "human_task")
    fields.setdefault("target_id", "1")
    with transaction.atomic():
        return record(action, **fields)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    # English msgids: the assertions must not depend on the Chinese translation done later.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def auditor(cast: Cast) -> Client:
    return client_for(cast.auditor)


@pytest.fixture
def events(cast: Cast) -> list[AuditEvent]:
    return [
        record_event(Action.INSTANCE_STARTED, actor=cast.office_a, actor_role="office_staff",
                     actor_org_unit="方松市场监管所", target_type="instance", target_id="5",
                     business_key="SQ-2025-001", instance_id=5, reason="受理申请"),
        record_event(Action.TASK_CLAIMED, actor=cast.office_a, target_id="11", business_key="SQ-2025-001",
                     instance_id=5),
        record_event(Action.TASK_COMPLETED, actor=cast.operator_a, target_id="12", business_key="SQ-2025-002",
                     instance_id=6, before={"status": "open"}, after={"status": "done", "decision": "通过"}),
        record_event(Action.MODEL_DEPLOYED, actor=cast.admin, target_type="process_model",
                     target_id="approval"),
    ]  # fmt: skip


def listed(response: Any) -> list[int]:
    assert response.status_code == 200
    return [int(n) for n in re.findall(r'<tr data-event-id="(\d+)"', response.content.decode())]


def shanghai(moment: Any) -> str:
    """The naive local spelling a datetime-local input submits."""
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


# --- permissions --------------------------------------------------------------------------------


@pytest.fixture
def page_urls(events: list[AuditEvent]) -> list[str]:
    return [
        reverse("audit-review"),
        reverse("audit-event", args=[events[0].id]),
        reverse("audit-case-timeline", args=["SQ-2025-001"]),
        reverse("audit-export-csv"),
        reverse("audit-export-xlsx"),
    ]


@pytest.mark.parametrize("persona", VIEWERS + REFUSED)
def test_only_auditors_and_process_admins_may_read(persona: str, cast: Cast, page_urls: list[str]) -> None:
    client = client_for(getattr(cast, persona))
    expected = 200 if persona in VIEWERS else 403
    for url in page_urls:
        assert client.get(url).status_code == expected, url
    verify = client.post(reverse("audit-verify"))
    assert verify.status_code == (302 if persona in VIEWERS else 403)


def test_anonymous_is_sent_to_login(page_urls: list[str]) -> None:
    for url in [*page_urls, reverse("audit-verify")]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_refused_user_gets_403_even_with_bad_filters(cast: Cast) -> None:
    assert client_for(cast.reviewer).get(reverse("audit-review"), {"since": "nope"}).status_code == 403


def test_pages_do_not_accept_writes(auditor: Client, events: list[AuditEvent]) -> None:
    assert auditor.post(reverse("audit-review")).status_code == 405
    assert auditor.post(reverse("audit-event", args=[events[0].id])).status_code == 405
    assert auditor.get(reverse("audit-verify")).status_code == 405


# --- the list -----------------------------------------------------------------------------------


def test_list_is_newest_first_with_count_and_labels(auditor: Client, events: list[AuditEvent]) -> None:
    response = auditor.get(reverse("audit-review"))
    assert listed(response) == [e.id for e in reversed(events)]
    html = response.content.decode()
    assert "4 events, newest first" in html
    assert "Task completed" in html  # the action's label, in the page's language
    assert 'data-ok="none"' in html  # never verified yet
    assert reverse("audit-case-timeline", args=["SQ-2025-001"]) in html
    # The same list in the default language: the Chinese labels.
    auditor.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = auditor.get(reverse("audit-review")).content.decode()
    assert "共 4 条事件" in html and "任务已完成" in html and "Task completed" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "office_a"}, [1, 0]),
        ({"action": "task.completed"}, [2]),
        ({"target_type": "instance", "target_id": "5"}, [0]),
        ({"target_id": "12"}, [2]),
        ({"case": "SQ-2025-001"}, [1, 0]),
        ({"case": "6"}, [2]),
        ({"actor": "office_a", "action": "task.claimed", "case": "5"}, [1]),
        ({"actor": "", "action": "", "case": "  "}, [3, 2, 1, 0]),
        ({"actor": "nobody"}, []),
    ],
)
def test_each_filter_and_their_combination(
    auditor: Client, events: list[AuditEvent], params: dict[str, str], expected: list[int]
) -> None:
    assert listed(auditor.get(reverse("audit-review"), params)) == [events[i].id for i in expected]


def test_time_range_in_shanghai_time(auditor: Client, events: list[AuditEvent]) -> None:
    second = events[1].occurred_at
    window = {"since": shanghai(second), "until": shanghai(second + timedelta(microseconds=1))}
    assert listed(auditor.get(reverse("audit-review"), window)) == [events[1].id]
    # What a datetime-local input sends: minutes, no offset.
    tomorrow = f"{timezone.localtime() + timedelta(days=1):%Y-%m-%dT%H:%M}"
    assert listed(auditor.get(reverse("audit-review"), {"since": tomorrow})) == []
    assert len(listed(auditor.get(reverse("audit-review"), {"until": tomorrow}))) == 4


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"action": "task.exploded"}, {"action"}),
        ({"since": "yesterday"}, {"since"}),
        ({"until": "2025-13-01T00:00"}, {"until"}),
        ({"since": "0001-01-01T00:00"}, {"since"}),
        ({"since": "2025-02-01T00:00", "until": "2025-01-01T00:00"}, {"until"}),
        # NUL bytes never reach the page: core/http/edge.py refuses them (tests/test_edge_inputs.py).
        ({"since": "nope", "action": "x"}, {"since", "action"}),
    ],
)
def test_bad_filters_show_errors_not_500(
    auditor: Client, events: list[AuditEvent], params: dict[str, str], bad: set[str]
) -> None:
    response = auditor.get(reverse("audit-review"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert set(re.findall(r'data-testid="error-(\w+)"', html)) == bad
    assert 'data-testid="audit-invalid"' in html and listed(response) == []
    assert 'data-testid="export-csv"' not in html


def test_paging_fifty_a_page_keeps_the_filters(auditor: Client, cast: Cast) -> None:
    with transaction.atomic():
        for n in range(120):
            record(Action.TASK_CREATED, actor=cast.office_a, target_type="human_task", target_id=str(n))
    record_event(Action.TASK_CLAIMED, target_id="x")
    url = reverse("audit-review")
    first = auditor.get(url, {"action": "task.created"})
    ids = listed(first)
    assert len(ids) == 50 and ids == sorted(ids, reverse=True)
    html = first.content.decode()
    assert "120 events" in html and "Page 1 of 3" in html
    assert "?action=task.created&amp;page=2" in html
    last = auditor.get(url, {"action": "task.created", "page": "3"})
    assert len(listed(last)) == 20 and "Page 3 of 3" in last.content.decode()
    assert not set(listed(last)) & set(ids)
    # Nonsense page numbers fall back to a real page rather than failing.
    assert listed(auditor.get(url, {"action": "task.created", "page": "abc"})) == ids
    assert listed(auditor.get(url, {"action": "task.created", "page": "999"})) == listed(last)


def test_queries_per_page_are_bounded(
    auditor: Client, cast: Cast, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert auditor.get(reverse("audit-review"), {"since": "2000-01-01T00:00"}).status_code == 200
        return len(queries)

    record_event(actor=cast.office_a)
    count_queries()  # warm up: per-user caches outside this page may fill on the first request
    few = count_queries()
    people = [cast.office_a, cast.office_b, cast.operator_a, cast.admin, None]
    with transaction.atomic():
        for n in range(80):
            record(
                Action.TASK_CLAIMED, actor=people[n % 5], target_type="t", target_id=str(n), instance_id=n + 1
            )
    assert count_queries() == few
    with django_assert_max_num_queries(14):
        auditor.get(reverse("audit-review"), {"actor": "office_a", "page": "2"})


# --- event detail -------------------------------------------------------------------------------


def test_event_shows_diff_hashes_request_and_address(auditor: Client, cast: Cast) -> None:
    event = record_event(
        Action.TASK_COMPLETED,
        actor=cast.operator_a,
        before={"status": "open", "form": {"qty": 1, "tags": ["a"]}, "gone": True},
        after={"status": "done", "form": {"qty": 2, "tags": ["a", "b"]}, "decision": "通过"},
        request_id="req-42",
        client_ip="10.1.2.3",
    )
    html = auditor.get(reverse("audit-event", args=[event.id])).content.decode()
    rows = dict(re.findall(r'data-path="([^"]*)" data-kind="(\w+)"', html))
    assert rows == {
        "status": "changed",
        "form.qty": "changed",
        "gone": "removed",
        "form.tags[1]": "added",
        "decision": "added",
    }
    assert "&quot;通过&quot;" in html
    assert event.hash in html and event.prev_hash in html
    assert "req-42" in html and "10.1.2.3" in html
    assert 'data-testid="content-check" data-ok="true"' in html
    assert 'data-testid="link-check" data-ok="true"' in html


def test_event_without_payload_and_missing_events(auditor: Client, events: list[AuditEvent]) -> None:
    html = auditor.get(reverse("audit-event", args=[events[3].id])).content.decode()
    assert 'data-testid="diff-empty"' in html
    assert auditor.get(reverse("audit-event", args=[events[3].id + 1])).status_code == 404
    assert auditor.get(f"/audit/events/{10**30}/").status_code == 404


# --- case timeline ------------------------------------------------------------------------------


@pytest.fixture
def started_case(cast: Cast, deploy_fixture: Callable[[str], Any]) -> ProcessInstance:
    deploy_fixture("approval")
    return instances.start_instance(
        "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key="SQ-7/2025", subject="计量"
    )


def test_case_timeline_by_business_key_and_instance_id(
    auditor: Client, started_case: ProcessInstance
) -> None:
    record_event(Action.TASK_CREATED, target_id="other", business_key="SQ-8")
    expected = list(
        AuditEvent.objects.filter(instance_id=started_case.pk).order_by("id").values_list("id", flat=True)
    )
    assert len(expected) >= 2  # started, and its first task created
    for key in ("SQ-7/2025", str(started_case.pk)):
        response = auditor.get(reverse("audit-case-timeline", args=[key]))
        assert response.status_code == 200
        html = response.content.decode()
        assert [int(n) for n in re.findall(r'<li data-event-id="(\d+)"', html)] == expected
        assert "Process instance started" in html
    assert auditor.get(reverse("audit-case-timeline", args=["NO-SUCH-CASE"])).status_code == 404
    # A NUL in the path is refused at the edge (core/http/edge.py), before the view.
    assert auditor.get("/audit/cases/%00/").status_code == 400


# --- chain verification -------------------------------------------------------------------------


def test_verify_now_shows_ok_with_its_time(auditor: Client, events: list[AuditEvent]) -> None:
    response = auditor.post(reverse("audit-verify"), {"query": "action=task.claimed&evil=1"})
    assert response.status_code == 302 and response["Location"] == "/audit/?action=task.claimed"
    run = ChainVerification.objects.get()
    html = auditor.get(response["Location"]).content.decode()
    assert 'data-testid="verification-status" data-ok="true"' in html
    assert f"Checked at {timezone.localtime(run.checked_at):%Y-%m-%d %H:%M:%S}" in html
    assert "4 events verified" in html
    assert AuditEvent.objects.count() == 4  # verifying appends no audit event


def test_verify_now_with_htmx_answers_the_panel(auditor: Client, events: list[AuditEvent]) -> None:
    response = auditor.post(reverse("audit-verify"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<section id="audit-verification"')
    assert 'data-ok="true"' in html and "<html" not in html


@pytest.mark.django_db(transaction=True)
def test_verify_now_names_the_tampered_event(cast: Cast, triggers_off: None) -> None:
    client = client_for(cast.auditor)
    written = [record_event(reason=f"step {n}") for n in range(4)]
    victim = written[2]
    client.post(reverse("audit-verify"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'nothing to see' WHERE id = %s", [victim.id])

    html = client.post(reverse("audit-verify"), follow=True).content.decode()
    assert 'data-testid="verification-status" data-ok="false"' in html
    assert f'href="{reverse("audit-event", args=[victim.id])}">#{victim.id}</a>' in html
    assert f"event {victim.id} is broken: hash mismatch" in html
    detail = client.get(reverse("audit-event", args=[victim.id])).content.decode()
    assert 'data-testid="content-check" data-ok="false"' in detail


def test_the_api_shares_the_parser_and_its_nul_guard(cast: Cast, api: Callable[[Any], Any]) -> None:
    response = api(cast.auditor).get("/api/audit-events/", {"actor": "a\x00b", "case": "\x00"})
    # Refused at the edge (core/http/edge.py), which names every parameter holding a NUL.
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["fields"]] == ["actor", "case"]


# --- diff (pure) --------------------------------------------------------------------------------


def test_flatten_makes_dotted_paths() -> None:
    value = {"a": {"b": 1, "c": [10, {"d": None}]}, "x.y": "q", "": 0, "empty": {}, "none": []}
    assert flatten(value) == {
        "a.b": 1,
        "a.c[0]": 10,
        "a.c[1].d": None,
        '["x.y"]': "q",
        '[""]': 0,
        "empty": {},
        "none": [],
    }
    assert flatten(None) == {} and flatten({}) == {} and flatten([]) == {}
    assert flatten("scalar") == {"": "scalar"}
    assert flatten({"申请": {"企业": "示例"}}) == {"申请.企业": "示例"}


def test_diff_lists_added_removed_and_changed() -> None:
    before = {"status": "open", "n": 1, "flag": True, "items": [1, 2], "old": {"k": "v"}}
    after = {"status": "done", "n": 1.0, "flag": 1, "items": [1], "new": "x"}
    assert diff(before, after) == [
        Change("status", CHANGED, "open", "done"),
        Change("n", CHANGED, 1, 1.0),
        Change("flag", CHANGED, True, 1),
        Change("items[1]", REMOVED, old=2),
        Change("old.k", REMOVED, old="v"),
        Change("new", ADDED, new="x"),
    ]


def test_diff_of_creation_deletion_and_no_change() -> None:
    assert diff(None, {"a": 1}) == [Change("a", ADDED, new=1)]
    assert diff({"a": 1}, None) == [Change("a", REMOVED, old=1)]
    assert diff({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]}) == []
    assert diff(None, None) == []
    assert diff(3, 4) == [Change("", CHANGED, 3, 4)]
    change = Change("a", CHANGED, "1", 1)
    assert (change.old_text, change.new_text) == ('"1"', "1")
    assert Change("a", ADDED, new="中").old_text == "" and Change("a", ADDED, new="中").new_text == '"中"'
