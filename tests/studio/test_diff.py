"""What changed between two versions: elements added, removed and changed, named by aspect."""

from __future__ import annotations

from studio.diff import compare, elements
from tests.conftest import BPMN_DIR
from workflows.deploy import bundle_for


def approval() -> dict[str, str]:
    return bundle_for(BPMN_DIR / "approval.bpmn")


def changed_aspects(before: dict[str, str], after: dict[str, str]) -> dict[str, dict[str, tuple[str, str]]]:
    return {
        element.id: {c.aspect: (c.before, c.after) for c in changes}
        for element, changes in compare(before, after).changed
    }


def test_the_same_files_differ_in_nothing() -> None:
    assert compare(approval(), approval()).empty


def test_elements_are_read_with_what_the_service_uses_of_them() -> None:
    found = elements(approval())
    submit = dict(found["submit"].facts)
    assert submit == {"kind": "userTask", "name": "提交申请", "lane": "operator", "form": "submit.json"}
    assert dict(found["f_ok"].facts)["condition"] == "approved == True"
    assert dict(found["f_ok"].facts)["flow"] == "office_decision → district_review"
    assert "approval_lanes" not in found and "lane_office" not in found  # containers are not elements


def test_lane_form_condition_and_name_changes_are_listed_by_aspect() -> None:
    before = approval()
    after = dict(before)
    text = after["approval.bpmn"]
    text = text.replace("<bpmn:flowNodeRef>office_review</bpmn:flowNodeRef>", "")
    text = text.replace(
        "<bpmn:flowNodeRef>district_review</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>district_review</bpmn:flowNodeRef><bpmn:flowNodeRef>office_review</bpmn:flowNodeRef>",
    )
    text = text.replace(
        'value="review.json" />\n          <spiffworkflow:property name="priority"',
        'value="submit.json" />\n          <spiffworkflow:property name="priority"',
    )
    text = text.replace("approved == True", "approved == True and score >= 60")
    text = text.replace('name="区局审核"', 'name="区局复核"')
    after["approval.bpmn"] = text
    aspects = changed_aspects(before, after)
    assert aspects["office_review"] == {
        "lane": ("市场监管所", "district_reviewer"),
        "form": ("review.json", "submit.json"),
    }
    assert aspects["f_ok"] == {"condition": ("approved == True", "approved == True and score >= 60")}
    assert aspects["district_review"] == {"name": ("区局审核", "区局复核")}


def test_added_and_removed_elements_and_a_timer() -> None:
    before = approval()
    after = dict(before)
    after["approval.bpmn"] = (
        before["approval.bpmn"]
        .replace(
            '<bpmn:endEvent id="rejected"><bpmn:incoming>f_reject</bpmn:incoming></bpmn:endEvent>',
            '<bpmn:endEvent id="rejected_end"><bpmn:incoming>f_reject</bpmn:incoming></bpmn:endEvent>'
            '<bpmn:boundaryEvent id="remind" attachedToRef="district_review" cancelActivity="false">'
            "<bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition>"
            "</bpmn:boundaryEvent>",
        )
        .replace('targetRef="rejected"', 'targetRef="rejected_end"')
    )
    changes = compare(before, after)
    assert [e.id for e in changes.added] == ["rejected_end", "remind"]
    assert [e.id for e in changes.removed] == ["rejected"]
    assert dict(changes.added[1].facts)["timer"] == "timeDuration: P3D"
    assert changed_aspects(before, after) == {
        "f_reject": {"flow": ("office_decision → rejected", "office_decision → rejected_end")}
    }
