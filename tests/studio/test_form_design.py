"""The form designer's mapping between JSON Schema and its list of fields (studio/form_design.py,
form_property.py, form_fields.py): every shipped form read and written back without losing a
keyword, each kind written as the task page reads it, and bad input refused field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.http import QueryDict

from casemgmt.inbox import schema_form
from core.errors import InvalidInput
from studio.form_design import FormDesign, build_schema, design_from_post, read_form, write_form
from studio.form_fields import CUSTOM, FieldSpec, apply_edit, read_rows, row_inputs

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "bpmn").glob("*.json")) + sorted(
    (ROOT / "tests" / "workflows" / "bpmn").glob("*.json")
)


def as_post(design: FormDesign) -> QueryDict:
    """The designer page's POST of a design, exactly as its inputs render it."""
    post = QueryDict(mutable=True)
    post["title"], post["title_en"] = design.title, design.title_en
    for index, spec in enumerate(design.fields):
        post.appendlist("row", str(index))
        post.update(row_inputs(spec, index))
    return post


def schema_of(*fields: FieldSpec, **other: Any) -> dict[str, Any]:
    schema, errors = build_schema(FormDesign(fields=list(fields), other=other))
    assert errors == [], errors
    return schema


def error_fields(*fields: FieldSpec) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        write_form(FormDesign(fields=list(fields)))
    return {error.field: error.code for error in caught.value.fields}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_form_round_trips_through_the_fields_and_the_page(path: Path) -> None:
    schema = json.loads(path.read_text("utf-8"))
    design = read_form(schema)
    assert [spec.kind for spec in design.fields if spec.kind == CUSTOM] == []  # all editable
    assert write_form(design) == schema
    # Through the page's inputs too: what it posts back is the same design.
    posted = design_from_post(as_post(design), read_form(schema))
    assert posted.fields == design.fields
    assert json.dumps(write_form(posted), sort_keys=True) == json.dumps(schema, sort_keys=True)


def test_conditional_rules_survive_an_edit_of_the_fields() -> None:
    schema = json.loads((ROOT / "bpmn" / "service_case_match.json").read_text("utf-8"))
    design = read_form(schema)
    by_name = {spec.name: spec for spec in design.fields}
    assert by_name["institution_id"].kind == "lookup" and by_name["institution_id"].lookup == "institution"
    first = by_name["outcome"].options.splitlines()[0]
    assert first == "institution | 对接技术机构 | A technical institution"
    by_name["expert"].title_en = "Expert"
    design.fields.append(FieldSpec("site_visit", "boolean", "走访", required=True))
    written = write_form(design)
    assert written["allOf"] == schema["allOf"] and written["additionalProperties"] is False
    assert written["required"] == ["outcome", "site_visit"]
    assert written["properties"]["expert"]["x-title-en"] == "Expert"
    assert written["properties"]["site_visit"] == {"type": "boolean", "title": "走访"}


def test_each_kind_is_written_as_the_task_page_reads_it() -> None:
    fields = (
        FieldSpec("a", "text", "甲", "A", max_length="50", min_length="1"),
        FieldSpec("b", "textarea", "乙", max_length="2000"),
        FieldSpec("c", "textarea", "丙"),
        FieldSpec("d", "date", "丁", default="2024-05-01"),
        FieldSpec("e", "number", minimum="0", maximum="1.5"),
        FieldSpec("f", "integer", minimum="1", default="3"),
        FieldSpec("g", "boolean", default="true"),
        FieldSpec("h", "choice", options="x | 叉 | Cross\ny | 歪"),
        FieldSpec("i", "multi", options="p\nq", default="p, q"),
        FieldSpec("j", "lookup", lookup="institution"),
        FieldSpec("k", "lookup", lookup="enterprise", description="企业", description_en="Enterprise"),
        FieldSpec("l", CUSTOM, raw='{"type": "object"}'),
    )
    props = schema_of(*fields)["properties"]
    assert props["a"] == {"type": "string", "title": "甲", "x-title-en": "A", "minLength": 1, "maxLength": 50}
    assert props["b"] == {"type": "string", "title": "乙", "maxLength": 2000}  # long by its length
    assert props["c"]["format"] == "textarea"
    assert props["d"] == {"type": "string", "title": "丁", "format": "date", "default": "2024-05-01"}
    assert props["e"] == {"type": "number", "minimum": 0, "maximum": 1.5}
    assert props["f"] == {"type": "integer", "minimum": 1, "default": 3}
    assert props["g"] == {"type": "boolean", "default": True}
    assert props["h"]["oneOf"] == [
        {"const": "x", "title": "叉", "x-title-en": "Cross"},
        {"const": "y", "title": "歪"},
    ]
    assert props["i"] == {
        "type": "array",
        "items": {"type": "string", "oneOf": [{"const": "p"}, {"const": "q"}]},
        "default": ["p", "q"],
    }
    assert props["j"] == {"type": "integer", "x-lookup": "institution"}
    assert props["k"]["type"] == "string" and props["k"]["x-description-en"] == "Enterprise"
    assert props["l"] == {"type": "object"}
    kinds = {f.name: f.kind for f in schema_form.build_fields({"properties": props})}
    assert kinds == {
        "a": "text", "b": "textarea", "c": "textarea", "d": "date", "e": "number", "f": "integer",
        "g": "checkbox", "h": "select", "i": "multi", "j": "lookup", "k": "lookup", "l": "json",
    }  # fmt: skip


def test_what_the_designer_does_not_edit_is_kept() -> None:
    schema = {
        "title": "表",
        "type": "object",
        "required": ["a", "ghost"],
        "properties": {
            "a": {"type": "string", "pattern": "^[0-9]+$", "title": "甲"},
            "b": {"type": "string", "enum": ["x", "y"], "x-note": 1},
            "c": {"type": "array", "items": {"type": "string", "enum": ["u"]}, "uniqueItems": True},
            "d": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "e": {"type": "string", "oneOf": [{"const": "x", "description": "说明"}]},
        },
        "dependentRequired": {"a": ["b"]},
    }
    design = read_form(schema)
    kinds = {spec.name: spec.kind for spec in design.fields}
    assert kinds == {"a": "text", "b": "choice", "c": "multi", "d": CUSTOM, "e": CUSTOM}
    assert design.fields[0].extra() == {"pattern": "^[0-9]+$"}
    assert design.loose_required == ["ghost"]
    assert write_form(design) == schema
    design.fields = [spec for spec in design.fields if spec.name != "a"]
    written = write_form(design)
    assert written["required"] == ["ghost"] and written["dependentRequired"] == {"a": ["b"]}


def test_a_new_form_gets_only_what_was_typed() -> None:
    design = read_form({"type": "object", "properties": {}})
    design.fields = apply_edit(design.fields, "add")
    assert design.fields[0].name == "field_1" and design.fields[0].kind == "text"
    assert write_form(design) == {"type": "object", "properties": {"field_1": {"type": "string"}}}


def test_rows_are_added_moved_and_removed() -> None:
    rows = [FieldSpec("a"), FieldSpec("b"), FieldSpec("c")]
    assert [r.name for r in apply_edit(rows, "up-2")] == ["a", "c", "b"]
    assert [r.name for r in apply_edit(rows, "down-0")] == ["b", "a", "c"]
    assert [r.name for r in apply_edit(rows, "remove-1")] == ["a", "c"]
    assert [r.name for r in apply_edit(rows, "up-0")] == ["a", "b", "c"]
    assert [r.name for r in apply_edit(rows, "remove-9")] == ["a", "b", "c"]
    assert len(apply_edit(rows, "add")) == 4 and len(rows) == 3


def test_the_post_reads_rows_in_their_order_and_ignores_junk() -> None:
    post = QueryDict(mutable=True)
    post.setlist("row", ["1", "x", "0"])
    post.update({"f-0-name": "a", "f-1-name": "b", "f-1-required": "on", "f-0-keep": "[1]"})
    rows = read_rows(post)
    assert [(r.name, r.required, r.keep) for r in rows] == [("b", True, {}), ("a", False, {})]


def test_bad_input_is_refused_field_by_field() -> None:
    errors = error_fields(
        FieldSpec("1a"),
        FieldSpec("ok", "integer", minimum="5", maximum="1"),
        FieldSpec("ok", "text", max_length="abc"),
        FieldSpec("c", "choice", options=" \n"),
        FieldSpec("d", "lookup", lookup="nowhere"),
        FieldSpec("e", "number", minimum="1e999"),
        FieldSpec("f", "text", max_length="500"),
        FieldSpec("g", "choice", options="a\na", default="b"),
        FieldSpec("h", "choice", options="a | b | c | d"),
        FieldSpec("i", "date", default="2024-02-30"),
        FieldSpec("j", "boolean", default="maybe"),
        FieldSpec("k", CUSTOM, raw="[1]"),
        FieldSpec("l", "multi", options="a", default="a, z"),
        FieldSpec("m", "text", min_length="-1"),
        FieldSpec("n", "whatever"),
    )
    assert errors == {
        "f-0-name": "identifier",
        "f-1-minimum": "range",
        "f-2-name": "duplicate",
        "f-2-max_length": "number",
        "f-3-options": "required",
        "f-4-lookup": "lookup",
        "f-5-minimum": "number",
        "f-6-max_length": "too_long",
        "f-7-options": "duplicate",
        "f-8-options": "option",
        "f-9-default": "date",
        "f-10-default": "boolean",
        "f-11-raw": "json",
        "f-12-default": "choice",
        "f-13-min_length": "number",
        "f-14-kind": "kind",
    }


def test_errors_are_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as caught:
        write_form(FormDesign(fields=[FieldSpec("x", "integer", minimum="a")]))
    (error,) = caught.value.fields
    assert (error.message_zh, error.message_en) == ("请输入数字", "enter a number")
    assert caught.value.message_zh == "表单有错误，未保存。"


def test_english_labels_show_when_the_page_is_english() -> None:
    from django.utils import translation

    schema = schema_of(
        FieldSpec("h", "choice", "类别", "Kind", "说明", "Help", options="x | 叉 | Cross\ny | 歪")
    )
    for language, label, help_text, choices in (
        ("en", "Kind", "Help", ["Cross", "歪"]),
        ("zh-hans", "类别", "说明", ["叉", "歪"]),
    ):
        with translation.override(language):
            (field,) = schema_form.build_fields(schema)
        assert (field.label, field.help, [c.label for c in field.choices]) == (label, help_text, choices)
