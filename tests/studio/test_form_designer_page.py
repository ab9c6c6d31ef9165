"""The form designer page: a draft's form shown as fields with the task page's own preview, edits
that save nothing until "save", a save into the draft with the revision the page was loaded at
(refused, and nothing changed, when a colleague saved first or the input is bad), a new form, and
the English labels it writes shown on the task page."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from studio import drafts
from studio.form_design import read_form
from studio.models import ModelDraft
from tests.personas import OPERATOR_A, Cast, another_process_admin
from tests.studio.test_form_design import as_post
from workflows import instances
from workflows.deploy import deploy
from workflows.models import HumanTask, ProcessModelVersion

pytestmark = pytest.mark.django_db

Deploy = Callable[[str], ProcessModelVersion]
DESIGNER = reverse("studio-form-designer", args=["approval", "submit.json"])
PREVIEW = reverse("studio-form-preview", args=["approval", "submit.json"])
CREATE = reverse("studio-form-create", args=["approval"])


def client_for(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def draft(cast: Cast, deploy_fixture: Deploy) -> ModelDraft:
    deploy_fixture("approval")
    return drafts.start("approval", actor=cast.admin)[0]


def edited(draft: ModelDraft, change: Callable[[Any], None], **extra: str) -> dict[str, Any]:
    """The page's POST of the draft's submit.json after `change` to its design."""
    design = read_form(json.loads(draft.files["submit.json"]))
    change(design)
    post: QueryDict = as_post(design)
    post.update({"revision": str(draft.revision), **extra})
    return {key: post.getlist(key) for key in post}


def last_message(response: Any) -> Any:
    return list(get_messages(response.wsgi_request))[-1]


def submit_form() -> dict[str, Any]:
    return dict(json.loads(ModelDraft.objects.get().files["submit.json"]))


def test_the_page_shows_the_fields_and_the_task_pages_preview(cast: Cast, draft: ModelDraft) -> None:
    response = client_for(cast.admin).get(DESIGNER)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="designer-row"') == 2 and 'value="amount"' in html
    # The preview is casemgmt/task_field.html itself: its markup, the schema's labels.
    assert 'data-field="title"' in html and 'name="f.amount"' in html and "金额" in html
    assert "additionalProperties" in html  # the other rules, read-only
    assert reverse("studio-editor", args=["approval"]) in html
    editor = client_for(cast.admin).get(reverse("studio-editor", args=["approval"])).content.decode()
    assert DESIGNER in editor and reverse("studio-form-designer", args=["approval", "review.json"]) in editor


def test_the_preview_follows_the_edits_and_saves_nothing(cast: Cast, draft: ModelDraft) -> None:
    def add_lookup(design: Any) -> None:
        design.fields[0].title_en = "Subject"
        design.fields.append(
            type(design.fields[0])("institution_id", "lookup", "技术机构", lookup="institution")
        )

    response = client_for(cast.admin).post(PREVIEW, edited(draft, add_lookup))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Subject" in html and 'data-testid="lookup-institution_id"' in html
    assert reverse("lookup-options", args=["institution"]) in html
    bad = client_for(cast.admin).post(PREVIEW, edited(draft, lambda d: setattr(d.fields[1], "minimum", "x")))
    assert 'data-testid="preview-errors"' in bad.content.decode()
    assert ModelDraft.objects.get().revision == 1 and submit_form() == json.loads(draft.files["submit.json"])


def test_adding_moving_and_removing_answer_the_designer_without_saving(cast: Cast, draft: ModelDraft) -> None:
    client = client_for(cast.admin)
    added = client.post(DESIGNER, edited(draft, lambda d: None, op="add"), HTTP_HX_REQUEST="true")
    html = added.content.decode()
    assert added.status_code == 200 and html.startswith('<div id="designer"')
    assert html.count('data-testid="designer-row"') == 3 and 'value="field_3"' in html
    moved = client.post(DESIGNER, edited(draft, lambda d: None, op="down-0")).content.decode()
    assert moved.index('value="amount"') < moved.index('value="title"')
    assert ModelDraft.objects.get().revision == 1


def test_save_writes_the_form_into_the_draft(cast: Cast, draft: ModelDraft) -> None:
    def change(design: Any) -> None:
        design.fields[0].title_en = "Subject"
        design.fields[1].maximum = "1000000"
        design.fields.reverse()

    client = client_for(cast.admin)
    response = client.post(DESIGNER, edited(draft, change, op="save"))
    assert response.status_code == 302 and response["Location"] == DESIGNER
    saved = ModelDraft.objects.get()
    assert saved.revision == 2 and saved.updated_by == cast.admin
    form = submit_form()
    assert list(form["properties"]) == ["amount", "title"]
    assert (
        form["properties"]["title"]["x-title-en"] == "Subject"
        and form["properties"]["amount"]["maximum"] == 1000000
    )
    assert form["required"] == ["title", "amount"] and form["additionalProperties"] is False
    page = client.get(DESIGNER).content.decode()
    assert "The form was saved to the draft." in page and 'data-testid="form-no-problems"' in page


def test_after_a_save_the_deploy_checks_problems_with_the_form_are_shown(
    cast: Cast, draft: ModelDraft
) -> None:
    def outside_ref(design: Any) -> None:
        design.fields[1].kind, design.fields[1].raw = "custom", '{"$ref": "https://example.com/x.json"}'

    client = client_for(cast.admin)
    response = client.post(DESIGNER, edited(draft, outside_ref, op="save"), follow=True)
    html = response.content.decode()
    assert "the draft cannot be deployed until its problems are fixed" in html
    assert 'data-testid="form-problem"' in html and "refers outside the form" in html
    assert ModelDraft.objects.get().revision == 2


def test_a_stale_save_is_refused_and_changes_nothing(cast: Cast, draft: ModelDraft) -> None:
    other = another_process_admin("admin2")
    theirs = drafts.save("approval", actor=other, revision=1, files={"extra.json": "{}"})
    response = client_for(cast.admin).post(
        DESIGNER, edited(draft, lambda d: setattr(d.fields[0], "title", "改"), op="save")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "after you opened revision 1" in html and 'data-testid="designer-error"' in html
    assert 'value="改"' in html  # the admin's edit is still on the page to be made again
    after = ModelDraft.objects.get()
    assert after.revision == theirs.revision == 2 and after.files == theirs.files


def test_bad_input_is_refused_next_to_the_input_in_the_pages_language(cast: Cast, draft: ModelDraft) -> None:
    def bad(design: Any) -> None:
        design.fields[0].name = "1 bad"
        design.fields[1].minimum, design.fields[1].maximum = "9", "1"

    for language, expected in (
        ("en", "the lower limit is above the upper one"),
        ("zh-hans", "下限不能大于上限"),
    ):
        response = client_for(cast.admin, language).post(DESIGNER, edited(draft, bad, op="save"))
        html = response.content.decode()
        assert response.status_code == 400 and expected in html
        assert html.count('data-testid="field-error"') == 2
    assert ModelDraft.objects.get().revision == 1 and submit_form() == json.loads(draft.files["submit.json"])


def test_missing_forms_are_404_and_without_a_draft_the_editor_offers_one(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    deploy_fixture("approval")
    client = client_for(cast.admin)
    response = client.get(DESIGNER)
    assert response.status_code == 302 and response["Location"] == reverse("studio-editor", args=["approval"])
    drafts.start("approval", actor=cast.admin)
    for key, name in (
        ("approval", "approval.bpmn"),
        ("approval", "nothing.json"),
        ("nothing", "submit.json"),
    ):
        assert client.get(reverse("studio-form-designer", args=[key, name])).status_code == 404
    assert client.post(reverse("studio-form-preview", args=["approval", "nothing.json"])).status_code == 404


def test_a_file_that_is_not_an_object_schema_is_not_opened(cast: Cast, draft: ModelDraft) -> None:
    drafts.save("approval", actor=cast.admin, revision=1, files={"list.json": "[1, 2]", "bad.json": "{"})
    for name in ("list.json", "bad.json"):
        response = client_for(cast.admin).get(reverse("studio-form-designer", args=["approval", name]))
        assert response.status_code == 200 and 'data-testid="not-designable"' in response.content.decode()


def test_a_new_form_is_created_empty_and_bad_names_are_refused(cast: Cast, draft: ModelDraft) -> None:
    client = client_for(cast.admin)
    response = client.post(CREATE, {"name": "visit_report", "revision": "1"})
    assert response["Location"] == reverse("studio-form-designer", args=["approval", "visit_report.json"])
    saved = ModelDraft.objects.get()
    assert saved.revision == 2
    assert json.loads(saved.files["visit_report.json"]) == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {},
    }
    editor = reverse("studio-editor", args=["approval"])
    for name, message in (
        ("Submit.json", "the draft already has a form named Submit.json"),
        ("../x", "a form name starts with a letter or digit"),
        ("", "a form name starts with a letter or digit"),
    ):
        refused = client.post(CREATE, {"name": name, "revision": "2"})
        assert refused["Location"] == editor
        shown = last_message(refused)
        assert shown.level_tag == "error" and message in str(shown)
    chinese = client_for(cast.admin, "zh-hans").post(CREATE, {"name": "visit_report", "revision": "2"})
    assert "草稿中已有表单 visit_report.json" in str(last_message(chinese))
    stale = client.post(CREATE, {"name": "other", "revision": "1"})
    assert "after you opened revision 1" in str(last_message(stale))
    assert ModelDraft.objects.get().revision == 2


def test_english_labels_show_on_the_task_page_when_english_is_chosen(cast: Cast, draft: ModelDraft) -> None:
    def english(design: Any) -> None:
        design.title_en = "Application"
        design.fields[0].title_en, design.fields[0].description_en = "Subject", "What it is about"

    client_for(cast.admin).post(DESIGNER, edited(draft, english, op="save"))
    deploy(ModelDraft.objects.get().files, actor=None, model_key="approval")
    case = instances.start_instance(
        "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key="E-1"
    )
    task = HumanTask.objects.get(instance=case, status=HumanTask.Status.OPEN)
    url = reverse("task-detail-page", args=[task.pk])
    in_english = client_for(cast.operator_a, "en").get(url).content.decode()
    assert "Subject" in in_english and "What it is about" in in_english
    assert '<span data-testid="form-title">Application</span>' in in_english
    in_chinese = client_for(cast.operator_a, "zh-hans").get(url).content.decode()
    assert "事项" in in_chinese and "Subject" not in in_chinese
    assert '<span data-testid="form-title">申请</span>' in in_chinese and "Application" not in in_chinese
