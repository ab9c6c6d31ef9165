"""Validating submitted task data against the task's JSON Schema, with bilingual field errors.

Form schemas are uploaded with diagrams, so they are untrusted: a `$ref` to a URL would make the
server fetch it (SSRF) while it holds the instance lock. Deploy refuses every reference that
leaves the form (form_schemas.py), and every validator is built on a registry that retrieves
nothing, so that a schema deployed before that check cannot fetch either.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from core.errors import FieldError, InvalidInput

from . import lookups

MAX_DATA_BYTES = 256 * 1024
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")

_ZH_BY_VALIDATOR = {
    "required": "必填项未填写",
    "type": "类型不正确",
    "enum": "不是允许的选项",
    "minimum": "小于允许的最小值",
    "maximum": "大于允许的最大值",
    "exclusiveMinimum": "必须大于下限",
    "exclusiveMaximum": "必须小于上限",
    "minLength": "内容过短",
    "maxLength": "内容过长",
    "pattern": "格式不正确",
    "format": "格式不正确",
    "additionalProperties": "包含不允许的字段",
    "minItems": "条目过少",
    "maxItems": "条目过多",
    "const": "取值不正确",
}


def _field_of(error: Any) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        if missing:
            path.append(missing[0])
    return ".".join(path) or "data"


def _refuse_retrieval(uri: str) -> Resource:
    raise LookupError(f"{uri!r} is not retrieved: a form may only refer to its own definitions")


# Without a registry of our own, jsonschema fetches unknown references over the network.
NO_RETRIEVAL: Registry = Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]


def schema_validator(schema: Any) -> Any:
    """A validator for `schema` that resolves references only inside the schema itself."""
    return validator_for(schema)(schema, registry=NO_RETRIEVAL)


_validators: dict[int, tuple[dict[str, Any], Any]] = {}


def _validator(schema: dict[str, Any]) -> Any:
    # Schemas come from the per-version spec cache and live as long as the process, so their
    # identity is a stable key; the stored schema guards against a recycled id.
    found = _validators.get(id(schema))
    if found is None or found[0] is not schema:
        found = (schema, schema_validator(schema))
        _validators[id(schema)] = found
    return found[1]


def validate_task_data(data: Any, schema: dict[str, Any] | None, user: Any = None) -> dict[str, Any]:
    """Return the data if it may be merged into the workflow; raise InvalidInput otherwise."""
    if not isinstance(data, dict):
        raise InvalidInput(
            "Task data must be a JSON object.",
            "任务数据必须是 JSON 对象。",
            fields=[FieldError("data", "type", "必须是对象", "must be an object")],
        )
    encoded = json.dumps(data, ensure_ascii=False)
    if len(encoded.encode()) > MAX_DATA_BYTES:
        raise InvalidInput(
            "Task data is too large.",
            "任务数据过大。",
            fields=[FieldError("data", "too_large", "数据超过 256 KB", "data exceeds 256 KB")],
        )
    bad_names = [key for key in data if not _NAME.match(str(key))]
    if bad_names:
        raise InvalidInput(
            "Field names must be identifiers.",
            "字段名必须是英文标识符。",
            fields=[FieldError(str(k), "name", "字段名不合法", "invalid field name") for k in bad_names],
        )
    if schema is None:
        if data:
            raise InvalidInput(
                "This task takes no data.",
                "此任务不接受数据。",
                fields=[
                    FieldError(str(k), "unexpected", "此任务没有表单", "this task has no form") for k in data
                ],
            )
        return data
    validator = _validator(schema)
    try:
        errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.validator))
    except Unresolvable:
        # Only a form deployed before references were checked can get here.
        raise InvalidInput(
            "This task's form refers to a definition outside the form; a process admin must fix "
            "the form and deploy the diagram again.",
            "此任务的表单引用了表单之外的定义，需由流程管理员修正表单并重新部署流程。",
            code="form_unusable",
        ) from None
    if errors:
        raise InvalidInput(
            "The form has errors.",
            "表单填写有误。",
            fields=[
                FieldError(
                    _field_of(e),
                    str(e.validator),
                    _ZH_BY_VALIDATOR.get(str(e.validator), "输入有误"),
                    e.message,
                )
                for e in errors
            ],
        )
    missing = lookups.unknown_values(schema, data, user)
    if missing:
        raise InvalidInput("The form has errors.", "表单填写有误。", fields=missing)
    return data
