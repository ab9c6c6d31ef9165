"""manage.py seed_demo_programme — the demo programme: cases with outcomes, a quarter's typical
cases, three projects in the promotion process (self-assessment under way, named district-level,
under guidance) and an instance in error with a fixed version deployed (casemgmt/demo/)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casemgmt.demo.programme import load_demo_programme
from core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Create the demo programme (idempotent). Needs deploy_bpmn, seed_demo, load_registry, "
        "load_sample_institutions and load_scorecard_template first."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        began = time.monotonic()
        try:
            steps = load_demo_programme()
        except ServiceError as error:
            raise CommandError(error.message_en) from error
        for step in steps:
            self.stdout.write(f"  {'made' if step.made else 'kept'}  {step.name}")
        self.stdout.write(f"Demo programme ready in {time.monotonic() - began:.1f} s.")
