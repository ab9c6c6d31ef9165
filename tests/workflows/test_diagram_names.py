"""Names from the diagrams in the reader's language (workflows/catalog.py): the `nameEn` property
of the process and its elements on an English page, the Chinese name where none is given and on
every Chinese page, and one cached table per version that holds both languages whatever the first
request's language was."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from tests.conftest import BPMN_DIR
from tests.personas import OPERATOR_A, Cast
from workflows import catalog, instances
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, ProcessModelVersion

pytestmark = pytest.mark.django_db


def _english(value: str) -> str:
    return f'<spiffworkflow:property name="nameEn" value="{value}" />'


def _own_properties(value: str) -> str:
    return (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f"{_english(value)}</spiffworkflow:properties></bpmn:extensionElements>"
    )


def deployed_with_english_names() -> ProcessModelVersion:
    """The approval test diagram with a Chinese process name, and English names on the process,
    the first task and the gateway; the office's review task has none."""
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    xml = files["approval.bpmn"]
    for old, new in (
        (
            '<bpmn:process id="approval" name="Four-step approval" isExecutable="true">',
            '<bpmn:process id="approval" name="四步审批" isExecutable="true">'
            + _own_properties("Four-step approval"),
        ),
        (
            '<spiffworkflow:property name="formJsonSchemaFilename" value="submit.json" />',
            '<spiffworkflow:property name="formJsonSchemaFilename" value="submit.json" />'
            + _english("Submit the application"),
        ),
        (
            '<bpmn:exclusiveGateway id="office_decision" default="f_reject">',
            '<bpmn:exclusiveGateway id="office_decision" name="是否通过" default="f_reject">'
            + _own_properties("Approved?"),
        ),
    ):
        assert old in xml
        xml = xml.replace(old, new)
    outcome = deploy({**files, "approval.bpmn": xml}, actor=None, model_key="approval")
    assert outcome.version is not None
    return outcome.version


@pytest.fixture
def version(db: None) -> ProcessModelVersion:
    return deployed_with_english_names()


def test_an_english_page_shows_the_english_names_and_chinese_where_none_is_given(
    version: ProcessModelVersion,
) -> None:
    with translation.override("en"):
        assert catalog.process_name(version) == "Four-step approval"
        assert catalog.element_name(version.pk, "submit") == "Submit the application"
        assert catalog.element_name(version.pk, "office_decision") == "Approved?"
        assert catalog.element_name(version.pk, "office_review") == "市场监管所审核"  # none given
        assert catalog.element_name(version.pk, "start") == "start"  # unnamed: its id
        assert catalog.model_choices() == [("approval", "Four-step approval")]


def test_a_chinese_page_shows_the_chinese_names(version: ProcessModelVersion) -> None:
    with translation.override("zh-hans"):
        assert catalog.process_name(version) == "四步审批"
        assert catalog.element_name(version.pk, "submit") == "提交申请"
        assert catalog.element_name(version.pk, "office_decision") == "是否通过"
        assert catalog.model_choices() == [("approval", "四步审批")]


def test_the_cached_names_hold_both_languages_whatever_was_asked_first(version: ProcessModelVersion) -> None:
    catalog._names.clear()
    with translation.override("zh-hans"):
        assert catalog.element_name(version.pk, "submit") == "提交申请"
    (cached,) = catalog._names.values()
    assert cached.process == catalog.Label("四步审批", "Four-step approval")
    assert cached.elements["submit"] == catalog.Label("提交申请", "Submit the application")
    assert cached.elements["office_review"] == catalog.Label("市场监管所审核", "")
    with translation.override("en"):
        assert catalog.element_name(version.pk, "submit") == "Submit the application"
    assert list(catalog._names.values()) == [cached]  # answered from the same table


def test_a_task_title_keeps_its_part_after_the_swapped_name(
    cast: Cast, version: ProcessModelVersion, django_assert_num_queries: Any
) -> None:
    started = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    task = HumanTask.objects.get(instance=started, status=HumanTask.Status.OPEN)

    def titles(language: str, title: str) -> tuple[str, str]:
        HumanTask.objects.filter(pk=task.pk).update(title=title)
        row = HumanTask.objects.select_related("instance").get(pk=task.pk)
        bare: Any = HumanTask.objects.get(pk=task.pk)
        with translation.override(language):
            return catalog.task_title(row), catalog.task_title(bare, user=cast.operator_a)

    assert titles("en", "提交申请") == ("Submit the application",) * 2
    # A countersign's part or an added signer's stays after the name.
    assert titles("en", "提交申请 · 张三（1/2）") == ("Submit the application · 张三（1/2）",) * 2
    assert titles("zh-hans", "提交申请 · 张三（1/2）") == ("提交申请 · 张三（1/2）",) * 2
    # A title that is not the element's (a model called by key) is left as it is.
    assert titles("en", "别的步骤") == ("别的步骤",) * 2
    with translation.override("en"):
        assert catalog.title_shown(version.pk, "submit", "提交申请") == "Submit the application"
        assert catalog.human_task_specs()["submit"] == "Submit the application"
        assert catalog.human_task_specs()["office_review"] == "市场监管所审核"
    # A row without its instance: its version was looked up once for this user (the request's).
    bare = HumanTask.objects.get(pk=task.pk)
    with translation.override("en"), django_assert_num_queries(0):
        assert catalog.task_title(bare, user=cast.operator_a) == "别的步骤"


def test_a_countersign_or_added_signer_part_is_shown_in_english(version: ProcessModelVersion) -> None:
    with translation.override("en"):
        shown = [
            catalog.title_shown(version.pk, "submit", title)
            for title in ("提交申请 · 会签（2/3）", "提交申请 · 依次审批（1/2）", "提交申请 · 后加签")
        ]
        # No English name for the step: the Chinese name stays, the engine's part is translated.
        assert catalog.title_shown(version.pk, "office_review", "市场监管所审核 · 并加签") == (
            "市场监管所审核 · Sign alongside"
        )
    assert shown == [
        "Submit the application · Countersign (2/3)",
        "Submit the application · In sequence (1/2)",
        "Submit the application · Sign after",
    ]
    with translation.override("zh-hans"):
        assert catalog.title_shown(version.pk, "submit", "提交申请 · 会签（2/3）") == "提交申请 · 会签（2/3）"


def test_the_drawn_diagram_carries_the_english_names_on_an_english_page(version: ProcessModelVersion) -> None:
    from lxml import etree

    from workflows.diagram_english import english_xml, shown_xml
    from workflows.parsing import NSMAP

    xml = version.files["approval.bpmn"]
    with translation.override("zh-hans"):
        assert shown_xml(xml) is xml
    with translation.override("en"):
        root = etree.fromstring(shown_xml(xml).encode())

    def name(element_id: str) -> str | None:
        (element,) = root.iterfind(f".//bpmn:*[@id='{element_id}']", NSMAP)
        return element.get("name")

    assert name("submit") == "Submit the application"
    assert name("office_decision") == "Approved?"
    assert name("office_review") == "市场监管所审核"  # none given: as drawn in Chinese
    # Only the names change: the layout and ids are the deployed ones.
    assert xml.count("bpmndi:BPMNShape") == etree.tostring(root).decode().count("bpmndi:BPMNShape")
    assert english_xml("<not xml") == "<not xml"
