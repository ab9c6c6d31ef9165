"""manage.py migrate_instances MODEL --reason "..." [--to N] [--dry-run] [--instance ID ...]

Moves the model's open instances that run an older version to version N (the newest by default),
each in its own transaction, as the system. --dry-run rehearses each move (runs it and rolls it
back) and reports what it did. Instances the plan refuses are reported and left as
they are; the command fails when any was refused, so a deployment script notices.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import ServiceError
from workflows import migration, rows
from workflows.migration_rehearsal import Rehearsal, rehearse
from workflows.models import ProcessInstance


class Command(BaseCommand):
    help = "Migrate a process model's open instances to one of its versions (the newest by default)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("model", help="process model key")
        parser.add_argument("--to", type=int, default=None, help="target version number (default: newest)")
        parser.add_argument("--instance", type=int, action="append", help="only these instance ids")
        parser.add_argument("--dry-run", action="store_true", help="report the plans, change nothing")
        parser.add_argument("--reason", default="", help="why (required unless --dry-run)")

    def handle(self, *args: Any, **options: Any) -> None:
        target = rows.find_version(options["model"], options["to"])
        if target is None:
            raise CommandError(f"{options['model']} has no version {options['to'] or '(none deployed)'}")
        if not options["dry_run"] and not options["reason"].strip():
            raise CommandError("--reason is required to migrate (or use --dry-run)")
        candidates = (
            ProcessInstance.objects.filter(
                version__process_model=target.process_model, status__in=migration.MIGRATABLE
            )
            .exclude(version=target)
            .order_by("pk")
        )
        if options["instance"]:
            candidates = candidates.filter(pk__in=options["instance"])
        refused = 0
        for instance_id in candidates.values_list("pk", flat=True):
            try:
                if options["dry_run"]:
                    # The real move, rolled back: what it would do, per instance.
                    rehearsal = rehearse(instance_id, actor=None, version_number=target.number)
                    found = rehearsal.plan or migration.plan(
                        instance_id, actor=None, version_number=target.number
                    )
                    self.stdout.write(self._rehearsed(rehearsal))
                else:
                    _, found = migration.migrate(
                        instance_id,
                        actor=None,
                        reason=options["reason"],
                        version_number=target.number,
                        # The system acts; who ran the command is recorded with it.
                        via=f"command line ({getpass.getuser()})",
                    )
            except ServiceError as exc:
                refused += 1
                self.stderr.write(f"instance {instance_id}: refused: {exc.message_en}")
                continue
            self.stdout.write(self._describe(found, options["dry_run"]))
            refused += 0 if found.can_migrate else 1
        if refused:
            raise CommandError(f"{refused} instance(s) cannot be migrated to v{target.number}")

    @staticmethod
    def _rehearsed(rehearsal: Rehearsal) -> str:
        """What the rolled-back move did: the status it left, and each task that changed hands."""
        if not rehearsal.moved:
            return f"instance {rehearsal.instance_id}: rehearsal refused"
        parts = [f"instance {rehearsal.instance_id}: rehearsal ends {rehearsal.status_after}"]
        if rehearsal.error_after:
            parts.append(f"error: {rehearsal.error_after}")
        for task in rehearsal.tasks:
            if task["new"]:
                parts.append(f"opens {task['task_spec']} for {task['group_after']}")
            elif task["group_before"] != task["group_after"]:
                lost = f", {task['assignee_before']} loses the claim" if task["assignee_before"] else ""
                parts.append(
                    f"{task['task_spec']} moves {task['group_before']} -> {task['group_after']}{lost}"
                )
        if rehearsal.next_timer_before != rehearsal.next_timer_after:
            parts.append(f"next timer {rehearsal.next_timer_before} -> {rehearsal.next_timer_after}")
        return "; ".join(parts)

    @staticmethod
    def _describe(found: migration.MigrationPlan, dry_run: bool) -> str:
        verb = ("would move" if found.can_migrate else "cannot move") if dry_run else "moved"
        parts = [f"instance {found.instance_id}: {verb} v{found.from_version} -> v{found.to_version}"]
        for label, names in (
            ("open", found.open_tasks),
            ("changed", found.changed),
            ("added", found.added),
            ("removed", found.removed),
            ("timers restart", found.restarted_timers),
            ("timers keep their due time", [f"{t['task']} {t['due']}" for t in found.kept_timers]),
        ):
            if names:
                parts.append(f"{label}: {', '.join(names)}")
        parts.extend(f"blocked: {blocker.message_en}" for blocker in found.blockers)
        return "; ".join(parts)
