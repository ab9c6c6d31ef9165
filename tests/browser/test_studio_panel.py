"""The editor's panel for what the engine reads of timers, countersigns and messages, in a real
browser: a process admin builds a timer's ISO 8601 text from days, types a broken one and sees it
marked; makes a task an or-sign (或签) by a signers variable; names a catch event's message and
its correlation key. Every change is saved to the draft, and the draft's XML is read back the way
the engine reads it (workflows.deploy.check_files, Spiff's parser).

Elements are found by data-testid, element ids and the panel's entry ids."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Page, expect

from studio.models import ModelDraft
from tests.browser import cases
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast
from workflows import call_specs, countersign
from workflows.deploy import bundle_for, check_files, deploy
from workflows.parsing import NSMAP, build_parser, load_specs, read_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]
ROOT = Path(__file__).resolve().parents[2]
SELECT = "id => { const m = window.nqiEditor; m.get('selection').select(m.get('elementRegistry').get(id)); }"


def entry(page: Page, entry_id: str) -> Any:
    return page.locator(f"#bio-properties-panel-{entry_id}")


def open_editor(page: Page, base: str, key: str) -> None:
    page.goto(f"{base}/studio/{key}/edit/")
    if page.get_by_test_id("start-draft").count():
        page.get_by_test_id("start-draft").click()
    expect(page.get_by_test_id("editor-canvas")).to_have_attribute("data-ready", "1")


def saved(page: Page, revision: int) -> None:
    status = page.get_by_test_id("draft-status")
    expect(status).to_have_attribute("data-revision", str(revision))
    expect(status).to_have_attribute("data-state", "saved")


def type_in(page: Page, entry_id: str, text: str) -> None:
    field = entry(page, entry_id)
    field.fill(text)
    field.blur()


def draft_files() -> dict[str, str]:
    return {name: str(text) for name, text in ModelDraft.objects.get().files.items()}


def node(xml: str, path: str) -> Any:
    return etree.fromstring(xml.encode("utf-8")).find(path, NSMAP)


def spec_of(files: dict[str, str], process_id: str) -> Any:
    parsed = read_files(files)
    spec, _subprocesses = load_specs(build_parser(parsed), process_id, parsed=parsed)
    return spec


def deployed(path: Path, key: str) -> None:
    assert deploy(bundle_for(path), actor=None, model_key=key).version is not None


DI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
WAYPOINT = "{http://www.omg.org/spec/DD/20100524/DI}waypoint"
SIZES = {
    name: (36, 36) for name in ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent")
}


def with_layout(xml: str) -> str:
    """A test diagram written without a drawing, drawn in a row per lane so that the editor can
    open it: the participant, its lanes as bands, each node in its lane, straight flows."""
    root = etree.fromstring(xml.encode("utf-8"))
    bpmn = NSMAP["bpmn"]
    process = root.find("bpmn:process", NSMAP)
    participant = root.find(".//bpmn:participant", NSMAP)
    lanes = process.findall(".//bpmn:lane", NSMAP)
    band = {
        ref.text: index for index, lane in enumerate(lanes) for ref in lane.findall("bpmn:flowNodeRef", NSMAP)
    }
    nodes = [el for el in process if el.get("id") in band]
    diagram = etree.SubElement(root, f"{{{DI}}}BPMNDiagram", id="layout", nsmap={"bpmndi": DI, "dc": DC})
    plane = etree.SubElement(
        diagram, f"{{{DI}}}BPMNPlane", id="layout_plane", bpmnElement=participant.getparent().get("id")
    )
    width = 100 + 150 * len(nodes)

    def shape(element_id: str, x: int, y: int, w: int, h: int, **extra: str) -> None:
        drawn = etree.SubElement(
            plane, f"{{{DI}}}BPMNShape", id=f"{element_id}_di", bpmnElement=element_id, **extra
        )
        etree.SubElement(drawn, f"{{{DC}}}Bounds", x=str(x), y=str(y), width=str(w), height=str(h))

    shape(participant.get("id"), 50, 50, width + 30, 150 * len(lanes), isHorizontal="true")
    for index, lane in enumerate(lanes):
        shape(lane.get("id"), 80, 50 + 150 * index, width, 150, isHorizontal="true")
    centres = {}
    for index, el in enumerate(nodes):
        w, h = SIZES.get(etree.QName(el).localname, (100, 80))
        cx, cy = 150 + 150 * index, 125 + 150 * band[el.get("id")]
        shape(el.get("id"), cx - w // 2, cy - h // 2, w, h)
        centres[el.get("id")] = (cx, cy)
    for flow in process.iterfind(f"{{{bpmn}}}sequenceFlow"):
        edge = etree.SubElement(
            plane, f"{{{DI}}}BPMNEdge", id=f"{flow.get('id')}_di", bpmnElement=flow.get("id")
        )
        for end in (flow.get("sourceRef"), flow.get("targetRef")):
            x, y = centres[end]
            etree.SubElement(edge, WAYPOINT, x=str(x), y=str(y))
    return etree.tostring(root, encoding="unicode")


def test_a_timer_is_built_from_days_and_a_broken_text_is_marked(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    deployed(ROOT / "bpmn" / "service_case.bpmn", "service_case")
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base, "service_case")
    page.evaluate(SELECT, "match_overdue")
    expect(entry(page, "nqi-timer-kind")).to_have_value("timeDate")
    expect(entry(page, "nqi-timer-text")).to_have_value("matching_due")
    # The library's own timer group gives way to ours.
    expect(page.locator('[data-group-id="group-timer"]')).to_have_count(0)

    entry(page, "nqi-timer-kind").select_option("timeDuration")
    saved(page, 2)
    type_in(page, "nqi-timer-days", "3")
    saved(page, 3)
    expect(entry(page, "nqi-timer-text")).to_have_value("P3D")
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    timer = node(
        draft_files()["service_case.bpmn"],
        ".//bpmn:boundaryEvent[@id='match_overdue']/bpmn:timerEventDefinition",
    )
    assert [(etree.QName(child).localname, child.text) for child in timer] == [("timeDuration", "P3D")]
    shoot("01-timer-three-days")

    # Hours join the days as ISO 8601 writes them.
    type_in(page, "nqi-timer-hours", "12")
    saved(page, 4)
    expect(entry(page, "nqi-timer-text")).to_have_value("P3DT12H")

    # A text typed directly is written as is and checked by the server.
    type_in(page, "nqi-timer-text", "days(3")
    saved(page, 5)
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "1")
    expect(page.locator('g.djs-element.nqi-invalid[data-element-id="match_overdue"]')).to_have_count(1)
    expect(page.get_by_test_id("element-problems")).to_contain_text("days(3")
    shoot("02-timer-broken")

    # A date: the moment picked, written with the browser's offset.
    entry(page, "nqi-timer-kind").select_option("timeDate")
    saved(page, 6)
    entry(page, "nqi-timer-date").fill("2026-12-31T09:00")
    saved(page, 7)
    expect(entry(page, "nqi-timer-text")).to_have_value(re.compile(r"^2026-12-31T09:00:00(Z|[+-]\d\d:\d\d)$"))
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")

    # A cycle: repetitions and an interval.
    entry(page, "nqi-timer-kind").select_option("timeCycle")
    saved(page, 8)
    type_in(page, "nqi-timer-hours", "1")
    saved(page, 9)
    type_in(page, "nqi-timer-repetitions", "3")
    saved(page, 10)
    expect(entry(page, "nqi-timer-text")).to_have_value("R3/PT1H")
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    _main, problems = check_files(draft_files(), "service_case")
    assert problems == []


def test_a_task_becomes_an_or_sign_by_a_signers_variable(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    deployed(ROOT / "bpmn" / "service_case.bpmn", "service_case")
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base, "service_case")
    page.evaluate(SELECT, "review")
    expect(entry(page, "nqi-sign-mode")).to_have_value("")
    entry(page, "nqi-sign-mode").select_option("any")
    saved(page, 2)
    type_in(page, "nqi-signers", "co_signers")
    saved(page, 3)
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    # The handling group folded, so that the countersign group shows in the screenshot.
    page.locator('[data-group-id="group-nqi-task"] .bio-properties-panel-group-header').click()
    entry(page, "nqi-signers").scroll_into_view_if_needed()
    expect(entry(page, "nqi-signers")).to_be_in_viewport()
    shoot("03-or-sign")

    files = draft_files()
    task = node(files["service_case.bpmn"], ".//bpmn:userTask[@id='review']")
    loop = task.find("bpmn:multiInstanceLoopCharacteristics", NSMAP)
    assert loop is not None and loop.get("isSequential") is None
    assert loop.findtext("bpmn:loopDataInputRef", namespaces=NSMAP) == "co_signers"
    item = loop.find("bpmn:inputDataItem", NSMAP)
    assert (item.get("id"), item.get("name")) == ("signer", "signer")
    assert loop.findtext("bpmn:completionCondition", namespaces=NSMAP) == "completed >= 1"
    assert task.find(".//spiffworkflow:property[@name='countersignLabel']", NSMAP).get("value") == "或签"
    _main, problems = check_files(files, "service_case")
    assert problems == []
    spec = spec_of(files, "service_case").task_specs["review"]
    assert countersign.is_countersign(spec) and spec.condition == "completed >= 1"
    assert spec.data_input.bpmn_id == "co_signers"

    # A custom rule: the condition is typed; back to one person drops the loop and the label.
    entry(page, "nqi-sign-mode").select_option("custom")
    saved(page, 4)
    type_in(page, "nqi-completion", "approved >= 2")
    saved(page, 5)
    assert spec_of(draft_files(), "service_case").task_specs["review"].condition == "approved >= 2"
    entry(page, "nqi-sign-mode").select_option("")
    saved(page, 6)
    xml = draft_files()["service_case.bpmn"]
    assert "multiInstanceLoopCharacteristics" not in xml and "countersignLabel" not in xml


def test_a_shipped_countersign_keeps_its_signers_through_the_editor(
    page: Page, live_server: Any, cast: Cast
) -> None:
    deployed(ROOT / "bpmn" / "model_change.bpmn", "model_change")
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base, "model_change")
    page.evaluate(SELECT, "review")
    expect(entry(page, "nqi-sign-mode")).to_have_value("any")
    expect(entry(page, "nqi-signers")).to_have_value("reviewers")
    page.evaluate(
        "() => { const m = window.nqiEditor;"
        " m.get('modeling').updateLabel(m.get('elementRegistry').get('review'), '审核（改）'); }"
    )
    saved(page, 2)
    loop = node(
        draft_files()["model_change.bpmn"],
        ".//bpmn:userTask[@id='review']/bpmn:multiInstanceLoopCharacteristics",
    )
    assert loop.findtext("bpmn:loopDataInputRef", namespaces=NSMAP) == "reviewers"


def test_a_catch_event_gets_a_new_message_and_a_correlation_key(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    source = (ROOT / "tests" / "workflows" / "bpmn" / "await_reply.bpmn").read_text("utf-8")
    drawn = {"await_reply.bpmn": with_layout(source)}
    assert deploy(drawn, actor=None, model_key="await_reply").version is not None
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base, "await_reply")
    page.evaluate(SELECT, "await")
    # What the shipped diagram says is shown (and kept: the spiffworkflow extensions are known).
    expect(entry(page, "nqi-message")).to_have_value("reply")
    expect(entry(page, "nqi-message-variable")).to_have_value("reply")
    expect(entry(page, "nqi-correlation-key")).to_have_value("case_no")
    expect(entry(page, "nqi-correlation-value")).to_have_value("case_no")

    entry(page, "nqi-message").select_option("__new__")
    saved(page, 2)
    type_in(page, "nqi-message-name", "整改回复")
    saved(page, 3)
    type_in(page, "nqi-correlation-key", "case_ref")
    saved(page, 4)
    type_in(page, "nqi-correlation-value", 'case["ref"]')
    saved(page, 5)
    type_in(page, "nqi-correlation-retrieval", "ref")
    saved(page, 6)
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    shoot("04-message-and-key")

    files = draft_files()
    xml = files["await_reply.bpmn"]
    message = node(xml, "bpmn:message[@name='整改回复']")
    definition = node(xml, ".//bpmn:intermediateCatchEvent[@id='await']/bpmn:messageEventDefinition")
    assert definition.get("messageRef") == message.get("id")
    correlation = definition.find(".//spiffworkflow:processVariableCorrelation", NSMAP)
    assert correlation.findtext("spiffworkflow:propertyId", namespaces=NSMAP) == "case_ref"
    assert correlation.findtext("spiffworkflow:expression", namespaces=NSMAP) == 'case["ref"]'
    retrieval = node(
        xml, "bpmn:correlationProperty[@id='case_ref']/bpmn:correlationPropertyRetrievalExpression"
    )
    assert retrieval.get("messageRef") == message.get("id") and retrieval[0].text == "ref"
    assert definition.findtext(".//spiffworkflow:messageVariable", namespaces=NSMAP) == "reply"
    _main, problems = check_files(files, "await_reply")
    assert problems == []
    event = spec_of(files, "await_reply").task_specs["await"].event_definition
    assert event.name == "整改回复" and event.message_var == "reply"
    assert [(p.name, p.retrieval_expression) for p in event.process_correlations] == [
        ("case_ref", 'case["ref"]')
    ]
    assert [(p.name, p.retrieval_expression) for p in event.correlation_properties] == [("case_ref", "ref")]


def test_a_message_end_event_sends_a_payload_keyed_by_a_new_property(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    source = (ROOT / "tests" / "workflows" / "bpmn" / "send_reply.bpmn").read_text("utf-8")
    assert deploy({"send_reply.bpmn": with_layout(source)}, actor=None, model_key="send_reply").version
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base, "send_reply")
    page.evaluate(SELECT, "replied")
    expect(entry(page, "nqi-message-payload")).to_have_value('{"case_no": case_no, "opinion": opinion}')
    expect(entry(page, "nqi-correlation-key")).to_have_value("case_no")
    expect(entry(page, "nqi-correlation-retrieval")).to_have_value("case_no")

    # No key: the property goes with its only retrieval expression, and from the correlation key.
    type_in(page, "nqi-correlation-key", "")
    saved(page, 2)
    xml = draft_files()["send_reply.bpmn"]
    assert "correlationProperty " not in xml and "correlationPropertyRef" not in xml
    type_in(page, "nqi-message-payload", '{"case_ref": case_no, "opinion": opinion}')
    saved(page, 3)
    type_in(page, "nqi-correlation-key", "case_ref")
    saved(page, 4)
    expect(entry(page, "nqi-correlation-retrieval")).to_have_value("case_ref")
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    shoot("05-message-sent")

    files = draft_files()
    _main, problems = check_files(files, "send_reply")
    assert problems == []
    event = spec_of(files, "send_reply").task_specs["replied"].event_definition
    assert event.name == "部门回复" and event.expression == '{"case_ref": case_no, "opinion": opinion}'
    assert [(p.name, p.retrieval_expression) for p in event.correlation_properties] == [
        ("case_ref", "case_ref")
    ]


def test_a_call_activity_is_bound_to_the_version_deployed_with_its_caller(
    page: Page, live_server: Any, cast: Cast
) -> None:
    source = (ROOT / "tests" / "workflows" / "bpmn" / "call_activity.bpmn").read_text("utf-8")
    drawn = {"call_activity.bpmn": cases.with_layout(source, "call_activity")}
    assert deploy(drawn, actor=None, model_key="call_activity").version is not None
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base, "call_activity")
    page.evaluate(SELECT, "call_review")
    expect(entry(page, "nqi-called-element")).to_have_value("called_review")
    expect(entry(page, "nqi-called-binding")).to_have_value("latest")
    entry(page, "nqi-called-binding").select_option("deployment")
    saved(page, 2)
    files = draft_files()
    assert call_specs.binding_of(spec_of(files, "call_activity").task_specs["call_review"]) == "deployment"
    assert check_files(files, "call_activity")[1] == []
    entry(page, "nqi-called-binding").select_option("latest")  # the default: the property goes
    saved(page, 3)
    assert "calledElementBinding" not in draft_files()["call_activity.bpmn"]
