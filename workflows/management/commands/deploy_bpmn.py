"""manage.py deploy_bpmn bpmn/ — deploy every diagram in a folder; same content, same version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workflows.deploy import bundle_for, deploy
from workflows.parsing import DiagramInvalid


class Command(BaseCommand):
    help = "Deploy each .bpmn file in the given folders (with the forms and decision tables it names)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", help="folders or .bpmn files")
        parser.add_argument("--validate-only", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        diagrams: list[Path] = []
        for raw in options["paths"]:
            path = Path(raw)
            if path.is_dir():
                diagrams.extend(sorted(path.glob("*.bpmn")))
            elif path.suffix == ".bpmn" and path.is_file():
                diagrams.append(path)
            else:
                raise CommandError(f"{raw}: not a folder or .bpmn file")
        failed = False
        for diagram in diagrams:
            try:
                outcome = deploy(
                    bundle_for(diagram),
                    actor=None,
                    model_key=diagram.stem,
                    validate_only=options["validate_only"],
                )
            except DiagramInvalid as exc:
                failed = True
                for problem in exc.problems:
                    where = f"{problem.file or diagram.name}:{problem.line or '?'}"
                    self.stderr.write(f"{where} [{problem.element_id}] {problem.message}")
                continue
            if outcome.version is None:
                self.stdout.write(f"{diagram.name}: valid")
            else:
                verb = "deployed" if outcome.created else "unchanged"
                self.stdout.write(f"{diagram.name}: {verb} as {outcome.model_key} v{outcome.version.number}")
        if failed:
            raise CommandError("some diagrams are invalid; nothing was deployed for them")
