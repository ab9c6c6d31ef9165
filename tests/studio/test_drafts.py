"""The draft a process admin edits in the browser: started from the newest version, saved with
the revision it was made from, refused (and unchanged) when a colleague saved first or when the
input is bad, checked by the deploy step on every save, discarded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from studio.models import ModelDraft
from tests.personas import Cast, another_process_admin
from workflows.models import ProcessModelVersion

pytestmark = pytest.mark.django_db

Deploy = Callable[[str], ProcessModelVersion]
URL = reverse("process-model-draft", args=["approval"])


@pytest.fixture
def version(deploy_fixture: Deploy) -> ProcessModelVersion:
    return deploy_fixture("approval")


def start(api: Callable[[Any], Any], user: Any) -> dict[str, Any]:
    response = api(user).post(URL)
    assert response.status_code in (200, 201), response.content
    return dict(response.json())


def test_a_draft_starts_from_the_newest_version_once(
    cast: Cast, api: Any, version: ProcessModelVersion
) -> None:
    assert api(cast.admin).get(URL).json()["code"] == "no_draft"
    first = api(cast.admin).post(URL)
    assert first.status_code == 201
    body = first.json()
    assert body["revision"] == 1 and body["base_version"] == 1
    assert body["files"] == version.files and body["main_file"] == "approval.bpmn"
    assert body["problems"] == []
    again = api(cast.admin).post(URL)
    assert again.status_code == 200 and again.json()["revision"] == 1
    assert ModelDraft.objects.count() == 1
    (event,) = AuditEvent.objects.filter(action=Action.DRAFT_STARTED)
    assert event.after == {"model": "approval", "from_version": 1, "hash": version.content_hash}


def test_a_save_names_its_revision_and_answers_the_drafts_problems(
    cast: Cast, api: Any, version: ProcessModelVersion
) -> None:
    start(api, cast.admin)
    xml = version.files["approval.bpmn"]
    broken = xml.replace('name="', 'name="改', 1).replace("<bpmn:userTask ", '<bpmn:userTask name="x" ', 1)
    response = api(cast.admin).put(URL, {"revision": 1, "files": {"approval.bpmn": broken}}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["revision"] == 2 and body["files"]["approval.bpmn"] == broken
    # A draft may be invalid: it is saved, and says why it could not deploy.
    assert body["problems"] and {"file", "element_id", "message", "message_zh"} <= set(body["problems"][0])
    # Files it did not name are kept; a form can be added and another removed.
    response = api(cast.admin).put(
        URL, {"revision": 2, "files": {"extra.json": "{}"}, "remove": ["nonexistent.json"]}, format="json"
    )
    assert response.status_code == 200 and set(response.json()["files"]) == {*version.files, "extra.json"}


def test_a_save_from_an_older_revision_is_refused_and_changes_nothing(
    cast: Cast, api: Any, version: ProcessModelVersion
) -> None:
    start(api, cast.admin)
    mine = version.files["approval.bpmn"].replace('name="', 'name="甲', 1)
    theirs = version.files["approval.bpmn"].replace('name="', 'name="乙', 1)
    assert (
        api(cast.admin).put(URL, {"revision": 1, "files": {"approval.bpmn": mine}}, format="json").status_code
        == 200
    )
    colleague = another_process_admin("admin2")
    refused = api(colleague).put(URL, {"revision": 1, "files": {"approval.bpmn": theirs}}, format="json")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "draft_stale"
    assert (cast.admin.get_full_name() or cast.admin.get_username()) in body["message"]
    (field,) = body["fields"]
    assert field["field"] == "revision" and field["revision"] == 2
    draft = ModelDraft.objects.get()
    assert draft.revision == 2 and draft.files["approval.bpmn"] == mine and draft.updated_by == cast.admin
    # Discarding from the old revision is refused the same way.
    assert api(colleague).delete(URL, {"revision": 1}, format="json").status_code == 409
    assert ModelDraft.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"files": {"approval.bpmn": "<x/>"}}, "revision"),
        ({"revision": 0}, "revision"),
        ({"revision": 1, "files": {"../evil.bpmn": "<x/>"}}, "files"),
        ({"revision": 1, "files": {"notes.txt": "hello"}}, "files"),
        ({"revision": 1, "files": {"big.json": "x" * (2 * 1024 * 1024 + 1)}}, "files"),
        ({"revision": 1, "remove": ["approval.bpmn"]}, "remove"),
        ({"revision": 1, "files": ["approval.bpmn"]}, "files"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_changes_nothing(
    cast: Cast, api: Any, version: ProcessModelVersion, body: dict[str, Any], field: str
) -> None:
    start(api, cast.admin)
    response = api(cast.admin).put(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in {f["field"] for f in response.json()["fields"]}
    draft = ModelDraft.objects.get()
    assert draft.revision == 1 and draft.files == version.files


def test_only_process_admins_touch_drafts(cast: Cast, api: Any, version: ProcessModelVersion) -> None:
    start(api, cast.admin)
    for user in (cast.operator_a, cast.office_a, cast.reviewer, cast.auditor):
        assert api(user).get(URL).status_code == 403
        assert api(user).put(URL, {"revision": 1, "files": {}}, format="json").status_code == 403
        assert api(user).delete(URL, {"revision": 1}, format="json").status_code == 403
    assert api(None).get(URL).status_code in (401, 403)
    assert ModelDraft.objects.get().revision == 1


def test_discarding_deletes_the_draft_and_is_audited(
    cast: Cast, api: Any, version: ProcessModelVersion
) -> None:
    start(api, cast.admin)
    assert api(cast.admin).delete(URL, {"revision": 1}, format="json").status_code == 204
    assert not ModelDraft.objects.exists()
    (event,) = AuditEvent.objects.filter(action=Action.DRAFT_DISCARDED)
    assert event.before == {"model": "approval", "revision": 1, "hash": version.content_hash}
    assert api(cast.admin).delete(URL, {"revision": 1}, format="json").json()["code"] == "no_draft"


def test_a_model_without_a_version_or_unknown_has_no_draft(cast: Cast, api: Any) -> None:
    response = api(cast.admin).post(reverse("process-model-draft", args=["nope"]))
    assert response.status_code == 404
