"""Deploy-time lane rules for human tasks in subprocesses agree with the lane Spiff gives them at
run time: a subprocess in a lane hands that lane down, overriding the task's own (issue #15)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import BPMN_DIR
from tests.personas import OPERATOR_A, Cast
from workflows import instances
from workflows.deploy import bundle_for, check_files, deploy
from workflows.lane_rules import lane_in_force, lanes_by_node
from workflows.parsing import NSMAP, DeployProblem, read_files
from workflows.spec_cache import compile_files
from workflows.validation import HUMAN_TASK_TAGS

from .test_lifecycle import open_task

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "bpmn"
OFFICE_LANE = '<bpmn:lane id="lane_office" name="市场监管所">'
VISIT = (
    '<bpmn:subProcess id="visit" name="上门服务">\n'
    "      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>\n"
)


def lane_files(edit: Callable[[str], str]) -> dict[str, str]:
    """subprocess_lane.bpmn (the subprocess `visit` in the office lane holding `record_visit`,
    drawn in no lane) changed by `edit`."""
    files = bundle_for(BPMN_DIR / "subprocess_lane.bpmn")
    text = files["subprocess_lane.bpmn"]
    assert OFFICE_LANE in text and VISIT in text
    files["subprocess_lane.bpmn"] = edit(text)
    return files


def inner_lane(name: str) -> Callable[[str], str]:
    """Draw `record_visit` in a lane of the subprocess's own lane set."""
    lane_set = (
        f'<bpmn:laneSet id="visit_lanes"><bpmn:lane id="lane_visit" name="{name}">'
        "<bpmn:flowNodeRef>record_visit</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>\n"
    )
    return lambda text: text.replace(VISIT, VISIT + lane_set)


def office_lane_named(name: str | None) -> Callable[[str], str]:
    replacement = (
        '<bpmn:lane id="lane_office">' if name is None else f'<bpmn:lane id="lane_office" name="{name}">'
    )
    return lambda text: text.replace(OFFICE_LANE, replacement)


def both(*edits: Callable[[str], str]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        for one in edits:
            text = one(text)
        return text

    return edit


def nested(text: str) -> str:
    """`record_visit` inside a subprocess nested in `visit`, drawn in that subprocess's lane."""
    start = text.index('<bpmn:userTask id="record_visit"')
    end = text.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
    task = text[start:end].replace(
        "<bpmn:incoming>s1</bpmn:incoming><bpmn:outgoing>s2</bpmn:outgoing>",
        "<bpmn:incoming>n1</bpmn:incoming><bpmn:outgoing>n2</bpmn:outgoing>",
    )
    inner = (
        '<bpmn:subProcess id="inner_visit"><bpmn:incoming>s1</bpmn:incoming><bpmn:outgoing>s2</bpmn:outgoing>'
        '<bpmn:laneSet id="inner_lanes"><bpmn:lane id="lane_inner" name="区局">'
        "<bpmn:flowNodeRef>record_visit</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
        f'<bpmn:startEvent id="inner_start"><bpmn:outgoing>n1</bpmn:outgoing></bpmn:startEvent>{task}'
        '<bpmn:endEvent id="inner_end"><bpmn:incoming>n2</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:sequenceFlow id="n1" sourceRef="inner_start" targetRef="record_visit" />'
        '<bpmn:sequenceFlow id="n2" sourceRef="record_visit" targetRef="inner_end" /></bpmn:subProcess>'
    )
    return (
        text[:start]
        + inner
        + text[end:]
        .replace('targetRef="record_visit"', 'targetRef="inner_visit"')
        .replace('sourceRef="record_visit"', 'sourceRef="inner_visit"')
    )


def problems(files: dict[str, str]) -> list[DeployProblem]:
    return check_files(files, "subprocess_lane")[1]


def the_lane_problem(files: dict[str, str]) -> DeployProblem:
    found = problems(files)
    assert len(found) == 1, found
    problem = found[0]
    assert problem.code == "lane" and problem.element_id == "record_visit"
    line = files["subprocess_lane.bpmn"].splitlines()[(problem.line or 0) - 1]
    assert 'id="record_visit"' in line, "the problem points at the task's line"
    return problem


def test_a_task_in_a_role_lane_inside_a_non_role_subprocess_is_refused() -> None:
    # The case: it used to deploy, then fail every start with a RuntimeError.
    problem = the_lane_problem(lane_files(both(office_lane_named("系统"), inner_lane("市场监管所"))))
    assert "drawn in lane '市场监管所' but runs in lane '系统' of the subprocess 'visit'" in problem.message
    assert "子流程“visit”位于泳道“系统”" in problem.message_zh


def test_a_task_taking_a_non_role_lane_from_its_subprocess_is_refused() -> None:
    problem = the_lane_problem(lane_files(office_lane_named("系统")))
    assert (
        problem.message
        == "lane '系统' of the subprocess 'visit', which the task takes, does not map to a role"
    )
    assert "泳道“系统”没有对应的角色" in problem.message_zh


def test_a_task_drawn_for_another_role_than_its_subprocess_is_refused() -> None:
    problem = the_lane_problem(lane_files(inner_lane("district_reviewer")))
    assert "runs in lane '市场监管所'" in problem.message


def test_a_task_drawn_in_the_same_role_as_its_subprocess_is_accepted() -> None:
    assert problems(lane_files(inner_lane("office_staff"))) == []


def test_nested_subprocesses_take_the_outermost_lane() -> None:
    problem = the_lane_problem(lane_files(nested))
    assert "drawn in lane '区局' but runs in lane '市场监管所'" in problem.message
    assert problems(lane_files(both(nested, office_lane_named(None)))) == []


@pytest.mark.django_db
def test_a_subprocess_in_an_unnamed_lane_leaves_its_tasks_their_own(cast: Cast) -> None:
    files = lane_files(both(office_lane_named(None), inner_lane("区局")))
    deploy(files, actor=None, model_key="subprocess_lane")
    case = instances.start_instance(
        "subprocess_lane", actor=cast.operator_a, org_unit_code=OPERATOR_A, data={"timeout": "P1D"}
    )
    task = open_task(case)
    assert task.task_spec == "record_visit" and task.candidate_group == "district_reviewer@district"


def _diagrams() -> list[tuple[str, dict[str, str]]]:
    found = [(path.stem, bundle_for(path)) for path in sorted(BPMN_DIR.glob("*.bpmn"))]
    found += [(path.stem, bundle_for(path)) for path in sorted(SHIPPED_DIR.glob("*.bpmn"))]
    variants = {
        "non_role_subprocess": both(office_lane_named("系统"), inner_lane("市场监管所")),
        "inherited_non_role": office_lane_named("系统"),
        "role_conflict": inner_lane("district_reviewer"),
        "unnamed_lane": both(office_lane_named(None), inner_lane("区局")),
        "nested": nested,
        "nested_unnamed": both(nested, office_lane_named(None)),
    }
    found += [("subprocess_lane", lane_files(edit)) for edit in variants.values()]
    return found


def test_deploy_resolves_every_human_task_to_the_lane_spiff_gives_it() -> None:
    """The deploy-time reading of lanes is Spiff's, diagram by diagram: what is checked at deploy
    is what task_spec.lane says when the task becomes ready."""
    compared = 0
    for stem, files in _diagrams():
        main = check_files(files, stem)[0] or stem
        compiled = compile_files(files, main)
        spiff: dict[str, str | None] = {}
        for spec in (compiled.spec, *compiled.subprocess_specs.values()):
            for task_spec in spec.task_specs.values():
                if task_spec.manual:
                    spiff[task_spec.bpmn_id] = task_spec.lane
        ours: dict[str, str | None] = {}
        for root in read_files(files).bpmn.values():
            lanes = lanes_by_node(root)
            for tag in HUMAN_TASK_TAGS:
                for node in root.iter(f"{{{NSMAP['bpmn']}}}{tag}"):
                    if node.get("id") in spiff:
                        ours[node.get("id", "")] = lane_in_force(node, lanes)
        assert ours == spiff, stem
        compared += len(ours)
    assert compared > 30
