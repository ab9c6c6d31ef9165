"""Form schemas never make the server fetch anything: non-local $ref refused at deploy, and
validators that cannot retrieve even for a schema that got in before the check."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from referencing.exceptions import Unresolvable

from core.errors import InvalidInput
from tests.conftest import BPMN_DIR
from workflows.deploy import bundle_for, deploy
from workflows.forms import schema_validator, validate_task_data
from workflows.models import ProcessModelVersion
from workflows.parsing import DiagramInvalid


class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        Recorder.hits.append(self.path)
        body = json.dumps({"type": "string"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def schema_host() -> Iterator[str]:
    """A tiny HTTP server on the loopback that serves a schema and counts the requests it gets."""
    Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def review_with(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "$defs": {"opinion": {"type": "string", "maxLength": 500}},
        "properties": {"approved": {"type": "boolean"}, "opinion": {"$ref": ref}},
    }


def files_with(schema: dict[str, Any]) -> dict[str, str]:
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    files["review.json"] = json.dumps(schema)
    return files


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ref",
    [
        "http://127.0.0.1:9/schema.json",
        "https://example.invalid/schema.json#/x",
        "file:///etc/passwd",
        "other.json",
        "other.json#/$defs/opinion",
        "//example.invalid/x",
    ],
)
def test_non_local_ref_is_refused_at_deploy_naming_form_and_pointer(ref: str) -> None:
    with pytest.raises(DiagramInvalid) as caught:
        deploy(files_with(review_with(ref)), actor=None, model_key="approval")
    assert ProcessModelVersion.objects.count() == 0
    problems = [p for p in caught.value.problems if p.code == "form_ref"]
    assert len(problems) == 1, "one problem per form, however many tasks use it"
    problem = problems[0]
    assert problem.file == "review.json"
    assert "/properties/opinion/$ref" in problem.message and ref in problem.message
    assert "review.json" in problem.message_zh and "/properties/opinion/$ref" in problem.message_zh
    field = next(f for f in caught.value.fields if f.code == "form_ref")
    assert field.message_zh == problem.message_zh and field.message_en == problem.message


@pytest.mark.django_db
def test_remote_ref_deeper_in_the_form_is_found(schema_host: str) -> None:
    schema = review_with("#/$defs/opinion")
    schema["$defs"]["opinion"] = {"allOf": [{"$ref": f"{schema_host}/a~b/c.json"}]}
    with pytest.raises(DiagramInvalid) as caught:
        deploy(files_with(schema), actor=None, model_key="approval")
    assert any("/$defs/opinion/allOf/0/$ref" in p.message for p in caught.value.problems)
    assert Recorder.hits == [], "deploy fetched nothing"


@pytest.mark.django_db
def test_local_ref_to_nothing_is_refused() -> None:
    with pytest.raises(DiagramInvalid) as caught:
        deploy(files_with(review_with("#/$defs/missing")), actor=None, model_key="approval")
    assert [p.code for p in caught.value.problems] == ["form_ref"]


@pytest.mark.django_db
def test_local_refs_still_deploy_and_validate() -> None:
    outcome = deploy(files_with(review_with("#/$defs/opinion")), actor=None, model_key="approval")
    assert outcome.created
    schema = review_with("#/$defs/opinion")
    assert validate_task_data({"approved": True, "opinion": "同意"}, schema)
    with pytest.raises(InvalidInput) as caught:
        validate_task_data({"approved": True, "opinion": 5}, schema)
    assert caught.value.fields[0].field == "opinion"


def test_validator_built_on_a_remote_ref_raises_instead_of_fetching(schema_host: str) -> None:
    schema = review_with(f"{schema_host}/opinion.json")
    with pytest.raises(Unresolvable):
        list(schema_validator(schema).iter_errors({"opinion": "x"}))
    with pytest.raises(InvalidInput) as caught:
        # A version deployed before refs were checked: refused as unusable, not fetched, no 500.
        validate_task_data({"approved": True, "opinion": "x"}, schema)
    assert caught.value.code == "form_unusable"
    assert Recorder.hits == [], "the server fetched a URL named by an uploaded schema"


def test_absolute_id_does_not_make_local_refs_fetch(schema_host: str) -> None:
    schema = {"$id": f"{schema_host}/root.json", **review_with("#/$defs/opinion")}
    with pytest.raises(InvalidInput):
        validate_task_data({"opinion": 5}, schema)
    assert validate_task_data({"opinion": "好"}, schema)
    assert Recorder.hits == []


@pytest.mark.django_db
def test_unknown_schema_dialect_is_refused() -> None:
    schema = {"$schema": "http://127.0.0.1:9/my-dialect", "type": "object"}
    with pytest.raises(DiagramInvalid) as caught:
        deploy(files_with(schema), actor=None, model_key="approval")
    assert [p.code for p in caught.value.problems] == ["form_schema"]
