"""manage.py backfill_timer_specs: record which activities older waiting instances hold timers at
(workflows/timer_backfill.py); the set-up runs it after migrating, and it is cheap when done."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from workflows.timer_backfill import backfill


class Command(BaseCommand):
    help = "Record the timer activities of instances that waited for a timer before they were recorded."

    def handle(self, *args: Any, **options: Any) -> None:
        done = backfill()
        if done:
            self.stdout.write(f"recorded the timer activities of {done} instance(s)")
