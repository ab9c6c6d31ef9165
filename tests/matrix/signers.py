"""Permission-matrix rows for 加签 / 减签 and 抄送 (issue 17).

The world's task is SQ-1's "submit", open and unclaimed in operator@operator-fs. Adding signers
needs the task held: operator_a claims it first; the others who see the case do not hold it.
For signing and removing, operator_a claims it and adds office_a as a 前加签 signer: the part is
office_a's to sign and operator_a's to remove.
"""

from __future__ import annotations

from typing import Any

from tests.web.page_matrix_rows import Check, get_refused, on_case_a
from tests.workflows.api_matrix_support import Row, by_visibility, everyone_authenticated, url
from workflows import added_signers, human_tasks
from workflows.models import HumanTask

SEERS = ("admin", "auditor", "reviewer", "office_a", "operator_a")


def _signer_added(world: Any) -> None:
    human_tasks.claim(world.task.pk, actor=world.cast.operator_a)
    added_signers.add(world.task.pk, actor=world.cast.operator_a, mode="before", signers=["office_a"])


def _claimed(world: Any) -> None:
    human_tasks.claim(world.task.pk, actor=world.cast.operator_a)


def _part(world: Any) -> dict[str, Any]:
    """The added part; the task itself where no setup added one (what anonymous is refused)."""
    part = HumanTask.objects.filter(added_to=world.task).first()
    return {"pk": (part or world.task).pk}


TASK = lambda w: {"pk": w.task.pk}  # noqa: E731
REFUSED_BUT = lambda **allowed: on_case_a(**{**dict.fromkeys(SEERS, 403), **allowed})  # noqa: E731

PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    "task-add-signers-page": (
        Check(
            "post",
            "post",
            REFUSED_BUT(operator_a=302),
            TASK,
            {"mode": "before", "signers": ["office_a"]},
            setup=_claimed,
        ),
        get_refused(TASK),
    ),
    "task-sign-page": (
        Check("post", "post", REFUSED_BUT(office_a=302), _part, {"approved": "true"}, setup=_signer_added),
        get_refused(TASK),
    ),
    "task-remove-signer-page": (
        Check("post", "post", REFUSED_BUT(operator_a=302), _part, setup=_signer_added),
        get_refused(TASK),
    ),
}
PUBLIC_PAGES: frozenset[str] = frozenset()
# The API rows run on the world as it is: the task is nobody's added part (409 to sign or remove),
# and unclaimed (409 for its group to add signers to).
API_ROWS: dict[str, Row] = {
    "task-add-signers": Row(
        "post",
        url("task-add-signers", pk=lambda w: w.task.pk),
        lambda w: {"mode": "before", "signers": ["office_a"]},
        by_visibility({**dict.fromkeys(SEERS, 403), "operator_a": 409}),
        403,
    ),
    "task-sign": Row(
        "post",
        url("task-sign", pk=lambda w: w.task.pk),
        lambda w: {"approved": True},
        by_visibility(dict.fromkeys(SEERS, 409)),
        403,
    ),
    "task-remove-signer": Row(
        "post",
        url("task-remove-signer", pk=lambda w: w.task.pk),
        None,
        by_visibility(dict.fromkeys(SEERS, 409)),
        403,
    ),
    "copy-list": Row("get", url("copy-list"), None, everyone_authenticated(200), 403),
}
