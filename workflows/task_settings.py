"""What a user task's model says about working it: whether an opinion is required and which
approval operations (issue 17) are offered on it.

Both are `spiffworkflow:property` entries on the user task, so that the studio's properties
panel edits them like the form and due days:

- `opinionRequired` = `true`: completing the task needs an opinion (审批意见);
- `operations` = a comma-separated list of the codes below: the operations offered. Absent, the
  defaults are offered; an empty value or `none` offers none. An operation not offered is
  neither shown nor accepted;
- `copyTo` = a comma-separated list of user names or candidate groups (`role@org-unit`): who is
  sent a copy (抄送) whenever the task is completed, whatever the operations offered;
- `submitLabel` = the completion button's words (e.g. 通过); absent, 办结 where the task leads
  straight to the end of the process and 提交 elsewhere;
- `workPage` = the site path where the task is really done (e.g. a scorecard), `{{ name }}`
  placeholders filled from the case data: the task page leads there first;
- `resubmit` = `returner`: when the task was sent back (退回) and is submitted again, the
  instance goes straight back to the step that returned it (直接提交至退回节点) instead of
  running the path in between again (the default, `path`).

`nameEn`, the English name (issue 18), is read the same way but on any element and on the
process itself, not only user tasks: workflows/catalog.py names things in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import EndEvent

from core.errors import InvalidInput

from .models import HumanTask, ProcessModelVersion
from .spec_cache import compiled

OPINION_REQUIRED_PROPERTY = "opinionRequired"
OPERATIONS_PROPERTY = "operations"
COPY_TO_PROPERTY = "copyTo"
RESUBMIT_PROPERTY = "resubmit"
SUBMIT_LABEL_PROPERTY = "submitLabel"
WORK_PAGE_PROPERTY = "workPage"
NAME_EN_PROPERTY = "nameEn"
RESUBMIT_TO_RETURNER = "returner"

# Every operation a user task may offer, by code. Those marked False are not offered unless the
# model lists them.
OPERATIONS: dict[str, bool] = {
    "opinion": True,  # 审批意见
    "return": True,  # 退回
    "recall": True,  # 撤回
    "add_signers": True,  # 加签
    "delegate": True,  # 委派
    "transfer": True,  # 转办
    "urge": True,  # 催办
    "copy": False,  # 抄送
}
DEFAULT_OPERATIONS = frozenset(code for code, default in OPERATIONS.items() if default)
OPINION_MAX_LENGTH = 2000
NONE = "none"  # what the studio writes for "no operation at all" (an empty value means the same)


@dataclass(frozen=True)
class TaskSettings:
    opinion_required: bool = False
    operations: frozenset[str] = DEFAULT_OPERATIONS
    copy_to: tuple[str, ...] = ()
    resubmit_to_returner: bool = False
    submit_label: str = ""
    work_page: str = ""
    # Whether the task leads straight to an end event (its button then says 办结).
    ends_process: bool = False

    def offers(self, operation: str) -> bool:
        return operation in self.operations


def parse_operations(value: str | None) -> tuple[frozenset[str], list[str]]:
    """The operations a property value names, and the codes in it that are not operations."""
    if value is None:
        return DEFAULT_OPERATIONS, []
    if value.strip() == NONE:
        return frozenset(), []
    codes = [code.strip() for code in value.split(",") if code.strip()]
    return frozenset(c for c in codes if c in OPERATIONS), [c for c in codes if c not in OPERATIONS]


def from_properties(props: dict[str, str]) -> TaskSettings:
    operations, _unknown = parse_operations(props.get(OPERATIONS_PROPERTY))
    return TaskSettings(
        opinion_required=props.get(OPINION_REQUIRED_PROPERTY, "").strip().lower() == "true",
        operations=operations,
        copy_to=tuple(entry.strip() for entry in props.get(COPY_TO_PROPERTY, "").split(",") if entry.strip()),
        resubmit_to_returner=props.get(RESUBMIT_PROPERTY, "").strip() == RESUBMIT_TO_RETURNER,
        submit_label=props.get(SUBMIT_LABEL_PROPERTY, "").strip()[:20],
        work_page=props.get(WORK_PAGE_PROPERTY, "").strip()[:300],
    )


def _specs(version: ProcessModelVersion) -> Iterable[Any]:
    found = compiled(version)
    yield found.spec
    yield from found.subprocess_specs.values()


def settings_for(task: HumanTask, version: ProcessModelVersion | None = None) -> TaskSettings:
    """The settings of `task`'s user task in the version its instance runs. Versions never change,
    so each (version, task) is worked out once per process: every completion asks."""
    version = version or task.instance.version
    key = (version.content_hash, version.main_process_id, task.task_spec)
    found = _settings.get(key)
    if found is None:
        found = _read(version, task.task_spec)
        if len(_settings) > _SETTINGS_MAX:
            _settings.clear()
        _settings[key] = found
    return found


_settings: dict[tuple[str, str, str], TaskSettings] = {}
_SETTINGS_MAX = 4096


def _read(version: ProcessModelVersion, spec_name: str) -> TaskSettings:
    for spec in _specs(version):
        task_spec = spec.task_specs.get(spec_name)
        if task_spec is not None:
            extensions = getattr(task_spec, "extensions", None) or {}
            found = from_properties(dict(extensions.get("properties") or {}))
            return replace(found, ends_process=_ends(task_spec))
    return TaskSettings()


def _ends(task_spec: Any) -> bool:
    outputs = list(getattr(task_spec, "outputs", []) or [])
    return bool(outputs) and all(isinstance(spec, EndEvent) for spec in outputs)


def opinion_needed(settings: TaskSettings, data: Any) -> bool:
    """Whether completing with `data` needs an opinion: where the model says so, and always for
    不同意 (a form's `approved` field false: the countersign's decision field)."""
    return settings.opinion_required or (isinstance(data, dict) and data.get("approved") is False)


def clean_opinion(opinion: str, *, required: bool) -> str:
    """An opinion as kept: trimmed, within the length; refused when blank but required."""
    opinion = opinion.strip()
    if not opinion and required:
        raise InvalidInput.on_field("opinion", "required", "请填写审批意见", "an opinion is required")
    if len(opinion) > OPINION_MAX_LENGTH:
        raise InvalidInput.on_field(
            "opinion",
            "max_length",
            f"审批意见不能超过 {OPINION_MAX_LENGTH} 字",
            f"at most {OPINION_MAX_LENGTH} characters",
        )
    return opinion
