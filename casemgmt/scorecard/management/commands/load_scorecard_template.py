"""manage.py load_scorecard_template — Attachment 3 as scorecard template version 1. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from casemgmt.scorecard.seed import load_template


class Command(BaseCommand):
    help = "Load the efficiency scorecard of Attachment 3 (template version 1)."

    def handle(self, *args: Any, **options: Any) -> None:
        version, changed = load_template()
        state = "loaded" if changed else "unchanged"
        if version.is_used and not changed:
            state = "in use, unchanged"
        self.stdout.write(f"Scorecard template v{version.number}: {state}.")
