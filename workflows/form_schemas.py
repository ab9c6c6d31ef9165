"""Deploy-time checks of a form's JSON Schema: valid, a known dialect, and self-contained.

A `$ref` (or `$dynamicRef`, `$recursiveRef`) that does not start with "#" points outside the
form: an http(s) URL the server would fetch (SSRF, and a worker hanging on a slow host while it
holds the instance lock), a file: URL, or a relative name such as "other.json" that resolves to
one of those. Such schemas are refused, each reference named by its JSON pointer; references
inside the form must also point at something.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from jsonschema import exceptions as jsonschema_exceptions
from jsonschema.validators import validator_for

from . import lookups

REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")


@dataclass(frozen=True)
class SchemaProblem:
    code: str
    message_en: str
    message_zh: str


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _walk(schema: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the schema with its JSON pointer; iterative, so depth costs no stack."""
    pending: list[tuple[str, Any]] = [("", schema)]
    while pending:
        pointer, node = pending.pop()
        if isinstance(node, dict):
            yield pointer, node
            children = node.items()
        elif isinstance(node, list):
            children = enumerate(node)  # type: ignore[assignment]
        else:
            continue
        pending.extend((f"{pointer}/{_escape(str(key))}", value) for key, value in children)


def _points_somewhere(schema: Any, ref: str, anchors: set[str]) -> bool:
    fragment = unquote(ref[1:])
    if not fragment:
        return True
    if not fragment.startswith("/"):
        return fragment in anchors
    node = schema
    for raw in fragment[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def schema_problems(name: str, schema: Any) -> list[SchemaProblem]:
    """Why `schema` (the form file `name`) cannot be deployed; empty when it can."""
    if isinstance(schema, dict) and "$schema" in schema:
        dialect = schema["$schema"]
        if not isinstance(dialect, str) or validator_for(schema, default=None) is None:
            return [
                SchemaProblem(
                    "form_schema",
                    f"form {name!r}: unknown JSON Schema dialect $schema={dialect!r}",
                    f"表单 {name}：未知的 JSON Schema 版本 $schema={dialect!r}",
                )
            ]
    try:
        validator_for(schema).check_schema(schema)
    except jsonschema_exceptions.SchemaError as exc:
        return [
            SchemaProblem(
                "form_schema",
                f"not a valid JSON Schema: {exc.message}",
                f"表单 {name} 不是有效的 JSON Schema：{exc.message}",
            )
        ]
    except RecursionError:
        return [
            SchemaProblem("form_schema", f"form {name!r} is nested too deeply", f"表单 {name} 嵌套层数过多")
        ]
    problems: list[SchemaProblem] = []
    objects = list(_walk(schema))
    anchors = {str(node[key]) for _, node in objects for key in ("$anchor", "$dynamicAnchor") if key in node}
    # A nested $id changes what "#..." means below it; only the root's pointers are checked then.
    nested_ids = any(pointer and "$id" in node for pointer, node in objects)
    for pointer, node in sorted(objects, key=lambda item: item[0]):
        for keyword in REF_KEYWORDS:
            ref = node.get(keyword)
            if not isinstance(ref, str):
                continue
            where = f"{pointer}/{_escape(keyword)}"
            if not ref.startswith("#"):
                problems.append(
                    SchemaProblem(
                        "form_ref",
                        f"form {name!r}: {keyword} {ref!r} at {where} refers outside the form; only "
                        "references inside the form (starting with '#') are allowed",
                        f"表单 {name}：{where} 处的 {keyword} {ref!r} 引用了表单之外的内容；"
                        "只允许引用表单内部的定义（以“#”开头）",
                    )
                )
            elif not nested_ids and not _points_somewhere(schema, ref, anchors):
                problems.append(
                    SchemaProblem(
                        "form_ref",
                        f"form {name!r}: {keyword} {ref!r} at {where} points to nothing in the form",
                        f"表单 {name}：{where} 处的 {keyword} {ref!r} 在表单中找不到对应的定义",
                    )
                )
    return problems + _lookup_problems(name, schema)


def _lookup_problems(name: str, schema: Any) -> list[SchemaProblem]:
    """A lookup field must name a registered source, on a property of the type its values have."""
    problems = []
    for prop, source_name in lookups.lookup_properties(schema).items():
        found = lookups.source(source_name)
        if found is None:
            known = "、".join(lookups.names())
            problems.append(
                SchemaProblem(
                    "form_lookup",
                    f"form {name!r}: field {prop!r} looks up {source_name!r}, which is not a lookup "
                    f"(known: {', '.join(lookups.names())})",
                    f"表单 {name}：字段 {prop} 的取值来源 {source_name} 不存在（可用：{known}）",
                )
            )
        elif schema["properties"][prop].get("type") != found.value_type:
            problems.append(
                SchemaProblem(
                    "form_lookup",
                    f"form {name!r}: field {prop!r} looks up {source_name!r}, whose values are of "
                    f"type {found.value_type!r}",
                    f"表单 {name}：字段 {prop} 的取值来源 {source_name} 要求类型为 {found.value_type}",
                )
            )
    return problems
