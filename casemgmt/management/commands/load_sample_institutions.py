"""Load the labelled sample technical institutions (and sample stations for projects without one)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casemgmt.registry.samples import load_sample_institutions, load_sample_stations


class Command(BaseCommand):
    help = "Create or refresh the sample technical institutions (（示例）); idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-stations",
            action="store_true",
            help="Do not add a sample station to projects that have none.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        institutions = load_sample_institutions()
        message = f"{institutions} sample institutions loaded"
        if not options["no_stations"]:
            message += f", {load_sample_stations()} sample stations created"
        self.stdout.write(message + ".")
