"""The studio's models page as a process admin uses it: versions and where their instances stand,
validate and deploy from an upload, download a version, disable and enable a model."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from core.errors import Conflict
from tests.conftest import BPMN_DIR
from tests.personas import AREA_A, OPERATOR_A, Cast
from workflows import instances
from workflows.deploy import bundle_for
from workflows.models import InstanceStatus, ProcessModel, ProcessModelVersion
from workflows.parsing import content_hash

pytestmark = pytest.mark.django_db

Deploy = Callable[[str], ProcessModelVersion]


def admin_client(cast: Cast, language: str = "en") -> Client:
    client = Client()
    client.force_login(cast.admin, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["django_language"] = language
    return client


def as_uploads(files: dict[str, str]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, text.encode()) for name, text in files.items()]


def approval_files(title: str = "") -> dict[str, str]:
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    if title:
        files["approval.bpmn"] = files["approval.bpmn"].replace('name="', f'name="{title}', 1)
    return files


def post_upload(client: Client, files: dict[str, str], button: str, **extra: Any) -> Any:
    body = {"files": as_uploads(files), "model_key": "approval", button: "1", **extra}
    return client.post(reverse("studio-upload"), body)


def test_the_page_lists_each_version_with_where_its_instances_stand(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    deploy_fixture("approval")
    for n in range(2):
        instances.start_instance(
            "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key=f"A{n}"
        )
    deploy_fixture("service_step")
    response = admin_client(cast).get(reverse("studio-models"))
    assert response.status_code == 200
    rows = {row.model.key: row for row in response.context["rows"]}
    assert set(rows) == {"approval", "service_step"}
    (version,) = rows["approval"].versions
    assert version.counts == {InstanceStatus.WAITING: 2} or version.counts == {InstanceStatus.RUNNING: 2}
    assert rows["approval"].open_total == 2 and rows["service_step"].open_total == 0
    html = response.content.decode()
    assert reverse("studio-download", args=["approval", 1]) in html
    assert f"?model=approval&amp;version=1&amp;status={next(iter(version.counts))}" in html


def test_validate_shows_every_problem_and_deploys_nothing(cast: Cast) -> None:
    client = admin_client(cast)
    response = post_upload(client, approval_files(), "validate")
    assert response.status_code == 200 and response.context["result"]["validated"]
    assert not ProcessModelVersion.objects.exists()
    broken = approval_files()
    broken["approval.bpmn"] = broken["approval.bpmn"].replace("<bpmn:userTask", "<bpmn:userTask name='", 1)
    response = post_upload(client, broken, "deploy")
    assert response.status_code == 400 and not ProcessModelVersion.objects.exists()
    problems = response.context["result"]["problems"]
    assert problems and problems[0]["file"] == "approval.bpmn" and problems[0]["line"]
    # in Chinese for a Chinese page
    zh = post_upload(admin_client(cast, "zh-hans"), {"x.bpmn": "<bpmn"}, "validate")
    assert zh.status_code == 400 and "流程图无法部署" in zh.context["result"]["message"]


def test_an_htmx_upload_answers_only_the_result_panel(cast: Cast) -> None:
    body = {"files": as_uploads(approval_files()), "validate": "1"}
    response = admin_client(cast).post(reverse("studio-upload"), body, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="upload-result"') and "<html" not in html


def test_deploy_makes_a_version_with_its_note_once(cast: Cast) -> None:
    client = admin_client(cast)
    response = post_upload(client, approval_files(), "deploy", note="首次上线")
    assert response.status_code == 302
    version = ProcessModelVersion.objects.get()
    assert (version.number, version.change_note, version.deployed_by) == (1, "首次上线", cast.admin)
    assert (AuditEvent.objects.get(action="model.deployed").after or {})["note"] == "首次上线"
    again = post_upload(client, approval_files(), "deploy", note="again")
    assert again.status_code == 302 and ProcessModelVersion.objects.count() == 1
    listed = client.get(reverse("studio-models")).content.decode()
    assert "already version 1" in listed
    changed = post_upload(client, approval_files("改 "), "deploy")
    assert changed.status_code == 302 and ProcessModelVersion.objects.count() == 2
    too_long = post_upload(client, approval_files("再改 "), "deploy", note="长" * 501)
    assert too_long.status_code == 400 and ProcessModelVersion.objects.count() == 2


def test_a_downloaded_version_uploads_again_as_the_same_content(cast: Cast, deploy_fixture: Deploy) -> None:
    version = deploy_fixture("approval")
    client = admin_client(cast)
    response = client.get(reverse("studio-download", args=["approval", 1]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'filename="approval-v1.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert {name: archive.read(name).decode() for name in archive.namelist()} == version.files
    assert client.get(reverse("studio-download", args=["approval", 1])).content == response.content
    upload = SimpleUploadedFile("approval-v1.zip", response.content, content_type="application/zip")
    validated = client.post(reverse("studio-upload"), {"files": [upload], "validate": "1"})
    assert validated.context["result"]["hash"] == version.content_hash == content_hash(version.files)
    assert client.get(reverse("studio-download", args=["approval", 9])).status_code == 404


def test_a_disabled_model_starts_no_instance_until_enabled(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("approval")
    running = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    client = admin_client(cast)
    url = reverse("studio-availability", args=["approval"])
    refused = client.post(url, {"enabled": "0", "reason": " "}, follow=True)
    assert "reason" in refused.content.decode().lower() and ProcessModel.objects.get().enabled
    assert client.post(url, {"enabled": "0", "reason": "流程调整中"}).status_code == 302
    assert not ProcessModel.objects.get().enabled
    with pytest.raises(Conflict) as stopped:
        instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    assert stopped.value.code == "model_disabled" and "已停用" in stopped.value.message_zh
    running.refresh_from_db()
    assert running.status in {InstanceStatus.RUNNING, InstanceStatus.WAITING}  # goes on
    event = AuditEvent.objects.get(action="model.disabled")
    assert event.reason == "流程调整中" and event.actor_id == cast.admin.pk
    assert client.post(url, {"enabled": "1"}).status_code == 302
    assert instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A).pk
    assert AuditEvent.objects.filter(action="model.enabled").count() == 1
    assert client.post(reverse("studio-availability", args=["nope"]), {"enabled": "1"}).status_code == 404


def test_the_api_refuses_a_start_of_a_disabled_model_with_409(
    cast: Cast, deploy_fixture: Deploy, api: Any
) -> None:
    deploy_fixture("approval")
    ProcessModel.objects.update(enabled=False)
    response = api(cast.office_a).post(
        "/api/instances/", {"model": "approval", "org_unit": AREA_A}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "model_disabled"


def test_the_model_page_draws_the_newest_version_with_live_counts(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("approval")
    for n in range(3):
        instances.start_instance(
            "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key=f"C{n}"
        )
    response = admin_client(cast).get(reverse("studio-model", args=["approval"]))
    assert response.status_code == 200
    diagram = response.context["diagram"]
    assert diagram["counts"] == {"submit": {"tasks": 3}}
    assert diagram["xml"].startswith("<?xml") and diagram["added"] == diagram["changed"] == []
    assert 'id="studio-diagram-data"' in response.content.decode()
    assert admin_client(cast).get(reverse("studio-model", args=["nope"])).status_code == 404


def test_the_model_page_compares_two_versions(cast: Cast) -> None:
    client = admin_client(cast)
    post_upload(client, approval_files(), "deploy", note="v1")
    changed = approval_files()
    changed["approval.bpmn"] = changed["approval.bpmn"].replace('name="区局审核"', 'name="区局复核"')
    post_upload(client, changed, "deploy", note="v2")
    url = reverse("studio-model", args=["approval"])
    response = client.get(url, {"version": "2", "compare": "1"})
    assert response.status_code == 200
    assert response.context["diagram"]["changed"] == ["district_review"]
    assert "区局审核" in response.content.decode() and "区局复核" in response.content.decode()
    # nonsense parameters show the newest version, no comparison
    odd = client.get(url, {"version": "x" * 20, "compare": "-1"})
    assert odd.status_code == 200 and odd.context["shown"].number == 2 and odd.context["changes"] is None
