"""The decision-table editor page: a .dmn file of the model's draft in dmn-js, for process admins,
with the test panel offering that file's tables; any other name is not found, and without a draft
the admin is sent to the editor page, which offers to start one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from studio import drafts
from tests.personas import Cast
from workflows.deploy import bundle_for, deploy

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
KEY = "site_promotion"


def url(name: str, key: str = KEY) -> str:
    return reverse("studio-decision-editor", args=[key, name])


def client_for(user: User, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["django_language"] = language
    return client


def config_of(content: str) -> dict[str, object]:
    start = content.index('<script id="dmn-config" type="application/json">') + len(
        '<script id="dmn-config" type="application/json">'
    )
    return dict(json.loads(content[start : content.index("</script>", start)]))


@pytest.fixture
def model(cast: Cast) -> None:
    deploy(bundle_for(ROOT / "bpmn" / "site_promotion.bpmn"), actor=None, model_key=KEY)


@pytest.fixture
def draft(cast: Cast, model: None) -> None:
    drafts.start(KEY, actor=cast.admin)


def test_an_admin_edits_a_table_of_the_draft(cast: Cast, draft: None) -> None:
    response = client_for(cast.admin).get(url("score_band.dmn"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="decision-file">score_band.dmn<' in content
    assert "bundle/studio_dmn.js" in content and "vendor/dmn-js/dmn-js-decision-table.css" in content
    assert reverse("studio-editor", args=[KEY]) in content  # the way back
    assert "编辑决策表" in content  # the site's language: Chinese unless switched
    config = config_of(content)
    assert config["file"] == "score_band.dmn" and config["revision"] == 1
    assert config["xml"] == drafts.find(KEY, actor=cast.admin).files["score_band.dmn"]
    assert config["problems"] == [] and config["language"] == "zh-hans"
    assert config["draft_url"] == reverse("process-model-draft", args=[KEY])
    assert config["decision_url"] == reverse("process-model-draft-decision-try", args=[KEY])
    tables = config["decisions"]
    assert isinstance(tables, list) and [t["decision_id"] for t in tables] == ["score_band"]
    english = client_for(cast.admin, "en").get(url("score_band.dmn")).content.decode()
    assert "Edit decision table" in english and config_of(english)["language"] == "en"


def test_the_page_shows_the_files_problems_only(cast: Cast, draft: None) -> None:
    draft_files = drafts.find(KEY, actor=cast.admin).files
    broken = draft_files["score_band.dmn"].replace('hitPolicy="UNIQUE"', 'hitPolicy="NOPE"')
    drafts.save(KEY, actor=cast.admin, revision=1, files={"score_band.dmn": broken})
    config = config_of(client_for(cast.admin).get(url("score_band.dmn")).content.decode())
    problems = config["problems"]
    assert isinstance(problems, list) and problems
    assert {p["file"] for p in problems} == {"score_band.dmn"}


def test_the_editor_page_links_each_table(cast: Cast, draft: None) -> None:
    content = client_for(cast.admin).get(reverse("studio-editor", args=[KEY])).content.decode()
    assert f'href="{url("score_band.dmn")}" data-testid="edit-decision"' in content


@pytest.mark.parametrize("name", ["site_promotion.bpmn", "site_promotion_apply.json", "other.dmn", "x"])
def test_a_name_that_is_not_a_table_of_the_draft_is_not_found(cast: Cast, draft: None, name: str) -> None:
    assert client_for(cast.admin).get(url(name)).status_code == 404


def test_an_unknown_model_is_not_found(cast: Cast, draft: None) -> None:
    assert client_for(cast.admin).get(url("score_band.dmn", key="nope")).status_code == 404


def test_without_a_draft_the_admin_is_sent_to_start_one(cast: Cast, model: None) -> None:
    response = client_for(cast.admin).get(url("score_band.dmn"))
    assert response.status_code == 302 and response["Location"] == reverse("studio-editor", args=[KEY])


def test_only_process_admins_open_it(cast: Cast, draft: None) -> None:
    for user in (cast.operator_a, cast.reviewer, cast.auditor):
        assert client_for(user).get(url("score_band.dmn")).status_code == 403
