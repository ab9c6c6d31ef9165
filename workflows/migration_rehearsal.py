"""A migration rehearsed: the real move run in a transaction that is then rolled back, reporting
what it did, so that the dry run can never differ from the run (issue 16). `migration.plan()`
stays the cheap preview a page shows on every view (it locks nothing); a rehearsal locks the
instance for as long as the move takes, as the move does, and leaves nothing behind: no rows, no
audit events, no notifications, no jobs (their on-commit hooks go with the rollback)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

from core.errors import Conflict, InvalidInput
from core.service import Actor, write_transaction

from . import migration
from .models import HumanTask, ProcessInstance


@dataclass
class Rehearsal:
    """What the move would do to one instance, as it did it before being rolled back."""

    instance_id: int
    moved: bool
    plan: migration.MigrationPlan | None = None
    refusal: dict[str, Any] | None = None
    status_after: str = ""
    error_after: str = ""
    # Each open task after the move: its step, group and assignee, before (None: opened by the
    # move) and after.
    tasks: list[dict[str, Any]] = field(default_factory=list)
    next_timer_before: str | None = None
    next_timer_after: str | None = None

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["plan"] = self.plan.as_dict() if self.plan is not None else None
        return found


class _RollBack(Exception):
    """Raised to undo the rehearsed move once it has been observed."""


def _open_tasks(instance_id: int) -> dict[int, dict[str, Any]]:
    return {
        row.pk: {
            "task_spec": row.task_spec,
            "group": row.candidate_group,
            "assignee": row.assignee.get_username() if row.assignee is not None else None,
        }
        for row in HumanTask.objects.filter(instance_id=instance_id, status=HumanTask.Status.OPEN)
        .select_related("assignee")
        .order_by("pk")
    }


def _when(instance: ProcessInstance) -> str | None:
    return instance.next_timer_at.isoformat() if instance.next_timer_at is not None else None


def rehearse(
    instance_id: int,
    *,
    actor: Actor,
    version_number: int | None = None,
    restart_timers: bool = False,
) -> Rehearsal:
    """Run the move to `version_number` (the newest when None) and roll it back; a refusal (no
    permission, a blocked plan) is reported as the move would answer it."""
    report = Rehearsal(instance_id, moved=False)
    with transaction.atomic():
        before_row = ProcessInstance.objects.filter(pk=instance_id).first()
        before = _open_tasks(instance_id)
        report.next_timer_before = _when(before_row) if before_row is not None else None
        try:
            with write_transaction():
                instance, report.plan = migration.migrate(
                    instance_id,
                    actor=actor,
                    reason="rehearsal",
                    version_number=version_number,
                    restart_timers=restart_timers,
                )
                after = _open_tasks(instance_id)
                instance.refresh_from_db()
                report.moved = True
                report.status_after = instance.status
                report.error_after = instance.last_error
                report.next_timer_after = _when(instance)
                report.tasks = [
                    {
                        "task_spec": now["task_spec"],
                        "group_before": before.get(pk, {}).get("group"),
                        "group_after": now["group"],
                        "assignee_before": before.get(pk, {}).get("assignee"),
                        "assignee_after": now["assignee"],
                        "new": pk not in before,
                    }
                    for pk, now in after.items()
                ]
                raise _RollBack
        except _RollBack:
            pass
        except (Conflict, InvalidInput) as exc:
            # What the move would answer (a blocked plan, a status it cannot move from); no
            # permission or no such instance is raised, not reported.
            report.refusal = exc.as_dict()
            if exc.code == "not_migratable":
                report.plan = migration.plan(
                    instance_id, actor=actor, version_number=version_number, restart_timers=restart_timers
                )
    return report
