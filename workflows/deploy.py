"""Deploying diagrams: validate everything first; an invalid deployment changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Max
from lxml import etree

from audit.actions import Action
from core.errors import FieldError, InvalidInput
from core.service import Actor, acting_user, audit, require, write_transaction

from . import callees, validation
from .models import ProcessModel, ProcessModelVersion
from .parsing import (
    NSMAP,
    DeployProblem,
    DiagramInvalid,
    ParsedFiles,
    content_hash,
    engine_problems,
    executable_process_ids,
    process_name,
    read_files,
    safe_xml_parser,
)
from .problems import settle
from .validation import FORM_PROPERTY, HUMAN_TASK_TAGS, task_properties

MAX_NOTE = 500


@dataclass
class DeployOutcome:
    model_key: str
    main_process_id: str
    content_hash: str
    version: ProcessModelVersion | None = None
    created: bool = False
    problems: list[DeployProblem] = field(default_factory=list)


def _main_process(parsed: ParsedFiles, model_key: str | None) -> tuple[str, list[DeployProblem]]:
    """The process a deployment runs: its only executable one, or the one the model is named
    after. Otherwise a problem located at the processes concerned."""
    ids = executable_process_ids(parsed)
    if len(ids) == 1:
        return ids[0], []
    if model_key in ids:
        return str(model_key), []
    processes = [
        (name, process)
        for name, root in sorted(parsed.bpmn.items())
        for process in root.iterfind("bpmn:process", NSMAP)
    ]
    if ids:
        name, first = next((n, p) for n, p in processes if p.get("id") in ids)
        listed = ", ".join(ids)
        return "", [
            DeployProblem(
                name,
                f"several executable processes ({listed}); name the model after the one to run",
                first.sourceline,
                first.get("id", ""),
                "ambiguous",
                f"有多个可执行流程（{listed}）；请以要运行的流程命名模型",
            )
        ]
    if not processes:
        name, root = sorted(parsed.bpmn.items())[0]
        return "", [
            DeployProblem(
                name, "the files hold no process", root.sourceline, "", "no_process", "文件中没有任何流程"
            )
        ]
    return "", [
        DeployProblem(
            name,
            f"process {process.get('id', '')!r} is not executable: mark the process to run "
            'isExecutable="true"',
            process.sourceline,
            process.get("id", ""),
            "no_process",
            f'流程“{process.get("id", "")}”未标记为可执行：请将要运行的流程设置为 isExecutable="true"',
        )
        for name, process in processes
    ]


def check_files(files: dict[str, str], model_key: str | None = None) -> tuple[str, list[DeployProblem]]:
    """Return (main process id, problems): our own checks and what Spiff's parser finds, all of
    them, each once, sorted by file and line. Problems are collected, not raised."""
    try:
        parsed = read_files(files)
    except DiagramInvalid as exc:
        return "", exc.problems
    main, own = _main_process(parsed, model_key)
    own = validation.check(parsed) + own + callees.check(parsed, model_key or main)
    return main, settle(own, engine_problems(parsed, main))


def deploy(
    files: dict[str, str],
    *,
    actor: Actor,
    model_key: str | None = None,
    name: str = "",
    validate_only: bool = False,
    note: str = "",
    via: str = "api",
    review: dict[str, Any] | None = None,
) -> DeployOutcome:
    """Deploy `files` as a new version of the model (the same content again is its version, not a
    new one); `note`: what changed, in the deployer's words. The audit record says how the files
    were reviewed: `review` (the studio's change request that a second admin approved), or that
    this deployment, `via` the command, an upload or the API, bypassed review."""
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
    if len(note) > MAX_NOTE:
        raise InvalidInput(
            "The change note is too long.",
            "变更说明过长。",
            fields=[
                FieldError("note", "too_long", f"不超过 {MAX_NOTE} 个字符", f"at most {MAX_NOTE} characters")
            ],
        )
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
            callees=callees.bindings(read_files(files)),
            deployed_by=acting_user(actor),
            change_note=note.strip(),
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
            after={
                "model": key,
                "version": number,
                "hash": outcome.content_hash,
                "files": sorted(files),
                **({"note": note.strip()} if note.strip() else {}),
                **({"callees": outcome.version.callees} if outcome.version.callees else {}),
                "review": review or {"bypassed": via},
            },
        )
    return outcome


def bundle_for(bpmn_path: Path) -> dict[str, str]:
    """The diagram plus the forms and decision tables it names, read from its folder."""
    folder = bpmn_path.parent
    text = bpmn_path.read_text(encoding="utf-8")
    files = {bpmn_path.name: text}
    root = etree.fromstring(text.encode(), parser=safe_xml_parser())
    for task in root.iter(*(f"{{{NSMAP['bpmn']}}}{tag}" for tag in HUMAN_TASK_TAGS)):
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


def bundle_of(paths: list[Path]) -> dict[str, str]:
    """Several files deployed as one model: each diagram with the forms and decision tables it
    names, and each form or decision table given by name. Two different files of one name are
    refused: a deployment is a flat set of names."""
    files: dict[str, str] = {}
    for path in paths:
        found = bundle_for(path) if path.suffix == ".bpmn" else {path.name: path.read_text(encoding="utf-8")}
        for name, text in found.items():
            if files.setdefault(name, text) != text:
                raise InvalidInput(
                    f"Two different files are named {name}.", f"有两个不同的文件都名为 {name}。"
                )
    return files


def callees_first(diagrams: list[Path]) -> list[Path]:
    """The diagrams in deploying order, each deployed as the model named after its file: one
    that calls another of them by key comes after it (otherwise in the order given; a cycle,
    which deploy refuses, keeps that order)."""
    stems = {path.stem: path for path in diagrams}
    needs: dict[Path, set[Path]] = {}
    for path in diagrams:
        root = etree.fromstring(path.read_bytes(), parser=safe_xml_parser())
        own = {process.get("id") for process in root.iterfind("bpmn:process", NSMAP)}
        called = {node.get("calledElement") for node in root.iter(f"{{{NSMAP['bpmn']}}}callActivity")}
        needs[path] = {stems[name] for name in called - own if name in stems and stems[name] != path}
    ordered: list[Path] = []
    pending = list(diagrams)
    while pending:
        ready = [path for path in pending if needs[path] <= set(ordered)] or pending[:1]
        ordered.append(ready[0])
        pending.remove(ready[0])
    return ordered
