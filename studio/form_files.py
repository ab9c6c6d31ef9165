"""The draft's form files as the form designer reads and writes them: open one as a design,
create an empty one, save a design into the draft.

Everything goes through studio/drafts.py: the permission, the optimistic lock on the revision the
page was loaded at (a stale save is refused with who saved when, and writes nothing) and the
bounds on names and sizes. Like every draft save, these are not audited.
"""

from __future__ import annotations

import json
import re
from typing import Any

from core.errors import FieldError, InvalidInput, NotFound
from core.service import Actor
from workflows.problems import DeployProblem

from . import drafts
from .form_design import FormDesign, empty_schema, read_form, write_form
from .models import ModelDraft

FORM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")


def is_form(name: str) -> bool:
    return name.lower().endswith(".json")


def form_names(draft: ModelDraft) -> list[str]:
    return sorted(name for name in draft.files if is_form(name))


def form_of(draft: ModelDraft, name: str) -> str:
    """The text of the draft's form `name`; NotFound if the draft holds no such .json file."""
    if not is_form(name) or name not in draft.files:
        raise NotFound(f"The draft has no form {name[:100]!r}.", f"草稿中没有表单 {name[:100]}。")
    return str(draft.files[name])


def design_of(text: str) -> FormDesign:
    """The design of a form's text; ValueError if it is not JSON, NotDesignable if it is not an
    object schema."""
    return read_form(json.loads(text))


def form_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def problems_of(draft: ModelDraft, name: str) -> list[DeployProblem]:
    """What the deploy checks say about this form (only forms a task names are checked)."""
    return [problem for problem in drafts.problems(draft) if problem.file == name]


def _bad_name(code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(
        f"The form was not created: {en}.", f"表单未创建：{zh}。", fields=[FieldError("name", code, zh, en)]
    )


def create(key: str, raw_name: str, *, actor: Actor, revision: int) -> tuple[ModelDraft, str]:
    """Add `<name>.json`, an empty object schema, to the draft; (the saved draft, the file name)."""
    draft = drafts.find(key, actor=actor)
    stem = raw_name.strip()
    if stem.lower().endswith(".json"):
        stem = stem[:-5]
    if not FORM_NAME.fullmatch(stem):
        raise _bad_name(
            "name",
            "表单名须以字母或数字开头，只含字母、数字、下划线和连字符（最多 80 个字符）",
            "a form name starts with a letter or digit and holds only letters, digits, _ and - (at most 80)",
        )
    name = f"{stem}.json"
    if any(existing.lower() == name.lower() for existing in draft.files):
        raise _bad_name("duplicate", f"草稿中已有表单 {name}", f"the draft already has a form named {name}")
    saved = drafts.save(key, actor=actor, revision=revision, files={name: form_text(empty_schema())})
    return saved, name


def save(
    key: str, name: str, design: FormDesign, *, actor: Actor, revision: int
) -> tuple[ModelDraft, list[DeployProblem]]:
    """Write the design into the draft as the form `name`, if its fields are right and the draft
    is still at `revision`; (the saved draft, the deploy checks' problems with this form)."""
    form_of(drafts.find(key, actor=actor), name)
    text = form_text(write_form(design))
    draft = drafts.save(key, actor=actor, revision=revision, files={name: text})
    return draft, problems_of(draft, name)
