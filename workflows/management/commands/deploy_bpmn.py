"""manage.py deploy_bpmn bpmn/ — deploy every diagram in a folder; same content, same version.

`--model KEY a.bpmn b.bpmn form.json` deploys the files given as one model instead (a process
and the processes it calls in the same file set, say)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import InvalidInput
from workflows.deploy import DeployOutcome, bundle_for, bundle_of, callees_first, deploy
from workflows.parsing import DiagramInvalid


class Command(BaseCommand):
    help = (
        "Deploy each .bpmn file in the given folders (with the forms and decision tables it names), "
        "callees before their callers; with --model, deploy all the given files as that one model."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "paths", nargs="+", help="folders, .bpmn files (and with --model .json, .dmn files)"
        )
        parser.add_argument("--model", help="deploy all the files given as one model with this key")
        parser.add_argument("--validate-only", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = self._paths(options["paths"], several=bool(options["model"]))
        if options["model"]:
            try:
                files = bundle_of(paths)
            except (OSError, InvalidInput) as exc:
                raise CommandError(str(exc)) from None
            label = ", ".join(path.name for path in paths)
            if not self._deploy(label, files, options["model"], options["validate_only"]):
                raise CommandError("the files are invalid; nothing was deployed")
            return
        failed = False
        for diagram in callees_first(paths):
            ok = self._deploy(diagram.name, bundle_for(diagram), diagram.stem, options["validate_only"])
            failed = failed or not ok
        if failed:
            raise CommandError("some diagrams are invalid; nothing was deployed for them")

    def _paths(self, raw_paths: list[str], *, several: bool) -> list[Path]:
        found: list[Path] = []
        kinds = (".bpmn", ".json", ".dmn") if several else (".bpmn",)
        for raw in raw_paths:
            path = Path(raw)
            if path.is_dir():
                found.extend(sorted(path.glob("*.bpmn")))
            elif path.suffix in kinds and path.is_file():
                found.append(path)
            else:
                raise CommandError(f"{raw}: not a folder or {' / '.join(kinds)} file")
        return found

    def _deploy(self, label: str, files: dict[str, str], key: str, validate_only: bool) -> bool:
        try:
            outcome: DeployOutcome = deploy(
                files, actor=None, model_key=key, validate_only=validate_only, via="deploy_bpmn"
            )
        except DiagramInvalid as exc:
            for problem in exc.problems:
                where = f"{problem.file or label}:{problem.line or '?'}"
                self.stderr.write(f"{where} [{problem.element_id}] {problem.message}")
            return False
        if outcome.version is None:
            self.stdout.write(f"{label}: valid")
        else:
            verb = "deployed" if outcome.created else "unchanged"
            self.stdout.write(f"{label}: {verb} as {outcome.model_key} v{outcome.version.number}")
        return True
