"""Permission-matrix rows for the approval operations (issue 17): urging a task, one's own saved
phrases and the printable approval record.

The world's task is SQ-1's "submit", open in operator@operator-fs: its group works it, so they may
not urge it (nor may an auditor, who only reads); the others who see the case may. A saved phrase
is its owner's alone: anyone else gets 404, exactly as for one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from casemgmt.models import Membership, OrgUnit
from tests.factories import make_user
from tests.personas import OPERATOR_A
from tests.web.page_matrix_rows import Check, get_refused, on_case_a, who
from tests.workflows.api_matrix_support import Row, by_visibility, everyone_authenticated, url
from workflows import handover, human_tasks, phrases
from workflows.models import HumanTask, SavedPhrase


def _office_a_phrase(_world: Any = None) -> SavedPhrase:
    owner = User.objects.get(username="office_a")
    return SavedPhrase.objects.filter(user=owner).first() or phrases.add(owner, "同意。")


def _submitted(world: Any) -> None:
    """SQ-1 submitted by operator_a: the office review is open in office_staff@area-a."""
    human_tasks.complete(world.task.pk, actor=world.cast.operator_a, data={"title": "计量", "amount": 1})


def _office_review(world: Any) -> dict[str, Any]:
    return {"pk": world.case.human_tasks.get(status=HumanTask.Status.OPEN).pk}


def _colleague(world: Any) -> None:
    """operator_a2, a second operator at operator-fs: someone to transfer SQ-1's task to."""
    user = make_user(username="operator_a2")
    Membership.objects.create(user=user, org_unit=OrgUnit.objects.get(code=OPERATOR_A), role="operator")


def _delegated(world: Any) -> None:
    _colleague(world)
    handover.delegate(world.task.pk, actor=world.cast.operator_a, to="operator_a2", reason="请核实")


PHRASE = lambda w: {"pk": _office_a_phrase(w).pk}  # noqa: E731
TASK = lambda w: {"pk": w.task.pk}  # noqa: E731
CASE = lambda w: {"pk": w.case.pk}  # noqa: E731
NOBODY_BUT_THE_DELEGATE = dict.fromkeys(("admin", "auditor", "reviewer", "office_a", "operator_a"), 403)
HOLDER_ONLY = {"admin": 403, "auditor": 403, "reviewer": 403, "office_a": 403, "operator_a": 200}
URGERS = {"admin": 302, "auditor": 403, "reviewer": 302, "office_a": 302, "operator_a": 403}


PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    "task-urge-page": (Check("post", "post", on_case_a(**URGERS), TASK), get_refused(TASK)),
    "phrases": (
        Check("get", "get", who(200)),
        Check("post", "post", who(302), body={"text": "材料齐全，同意。"}),
    ),
    "phrase-edit": (
        Check("post", "post", who(404, office_a=302), PHRASE, {"text": "同意办理。"}),
        get_refused(PHRASE),
    ),
    "phrase-delete": (Check("post", "post", who(404, office_a=302), PHRASE), get_refused(PHRASE)),
    # 退回 from the office review to the submission: the office's people hold it (and office_a,
    # the one walked, returns it); who sees the case but does not hold the task is refused.
    "task-return-page": (
        Check(
            "post",
            "post",
            on_case_a(admin=403, auditor=403, reviewer=403, office_a=302, operator_a=403),
            _office_review,
            lambda w: {"target": w.task.pk, "opinion": "金额有误"},
            setup=_submitted,
        ),
        get_refused(TASK),
    ),
    # 撤回: only whoever completed the step (operator_a submitted it); the next one is unclaimed.
    "task-recall-page": (
        Check(
            "post",
            "post",
            on_case_a(admin=403, auditor=403, reviewer=403, office_a=403, operator_a=302),
            TASK,
            setup=_submitted,
        ),
        get_refused(TASK),
    ),
    # 转办 / 委派: the holder (operator_a) to a colleague of operator-fs; the others who see the
    # case do not hold the task. Handing back is the delegate's alone (operator_a2, not a persona).
    "task-handover-page": (
        Check(
            "post",
            "post",
            on_case_a(admin=403, auditor=403, reviewer=403, office_a=403, operator_a=302),
            TASK,
            {"to": "operator_a2", "reason": "休假", "op": "transfer"},
            setup=_colleague,
        ),
        get_refused(TASK),
    ),
    "task-hand-back-page": (
        Check(
            "post", "post", on_case_a(**NOBODY_BUT_THE_DELEGATE), TASK, {"opinion": "属实"}, setup=_delegated
        ),
        get_refused(TASK),
    ),
    "instance-record": (
        Check(
            "get", "get", on_case_a(admin=200, auditor=200, reviewer=200, office_a=200, operator_a=200), CASE
        ),
    ),
    "instance-record-xlsx": (
        Check(
            "get", "get", on_case_a(admin=200, auditor=200, reviewer=200, office_a=200, operator_a=200), CASE
        ),
    ),
}
PUBLIC_PAGES: frozenset[str] = frozenset()
API_ROWS: dict[str, Row] = {
    "task-urge": Row(
        "post",
        url("task-urge", pk=lambda w: w.task.pk),
        lambda w: {"note": "请尽快办理"},
        by_visibility({k: 200 if v == 302 else v for k, v in URGERS.items()}),
        403,
    ),
    # The world's task is open "submit": its holder (operator_a) has no earlier step to go back to
    # (an empty list; a return is bad input), and nobody completed it, so nobody may recall it.
    "task-return-targets": Row(
        "get", url("task-return-targets", pk=lambda w: w.task.pk), None, by_visibility(HOLDER_ONLY), 403
    ),
    "task-return": Row(
        "post",
        url("task-return", pk=lambda w: w.task.pk),
        lambda w: {"target": w.task.pk, "opinion": "退回"},
        by_visibility({**HOLDER_ONLY, "operator_a": 400}),
        403,
    ),
    "task-recall": Row(
        "post",
        url("task-recall", pk=lambda w: w.task.pk),
        None,
        by_visibility(dict.fromkeys(HOLDER_ONLY, 403)),
        403,
    ),
    # Nobody else works in operator-fs: the holder's transfer or delegation names no colleague (400);
    # handing back a task that was never delegated is a conflict.
    "task-transfer": Row(
        "post",
        url("task-transfer", pk=lambda w: w.task.pk),
        lambda w: {"to": "operator_b", "reason": "休假"},
        by_visibility({**HOLDER_ONLY, "operator_a": 400}),
        403,
    ),
    "task-delegate": Row(
        "post",
        url("task-delegate", pk=lambda w: w.task.pk),
        lambda w: {"to": "operator_b", "reason": "请核实"},
        by_visibility({**HOLDER_ONLY, "operator_a": 400}),
        403,
    ),
    "task-hand-back": Row(
        "post",
        url("task-hand-back", pk=lambda w: w.task.pk),
        lambda w: {"opinion": "属实"},
        by_visibility({**HOLDER_ONLY, "operator_a": 409}),
        403,
    ),
    "phrase-list": Row("get", url("phrase-list"), None, everyone_authenticated(200), 403),
    "phrase-detail": Row(
        "delete",
        url("phrase-detail", pk=lambda w: _office_a_phrase().pk),
        None,
        {**everyone_authenticated(404), "office_a": 204},
        403,
    ),
}
