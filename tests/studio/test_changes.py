"""Four-eyes deployment: a draft submitted with a note is reviewed by a second process admin, never
its author, who approves it (a new version, deployed from the snapshot) or returns it with a
reason; everything is audited with the files' hashes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from studio.models import ModelChange, ModelDraft
from tests.personas import Cast, another_process_admin
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, InstanceStatus, ProcessModelVersion

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
Deploy = Callable[[str], ProcessModelVersion]
DRAFT = reverse("process-model-draft", args=["approval"])
SUBMIT = reverse("process-model-draft-submit", args=["approval"])


@pytest.fixture
def version(cast: Cast, deploy_fixture: Deploy) -> ProcessModelVersion:
    deploy(bundle_for(ROOT / "bpmn" / "model_change.bpmn"), actor=None, model_key="model_change")
    return deploy_fixture("approval")


def edited_draft(api: Any, user: Any, version: ProcessModelVersion, title: str = "改") -> dict[str, Any]:
    assert api(user).post(DRAFT).status_code in (200, 201)
    xml = version.files["approval.bpmn"].replace('name="', f'name="{title}', 1)
    response = api(user).put(DRAFT, {"revision": 1, "files": {"approval.bpmn": xml}}, format="json")
    assert response.status_code == 200, response.content
    return dict(response.json())


def submit(api: Any, user: Any, revision: int = 2, note: str = "调整名称") -> Any:
    return api(user).post(SUBMIT, {"revision": revision, "note": note}, format="json")


def test_a_second_admin_approves_and_the_snapshot_is_deployed(
    cast: Cast, api: Any, version: ProcessModelVersion
) -> None:
    reviewer, other = another_process_admin("reviewer_b"), another_process_admin("reviewer_c")
    draft = edited_draft(api, cast.admin, version)
    response = submit(api, cast.admin)
    assert response.status_code == 201, response.content
    change = ModelChange.objects.get()
    assert response.json()["status"] == "pending" and change.note == "调整名称"
    # Every other admin is offered the review, the author is not.
    tasks = HumanTask.objects.filter(instance=change.instance, status=HumanTask.Status.OPEN)
    assert {t.assignee_id for t in tasks} == {reviewer.pk, other.pk}
    # Editing the draft during the review changes nothing under review.
    api(cast.admin).put(DRAFT, {"revision": 2, "files": {"approval.bpmn": "<later/>"}}, format="json")

    decided = api(reviewer).post(
        reverse("model-change-decide", args=[change.pk]), {"approved": True, "comment": "同意"}, format="json"
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "deployed" and decided.json()["version"] == 2
    new = ProcessModelVersion.objects.get(process_model__key="approval", number=2)
    assert new.files["approval.bpmn"] == draft["files"]["approval.bpmn"] and new.change_note == "调整名称"
    assert new.deployed_by == reviewer
    change.refresh_from_db()
    assert change.decided_by == reviewer and change.comment == "同意" and change.instance is not None
    assert change.instance.status == InstanceStatus.COMPLETED
    assert not HumanTask.objects.filter(instance=change.instance, status=HumanTask.Status.OPEN).exists()
    # The draft was edited after submission: it stays for its author.
    assert ModelDraft.objects.filter(revision=3).exists()
    submitted = AuditEvent.objects.get(action=Action.MODEL_CHANGE_SUBMITTED)
    assert submitted.before == {"version": 1, "hash": version.content_hash}
    assert submitted.after is not None and submitted.after["hash"] == new.content_hash
    approved = AuditEvent.objects.get(action=Action.MODEL_CHANGE_APPROVED)
    assert approved.after == {"version": 2, "hash": new.content_hash, "model": "approval"}
    deployed = AuditEvent.objects.get(action=Action.MODEL_DEPLOYED, target_id=str(new.pk))
    assert deployed.after is not None and deployed.after["review"] == {
        "change": change.pk,
        "author": "admin",
        "reviewer": "reviewer_b",
    }


def test_a_return_keeps_the_version_and_says_why(cast: Cast, api: Any, version: ProcessModelVersion) -> None:
    reviewer = another_process_admin("reviewer_b")
    edited_draft(api, cast.admin, version)
    change_id = submit(api, cast.admin).json()["id"]
    url = reverse("model-change-decide", args=[change_id])
    # A return needs its reason: the review form requires the opinion.
    refused = api(reviewer).post(url, {"approved": False, "comment": ""}, format="json")
    assert refused.status_code == 400
    decided = api(reviewer).post(url, {"approved": False, "comment": "泳道不对"}, format="json")
    assert decided.json()["status"] == "returned" and decided.json()["comment"] == "泳道不对"
    assert ProcessModelVersion.objects.filter(process_model__key="approval").count() == 1
    assert ModelDraft.objects.filter(revision=2).exists()
    assert AuditEvent.objects.get(action=Action.MODEL_CHANGE_RETURNED).reason == "泳道不对"
    # Decided once: a second decision is refused.
    again = api(reviewer).post(url, {"approved": True, "comment": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "change_decided"


def test_the_author_never_approves(cast: Cast, api: Any, version: ProcessModelVersion) -> None:
    another_process_admin("reviewer_b")
    edited_draft(api, cast.admin, version)
    change_id = submit(api, cast.admin).json()["id"]
    response = api(cast.admin).post(
        reverse("model-change-decide", args=[change_id]),
        {"approved": True, "comment": "自己批"},
        format="json",
    )
    assert response.status_code == 403 and response.json()["code"] == "own_change"
    assert not HumanTask.objects.filter(assignee=cast.admin).exists()
    assert ModelChange.objects.get().status == ModelChange.Status.PENDING
    # Nor does anyone who is not a process admin.
    for user in (cast.operator_a, cast.reviewer, cast.auditor):
        assert (
            api(user)
            .post(reverse("model-change-decide", args=[change_id]), {"approved": True}, format="json")
            .status_code
            == 403
        )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"revision": 2, "note": "  "}, 400, "invalid"),
        ({"revision": 1, "note": "旧版本"}, 409, "draft_stale"),
        ({"revision": 2}, 400, "invalid"),
    ],
)
def test_a_bad_submission_changes_nothing(
    cast: Cast, api: Any, version: ProcessModelVersion, body: dict[str, Any], status: int, code: str
) -> None:
    another_process_admin("reviewer_b")
    edited_draft(api, cast.admin, version)
    response = api(cast.admin).post(SUBMIT, body, format="json")
    assert response.status_code == status and response.json()["code"] == code, response.content
    assert not ModelChange.objects.exists()


def test_what_cannot_be_submitted(cast: Cast, api: Any, version: ProcessModelVersion) -> None:
    # Nobody else to review it.
    edited_draft(api, cast.admin, version)
    assert submit(api, cast.admin).json()["code"] == "no_reviewer"
    another_process_admin("reviewer_b")
    # An invalid draft: refused with its problems.
    broken = api(cast.admin).put(DRAFT, {"revision": 2, "files": {"approval.bpmn": "<x/>"}}, format="json")
    assert broken.status_code == 200
    assert submit(api, cast.admin, revision=3).json()["code"] == "diagram_invalid"
    # The same as the newest version: nothing to review.
    same = api(cast.admin).put(DRAFT, {"revision": 3, "files": version.files}, format="json")
    assert same.status_code == 200
    assert submit(api, cast.admin, revision=4).json()["code"] == "unchanged"
    assert not ModelChange.objects.exists()


def test_one_change_at_a_time_and_none_over_a_newer_version(
    cast: Cast, api: Any, version: ProcessModelVersion, deploy_fixture: Deploy
) -> None:
    another_process_admin("reviewer_b")
    edited_draft(api, cast.admin, version)
    assert submit(api, cast.admin).status_code == 201
    assert submit(api, cast.admin, note="再次提交").json()["code"] == "change_pending"
    ModelChange.objects.update(status=ModelChange.Status.RETURNED)
    # Someone deployed a version after the draft was started from version 1.
    files = dict(version.files)
    files["approval.bpmn"] = files["approval.bpmn"].replace('name="', 'name="新', 1)
    deploy(files, actor=None, model_key="approval")
    assert submit(api, cast.admin, note="再次提交").json()["code"] == "draft_outdated"
