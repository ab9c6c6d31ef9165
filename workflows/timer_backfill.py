"""Filling in `ProcessInstance.timer_specs` for instances that waited for a timer before the column
existed (migration 0011): every turn writes it since, so only rows with a timer due and no
activity recorded need it, and a set-up run after the first finds none (one indexed query)."""

from __future__ import annotations

from django.db import transaction
from SpiffWorkflow.util.task import TaskState

from . import runtime
from .models import ProcessInstance

BATCH = 200


def backfill(batch: int = BATCH) -> int:
    """Record the timer activities of each such instance from its state, a batch per
    transaction (rows a turn holds are skipped: that turn writes them); returns how many."""
    done, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                ProcessInstance.objects.select_for_update(skip_locked=True)
                .select_related("version")
                .filter(next_timer_at__isnull=False, timer_specs=[], id__gt=last)
                .order_by("id")[:batch]
            )
            if not rows:
                return done
            for instance in rows:
                workflow = runtime.load_workflow(instance)
                _due, specs = runtime.next_timer_at(workflow.get_tasks(state=TaskState.WAITING))
                if specs:
                    instance.timer_specs = specs
                    instance.save(update_fields=["timer_specs"])
                    done += 1
            last = rows[-1].pk
