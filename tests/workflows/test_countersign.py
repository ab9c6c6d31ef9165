"""Countersign (会签), or-sign (或签), N of M, veto and sequential sign-off (依次审批) by named
signers and by groups, through the service functions (issue #15, capability 2)."""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState

from audit.models import AuditEvent
from casemgmt.models import Membership, OrgUnit
from core.errors import Conflict, ServiceError
from tests.concurrency import run_concurrently
from tests.conftest import BPMN_DIR
from tests.factories import make_user
from tests.personas import AREA_A, AREA_B, OPERATOR_A, Cast
from workflows import human_tasks, instances, runtime
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, InstanceStatus, ProcessInstance

pytestmark = pytest.mark.django_db

ALL = ""  # no completionCondition: every part must be signed
VETO = "rejected &gt; 0"
ANY_ONE = "completed &gt;= 1"
TWO_OF_THREE = "approved &gt;= 2"
SIXTY_PERCENT = "approved &gt;= total * 0.6 or rejected &gt; total * 0.4"


def deploy_countersign(condition: str, *, sequential: bool = False, label: str = "") -> str:
    """The countersign diagram with this completion rule (and loop kind, and part label)."""
    files = bundle_for(BPMN_DIR / "countersign.bpmn")
    xml = files["countersign.bpmn"]
    rule = f"<bpmn:completionCondition>{condition}</bpmn:completionCondition>" if condition else ""
    xml = xml.replace(f"<bpmn:completionCondition>{VETO}</bpmn:completionCondition>", rule)
    if sequential:
        xml = xml.replace(
            "<bpmn:multiInstanceLoopCharacteristics>",
            '<bpmn:multiInstanceLoopCharacteristics isSequential="true">',
        )
    if label:
        xml = xml.replace(
            '<spiffworkflow:property name="formJsonSchemaFilename" value="review.json" />',
            '<spiffworkflow:property name="formJsonSchemaFilename" value="review.json" />'
            f'<spiffworkflow:property name="countersignLabel" value="{label}" />',
        )
    files["countersign.bpmn"] = xml
    deploy(files, actor=None, model_key="countersign")
    return "countersign"


@pytest.fixture
def officials(cast: Cast) -> list[Any]:
    """Five office officials of AREA_A, besides the cast."""
    office = OrgUnit.objects.get(code=AREA_A)
    users = []
    for i in range(5):
        user = make_user(username=f"official{i}")
        Membership.objects.create(user=user, org_unit=office, role="office_staff")
        users.append(user)
    return users


def start(cast: Cast, signers: list[Any]) -> ProcessInstance:
    return instances.start_instance(
        "countersign", actor=cast.operator_a, org_unit_code=OPERATOR_A, data={"signers": signers}
    )


def open_parts(case: ProcessInstance) -> list[HumanTask]:
    return list(case.human_tasks.filter(status=HumanTask.Status.OPEN).order_by("id"))


def sign(task: HumanTask, user: Any, approved: bool = True, comment: str = "") -> HumanTask:
    # 不同意 needs an opinion: the comment, else a stock one.
    opinion = "" if approved or comment else "不同意"
    return human_tasks.complete(
        task.pk, actor=user, data={"approved": approved, "comment": comment}, opinion=opinion
    )


def case_data(case: ProcessInstance) -> dict[str, Any]:
    case.refresh_from_db()
    return dict(runtime.load_workflow(case).data)


def ended_at(case: ProcessInstance) -> str:
    """Which end event the case reached."""
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED, (case.status, case.last_error)
    workflow = runtime.load_workflow(case)
    ends = [
        name for name in ("passed", "failed") if workflow.get_tasks(spec_name=name, state=TaskState.COMPLETED)
    ]
    assert len(ends) == 1, ends
    return ends[0]


def test_each_named_signer_gets_their_own_part(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(ALL)
    case = start(cast, [u.username for u in officials[:3]])
    parts = open_parts(case)
    assert [p.assignee_id for p in parts] == [u.pk for u in officials[:3]]
    assert [p.title for p in parts] == [f"联合审查 · 会签（{i}/3）" for i in (1, 2, 3)]
    assert [p.signer for p in parts] == [u.username for u in officials[:3]]
    assert len({p.countersign for p in parts}) == 1 and parts[0].countersign is not None
    # the lane's group: the office's colleagues see them, but each part is its signer's own
    assert all(p.candidate_group == f"office_staff@{AREA_A}" for p in parts)
    with pytest.raises(ServiceError):
        sign(parts[0], officials[1])  # not theirs
    for part, user in zip(parts, officials[:3], strict=True):
        sign(part, user, comment=f"同意 {user.username}")
    assert ended_at(case) == "passed"
    data = case_data(case)
    assert data["countersign"] == {"task": "sign", "total": 3, "completed": 3, "approved": 3, "rejected": 0}
    assert [o["by"] for o in data["opinions"]] == [u.username for u in officials[:3]]
    assert [o["comment"] for o in data["opinions"]] == [f"同意 {u.username}" for u in officials[:3]]
    assert all(o["approved"] is True and o["task"] == "sign" for o in data["opinions"])


def test_a_veto_ends_the_countersign_at_once(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(VETO)
    case = start(cast, [u.username for u in officials[:3]])
    parts = open_parts(case)
    sign(parts[0], officials[0])
    sign(parts[1], officials[1], approved=False, comment="材料不全")
    assert ended_at(case) == "failed"
    statuses = dict(HumanTask.objects.filter(pk__in=[p.pk for p in parts]).values_list("signer", "status"))
    assert statuses == {
        officials[0].username: "completed",
        officials[1].username: "completed",
        officials[2].username: "cancelled",
    }
    data = case_data(case)
    assert data["countersign"]["rejected"] == 1 and data["countersign"]["completed"] == 2
    assert [o["approved"] for o in data["opinions"]] == [True, False]


def test_or_sign_any_one_signature_is_enough(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(ANY_ONE, label="或签")
    case = start(cast, [u.username for u in officials[:4]])
    parts = open_parts(case)
    assert parts[0].title == "联合审查 · 或签（1/4）"
    sign(parts[2], officials[2])
    assert ended_at(case) == "passed"
    assert case.human_tasks.filter(status="cancelled").count() == 3


def test_two_of_three_approvals_complete_it(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(TWO_OF_THREE)
    case = start(cast, [u.username for u in officials[:3]])
    parts = open_parts(case)
    sign(parts[0], officials[0], approved=False)
    case.refresh_from_db()
    assert case.status != InstanceStatus.COMPLETED, "a rejection is not an approval"
    sign(parts[1], officials[1])
    assert len(open_parts(case)) == 1
    sign(parts[2], officials[2])
    assert ended_at(case) == "failed", "two approvals, but the rejection is seen by the gateway"


def test_a_share_of_the_signers(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(SIXTY_PERCENT)
    case = start(cast, [u.username for u in officials[:5]])
    parts = open_parts(case)
    for part, user in zip(parts[:2], officials, strict=False):
        sign(part, user)
    assert len(open_parts(case)) == 3
    sign(parts[2], officials[2])
    assert ended_at(case) == "passed"
    assert case_data(case)["countersign"]["approved"] == 3


def test_sequential_signers_sign_in_list_order(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(VETO, sequential=True)
    order = [officials[2], officials[0], officials[1]]
    case = start(cast, [u.username for u in order])
    for i, user in enumerate(order, start=1):
        (part,) = open_parts(case)
        assert part.assignee_id == user.pk and part.title == f"联合审查 · 依次审批（{i}/3）"
        sign(part, user)
    assert ended_at(case) == "passed"
    assert [o["by"] for o in case_data(case)["opinions"]] == [u.username for u in order]


def test_a_sequential_veto_stops_before_the_next_signer(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(VETO, sequential=True)
    case = start(cast, [u.username for u in officials[:3]])
    (first,) = open_parts(case)
    sign(first, officials[0], approved=False)
    assert ended_at(case) == "failed"
    assert case.human_tasks.count() == 1, "the later signers were never asked"


def test_group_signers_are_claimed_and_one_person_signs_once(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(ALL)
    case = start(cast, [f"office_staff@{AREA_A}", f"市场监管所@{AREA_A}", f"office_staff@{AREA_B}"])
    parts = open_parts(case)
    assert [p.candidate_group for p in parts] == [
        f"office_staff@{AREA_A}",
        f"office_staff@{AREA_A}",
        f"office_staff@{AREA_B}",
    ]
    assert all(p.assignee_id is None for p in parts)
    sign(parts[0], officials[0])
    with pytest.raises(Conflict) as refused:
        sign(parts[1], officials[0])
    assert refused.value.code == "already_signed"
    with pytest.raises(Conflict) as refused:
        human_tasks.claim(parts[1].pk, actor=officials[0])
    assert refused.value.code == "already_signed"
    sign(parts[1], officials[1])
    with pytest.raises(ServiceError):
        sign(parts[2], officials[2])  # not in AREA_B's office
    sign(parts[2], cast.office_b)
    assert ended_at(case) == "passed"


def test_one_person_listed_twice_still_signs_once(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(ALL)
    case = start(cast, [officials[0].username, officials[0].username])
    first, second = open_parts(case)
    sign(first, officials[0])
    with pytest.raises(Conflict) as refused:
        sign(second, officials[0])
    assert refused.value.code == "already_signed"
    case.refresh_from_db()
    assert case.status != InstanceStatus.COMPLETED


def test_a_named_part_cannot_be_released_or_reassigned(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(ALL)
    case = start(cast, [officials[0].username])
    (part,) = open_parts(case)
    for action in (
        lambda: human_tasks.unclaim(part.pk, actor=officials[0]),
        lambda: human_tasks.assign(part.pk, actor=officials[1], assignee_username=officials[1].username),
    ):
        with pytest.raises(Conflict) as refused:
            action()
        assert refused.value.code == "named_signer"
    part.refresh_from_db()
    assert part.assignee_id == officials[0].pk


def test_an_unknown_signer_stops_the_instance_naming_the_step_until_retried(
    cast: Cast, officials: list[Any]
) -> None:
    deploy_countersign(ALL)
    case = start(cast, [officials[0].username, "no_such_official", "office_staff@nowhere"])
    case.refresh_from_db()
    assert case.status == InstanceStatus.ERROR
    assert case.error_task_spec == "sign [child]"
    assert "no_such_official" in case.last_error and "no active user" in case.last_error
    assert [p.signer for p in open_parts(case)] == [officials[0].username]
    make_user(username="no_such_official")
    OrgUnit.objects.create(code="nowhere", name="新设监管所", kind=OrgUnit.Kind.OFFICE)
    instances.retry(case.pk, actor=cast.admin, reason="签署人已开户")
    case.refresh_from_db()
    assert case.status == InstanceStatus.RUNNING, case.last_error
    parts = {p.signer: p for p in open_parts(case)}
    assert set(parts) == {officials[0].username, "no_such_official", "office_staff@nowhere"}
    assert parts["office_staff@nowhere"].candidate_group == "office_staff@nowhere"


@pytest.mark.parametrize("signers", [["office_a", 7], ["auditing@" + AREA_A], [""]])
def test_signers_that_are_not_user_names_or_groups_stop_the_instance(cast: Cast, signers: list[Any]) -> None:
    deploy_countersign(ALL)
    case = start(cast, signers)
    case.refresh_from_db()
    assert case.status == InstanceStatus.ERROR and "signer" in case.last_error


def test_the_rule_reads_the_aggregates_not_a_signers_data(cast: Cast, officials: list[Any]) -> None:
    # A signer's form cannot fake the count: `approved` in its data is its own decision, and the
    # rule's names come from the engine.
    deploy_countersign(TWO_OF_THREE)
    case = instances.start_instance(
        "countersign",
        actor=cast.operator_a,
        org_unit_code=OPERATOR_A,
        data={"signers": [u.username for u in officials[:3]], "approved": True, "completed": 9},
    )
    parts = open_parts(case)
    sign(parts[0], officials[0], approved=False)
    case.refresh_from_db()
    assert case.status == InstanceStatus.RUNNING and len(open_parts(case)) == 2


def test_signatures_are_audited_as_task_completions(cast: Cast, officials: list[Any]) -> None:
    deploy_countersign(ALL)
    case = start(cast, [u.username for u in officials[:2]])
    for part, user in zip(open_parts(case), officials, strict=False):
        sign(part, user)
    events = list(
        AuditEvent.objects.filter(instance_id=case.pk, action="task.completed").values_list(
            "actor_id", flat=True
        )
    )
    assert events == [officials[0].pk, officials[1].pk]


@pytest.mark.django_db(transaction=True)
def test_twenty_signers_at_once_all_count(cast: Cast) -> None:
    office = OrgUnit.objects.get(code=AREA_A)
    users = []
    for i in range(20):
        user = make_user(username=f"signer{i}")
        Membership.objects.create(user=user, org_unit=office, role="office_staff")
        users.append(user)
    deploy_countersign(ALL)
    case = start(cast, [u.username for u in users])
    parts = open_parts(case)
    by_user = {p.assignee_id: p for p in parts}
    results = run_concurrently(lambda i: sign(by_user[users[i].pk], users[i]), workers=20)
    assert all(isinstance(r, HumanTask) for r in results), results
    assert ended_at(case) == "passed"
    data = case_data(case)
    assert data["countersign"]["completed"] == 20 and len(data["opinions"]) == 20


def test_a_countersign_opened_in_one_process_finishes_in_another(cast: Cast, officials: list[Any]) -> None:
    # Each process compiles its own specs; Spiff connects a loop to its parts' completions only
    # when that process creates the parts. A fresh cache is a fresh process (another gunicorn
    # worker, a Celery worker, a restart).
    from workflows import spec_cache

    deploy_countersign(ALL)
    case = start(cast, [u.username for u in officials[:2]])
    first, second = open_parts(case)
    spec_cache._cache.clear()
    sign(first, officials[0])
    spec_cache._cache.clear()
    sign(second, officials[1])
    assert ended_at(case) == "passed"
