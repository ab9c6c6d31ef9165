"""Claim, release and reassign from the inbox: in place with htmx, by plain form post without
JavaScript, and every refusal (taken, not the assignee, other area, not allowed, bad input)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from tests.personas import OPERATOR_A, Cast
from tests.web.inbox_support import advance, client_for, page, post, start, tab_counts
from workflows import human_tasks
from workflows.models import HumanTask, ProcessModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_task(cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]) -> HumanTask:
    """An office review waiting for 方松's office staff (office_a and office_a2)."""
    deploy_fixture("approval")
    instance = start(cast.operator_a, OPERATOR_A, "SQ-9")
    return advance(instance, cast.operator_a, cast.office_a, cast.reviewer, "office_review")


def test_claim_and_release_in_place(office_task: HumanTask, cast: Cast) -> None:
    client = client_for(cast.office_a)
    claimed = post(client, "inbox-claim", office_task)
    assert claimed.status_code == 200
    html = claimed.content.decode()
    assert html.lstrip().startswith("<tr") and 'data-testid="unclaim"' in html
    assert 'data-testid="row-notice"' in html
    # The tab counts come along, to be swapped in out of band: none is stale after the claim.
    assert 'id="inbox-tabs" class="tabs inbox-tabs" hx-swap-oob="true"' in html
    assert tab_counts(claimed)["mine"] == 1 and tab_counts(claimed)["claimable"] == 0
    office_task.refresh_from_db()
    assert office_task.assignee == cast.office_a
    released = post(client, "inbox-unclaim", office_task)
    assert released.status_code == 200 and 'data-testid="claim"' in released.content.decode()
    office_task.refresh_from_db()
    assert office_task.assignee is None


def test_claim_without_javascript_redirects_back(office_task: HumanTask, cast: Cast) -> None:
    client = client_for(cast.office_a)
    response = post(client, "inbox-claim", office_task, {"back": "tab=claimable&q=SQ&evil=1"}, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox") + "?tab=claimable&q=SQ"
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    assert client.get(reverse("inbox"), {"tab": "claimable"}).status_code == 200


def test_second_claimant_is_told_the_task_is_taken(office_task: HumanTask, cast: Cast) -> None:
    human_tasks.claim(office_task.pk, actor=cast.office_a)
    loser = client_for(cast.office_a2, language="zh-hans")
    response = post(loser, "inbox-claim", office_task)
    assert response.status_code == 409
    assert "该任务已被他人认领" in response.content.decode()
    plain = post(loser, "inbox-claim", office_task, htmx=False)
    assert plain.status_code == 302
    assert [str(m) for m in get_messages(plain.wsgi_request)] == ["该任务已被他人认领。"]
    office_task.refresh_from_db()
    assert office_task.assignee == cast.office_a


def test_only_the_assignee_releases(office_task: HumanTask, cast: Cast) -> None:
    human_tasks.claim(office_task.pk, actor=cast.office_a)
    response = post(client_for(cast.office_a2), "inbox-unclaim", office_task)
    assert response.status_code == 409 and "Only the current assignee" in response.content.decode()


@pytest.mark.parametrize("persona", ["office_b", "operator_b", "enterprise_a", "stranger"])
def test_other_areas_get_404(office_task: HumanTask, cast: Cast, persona: str) -> None:
    client = client_for(getattr(cast, persona))
    for name in ("inbox-claim", "inbox-unclaim"):
        assert post(client, name, office_task).status_code == 404
        assert post(client, name, office_task, htmx=False).status_code == 404
    reassign = post(client, "inbox-reassign", office_task, {"assignee": "office_a2", "reason": "休假"})
    assert reassign.status_code == 404
    office_task.refresh_from_db()
    assert office_task.assignee is None


def test_visible_but_not_allowed_is_403(office_task: HumanTask, cast: Cast) -> None:
    # The auditor and the reviewer may look at the task, not take it.
    for persona in ("auditor", "reviewer"):
        client = client_for(getattr(cast, persona))
        assert post(client, "inbox-claim", office_task).status_code == 403
        assert post(client, "inbox-claim", office_task, htmx=False).status_code == 403
    assert post(client_for(cast.office_a), "inbox-claim", HumanTask(pk=10**9)).status_code == 404
    assert Client().post(reverse("inbox-claim", kwargs={"pk": office_task.pk})).status_code == 302
    assert (
        client_for(cast.office_a).get(reverse("inbox-claim", kwargs={"pk": office_task.pk})).status_code
        == 405
    )


def test_reassign_to_a_colleague_with_a_reason(office_task: HumanTask, cast: Cast) -> None:
    client = client_for(cast.office_a)
    listed = page(client).content.decode()
    row = re.search(rf'<tr id="task-{office_task.pk}".*?</tr>', listed, re.S)
    assert row and 'value="office_a2"' in row.group(0) and 'value="office_b"' not in row.group(0)
    response = post(client, "inbox-reassign", office_task, {"assignee": "office_a2", "reason": "本人休假"})
    assert response.status_code == 200 and "Reassigned to office_a2" in response.content.decode()
    office_task.refresh_from_db()
    assert office_task.assignee == cast.office_a2
    event = AuditEvent.objects.filter(action=Action.TASK_ASSIGNED, target_id=str(office_task.pk)).get()
    assert event.reason == "本人休假" and event.actor == cast.office_a


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"assignee": "office_a2", "reason": "  "}, "reason", "Give a reason"),
        ({"assignee": "", "reason": "休假"}, "assignee", "Choose a colleague"),
        ({"assignee": "office_b", "reason": "休假"}, "assignee", "not a candidate for this task"),
        ({"assignee": "operator_a", "reason": "休假"}, "assignee", "not a candidate for this task"),
        ({"assignee": "nobody", "reason": "休假"}, "assignee", "no such active user"),
        ({"assignee": "office_a2", "reason": "x" * 501}, "reason", "at most 500"),
        # A NUL byte is refused before the view by core/http/edge.py (tests/test_edge_inputs.py).
    ],
)
def test_reassign_refusals(
    office_task: HumanTask, cast: Cast, data: dict[str, str], field: str, message: str
) -> None:
    client = client_for(cast.office_a)
    response = post(client, "inbox-reassign", office_task, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'class="field-error"' in html and '<details class="reassign" open>' in html
    plain = post(client, "inbox-reassign", office_task, data, htmx=False)
    assert plain.status_code == 302
    assert any(message in str(m) for m in get_messages(plain.wsgi_request))
    office_task.refresh_from_db()
    assert office_task.assignee is None


def test_reassign_refused_for_someone_outside_the_group(office_task: HumanTask, cast: Cast) -> None:
    response = post(
        client_for(cast.auditor), "inbox-reassign", office_task, {"assignee": "office_a2", "reason": "x"}
    )
    assert response.status_code == 403
    office_task.refresh_from_db()
    assert office_task.assignee is None
