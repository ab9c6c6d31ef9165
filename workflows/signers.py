"""Who signs each part of a countersign (workflows/countersign.py): a named user or a group.

A turn resolves the signers of the countersign instances it opens in one query. A signer that
cannot be resolved (no such active user, a group of an unknown role or org unit, not text) puts
that instance in ERROR (runtime.turn), so the instance stops there naming the step and the signer;
once the directory is put right, a retry opens the instance again and resolves it afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from SpiffWorkflow.task import Task

from . import registry
from .countersign import Part, part_of


@dataclass(frozen=True)
class Signer:
    """A resolved signer: a user id, or the candidate group of a `role@org-unit` signer."""

    user_id: int | None = None
    candidate: registry.Candidate | None = None


class SignerUnknown(Exception):
    def __init__(self, task: Task, signer: Any, reason: str) -> None:
        super().__init__(f"countersign signer {signer!r} of {task.task_spec.name}: {reason}")
        self.task = task


Resolved = dict[Any, tuple[Part, Signer]]


def resolve(tasks: Iterable[Task]) -> tuple[Resolved, list[SignerUnknown]]:
    """The part and signer of each countersign instance among `tasks`, keyed by Spiff task id,
    and why the others' signers are unknown."""
    parts = [(task, part) for task in tasks if (part := part_of(task)) is not None]
    if not parts:
        return {}, []
    names = {part.signer for _, part in parts if part.signer and not part.is_group}
    users = dict(
        get_user_model()
        .objects.filter(username__in=sorted(names), is_active=True)
        .values_list("username", "id")
    )
    resolved: Resolved = {}
    unknown: list[SignerUnknown] = []
    for task, part in parts:
        try:
            resolved[task.id] = (part, _signer(task, part, users))
        except SignerUnknown as exc:
            unknown.append(exc)
    return resolved, unknown


def _signer(task: Task, part: Part, users: dict[str, int]) -> Signer:
    if not part.signer:
        raise SignerUnknown(task, task.data.get("signer"), "a signer is a user name or role@org-unit")
    if not part.is_group:
        if part.signer not in users:
            raise SignerUnknown(task, part.signer, "no active user has this name")
        return Signer(user_id=users[part.signer])
    role_text, _, code = part.signer.partition("@")
    role = registry.lane_resolver().role_for_lane(role_text)
    if role is None:
        raise SignerUnknown(task, part.signer, f"{role_text!r} is not a role")
    if not registry.directory().org_unit_exists(code):
        raise SignerUnknown(task, part.signer, f"org unit {code!r} does not exist")
    return Signer(candidate=registry.Candidate(role, code))
