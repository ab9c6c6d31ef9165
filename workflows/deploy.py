"""Deploying diagrams: validate everything first; an invalid deployment changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Max
from lxml import etree

from audit.actions import Action
from core.errors import InvalidInput
from core.service import Actor, acting_user, audit, require, write_transaction

from . import validation
from .models import ProcessModel, ProcessModelVersion
from .parsing import (
    NSMAP,
    DeployProblem,
    DiagramInvalid,
    build_parser,
    content_hash,
    executable_process_ids,
    load_specs,
    process_name,
    read_files,
    safe_xml_parser,
)
from .validation import FORM_PROPERTY, task_properties


@dataclass
class DeployOutcome:
    model_key: str
    main_process_id: str
    content_hash: str
    version: ProcessModelVersion | None = None
    created: bool = False
    problems: list[DeployProblem] = field(default_factory=list)


def check_files(files: dict[str, str], model_key: str | None = None) -> tuple[str, list[DeployProblem]]:
    """Return (main process id, problems). Problems are collected, not raised, so a caller sees all."""
    try:
        parsed = read_files(files)
    except DiagramInvalid as exc:
        return "", exc.problems
    problems = validation.check(parsed)
    ids = executable_process_ids(parsed)
    main = ""
    if not ids:
        problems.append(DeployProblem("", 'no executable process (isExecutable="true")', code="no_process"))
    elif len(ids) == 1:
        main = ids[0]
    elif model_key in ids:
        main = model_key
    else:
        problems.append(
            DeployProblem(
                "", f"several executable processes {ids}; name the model after one", code="ambiguous"
            )
        )
    if problems:
        return main, problems
    try:
        load_specs(build_parser(parsed), main)
    except DiagramInvalid as exc:
        problems.extend(exc.problems)
    return main, problems


def deploy(
    files: dict[str, str],
    *,
    actor: Actor,
    model_key: str | None = None,
    name: str = "",
    validate_only: bool = False,
) -> DeployOutcome:
    require(actor, "workflows.deploy_model")
    main, problems = check_files(files, model_key)
    key = model_key or main
    outcome = DeployOutcome(
        model_key=key, main_process_id=main, content_hash=content_hash(files), problems=problems
    )
    if problems:
        raise DiagramInvalid(problems)
    if validate_only:
        return outcome
    if not key or len(key) > 100:
        raise InvalidInput("A model key is required.", "必须提供流程模型标识。")
    name = name or process_name(files, main)
    with write_transaction():
        model, _ = ProcessModel.objects.get_or_create(key=key, defaults={"name": name or key})
        # Serialise deployments of one model so version numbers stay gapless.
        model = ProcessModel.objects.select_for_update().get(pk=model.pk)
        existing = model.versions.filter(content_hash=outcome.content_hash).first()
        if existing is not None:
            outcome.version = existing
            return outcome
        number = (model.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        outcome.version = ProcessModelVersion.objects.create(
            process_model=model,
            number=number,
            content_hash=outcome.content_hash,
            files=files,
            main_process_id=main,
            deployed_by=acting_user(actor),
        )
        outcome.created = True
        if name and model.name != name:
            model.name = name
            model.save(update_fields=["name"])
        audit(
            Action.MODEL_DEPLOYED,
            actor,
            target_type="process_model_version",
            target_id=outcome.version.pk,
            after={"model": key, "version": number, "hash": outcome.content_hash, "files": sorted(files)},
        )
    return outcome


def bundle_for(bpmn_path: Path) -> dict[str, str]:
    """The diagram plus the forms and decision tables it names, read from its folder."""
    folder = bpmn_path.parent
    text = bpmn_path.read_text(encoding="utf-8")
    files = {bpmn_path.name: text}
    root = etree.fromstring(text.encode(), parser=safe_xml_parser())
    for task in root.iter(f"{{{NSMAP['bpmn']}}}userTask", f"{{{NSMAP['bpmn']}}}manualTask"):
        form = task_properties(task).get(FORM_PROPERTY)
        if form and (folder / form).is_file():
            files[form] = (folder / form).read_text(encoding="utf-8")
    decisions = {
        (node.text or "").strip() for node in root.iter(f"{{{NSMAP['spiffworkflow']}}}calledDecisionId")
    }
    for dmn in sorted(folder.glob("*.dmn")):
        dmn_text = dmn.read_text(encoding="utf-8")
        if any(f'id="{decision}"' in dmn_text for decision in decisions if decision):
            files[dmn.name] = dmn_text
    return files
