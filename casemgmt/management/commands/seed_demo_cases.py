"""manage.py seed_demo_cases — a few service cases at every stage, worked by the demo operator."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casemgmt.demo.cases import load_demo_cases


class Command(BaseCommand):
    help = "Create demo service cases (idempotent). Needs seed_demo, load_registry and deploy_bpmn first."

    def handle(self, *args: Any, **options: Any) -> None:
        operator = get_user_model().objects.filter(username="operator").first()
        if operator is None:
            raise CommandError("The demo operator does not exist: run seed_demo first.")
        cases = load_demo_cases(operator)
        self.stdout.write("Demo cases: " + ", ".join(f"{c.case_no} ({c.stage})" for c in cases))
