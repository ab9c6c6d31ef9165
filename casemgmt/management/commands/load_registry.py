"""manage.py load_registry — divisions, operating organizations and the 20 service projects of
the 2024 notice (Attachment 1). Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from casemgmt.registry.seed import divisions_without_project, load_registry


class Command(BaseCommand):
    help = "Load the divisions, operating organizations and service projects of the 2024 notice."

    def handle(self, *args: Any, **options: Any) -> None:
        projects = load_registry()
        self.stdout.write(f"{len(projects)} service projects loaded.")
        gaps = ", ".join(unit.name for unit in divisions_without_project())
        if gaps:
            self.stdout.write(f"Divisions without a project: {gaps}")
