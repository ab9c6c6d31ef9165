"""JSON Schema → form fields, and a POST back into typed task data (pure functions, no database)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict
from django.utils import translation

from casemgmt.inbox import schema_form
from casemgmt.inbox.schema_form import build_fields, field_of_error, parse_submission

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title", "amount", "approved", "kind"],
    "properties": {
        "title": {"type": "string", "title": "事项", "description": "简要说明", "maxLength": 100},
        "details": {"type": "string", "maxLength": 2000},
        "memo": {"type": "string", "format": "textarea"},
        "visit_on": {"type": "string", "format": "date", "title": "走访日期"},
        "kind": {"type": "string", "enum": ["metrology", "standards"]},
        "level": {"type": "string", "oneOf": [{"const": "a", "title": "甲"}, {"const": "b", "title": "乙"}]},
        "amount": {"type": "number", "minimum": 0, "maximum": 1000},
        "count": {"type": "integer", "minimum": 1},
        "approved": {"type": "boolean", "title": "是否通过"},
        "services": {"type": "array", "items": {"type": "string", "enum": ["测量", "标准", "认证"]}},
        "address": {"type": "object", "properties": {"street": {"type": "string"}}},
        "mixed": {"type": ["string", "null"]},
    },
}


def post(pairs: list[tuple[str, str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in pairs:
        query.appendlist(schema_form.PREFIX + key, value)
    return query


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def by_name(fields: list[schema_form.FormField]) -> dict[str, schema_form.FormField]:
    return {f.name: f for f in fields}


def test_each_property_gets_its_widget() -> None:
    fields = by_name(build_fields(SCHEMA))
    kinds = {name: f.kind for name, f in fields.items()}
    assert kinds == {
        "title": "text",
        "details": "textarea",  # maxLength > 200
        "memo": "textarea",
        "visit_on": "date",
        "kind": "select",
        "level": "select",
        "amount": "number",
        "count": "integer",
        "approved": "checkbox",
        "services": "multi",
        "address": "json",  # unsupported constructs fall back to JSON text
        "mixed": "json",
    }
    assert list(fields) == list(SCHEMA["properties"])  # the schema's order


def test_labels_help_required_and_attributes() -> None:
    fields = by_name(build_fields(SCHEMA))
    assert fields["title"].label == "事项"
    assert fields["title"].help == "简要说明"
    assert fields["title"].required and not fields["details"].required
    assert fields["details"].label == "details"  # no title: the property name
    assert fields["title"].attrs == {"maxlength": "100"}
    assert fields["amount"].attrs == {"step": "any", "min": "0", "max": "1000"}
    assert fields["count"].attrs == {"step": "1", "min": "1"}
    assert [(c.value, c.label) for c in fields["level"].choices] == [("a", "甲"), ("b", "乙")]
    assert [c.value for c in fields["services"].choices] == ["测量", "标准", "认证"]
    assert fields["title"].post_name == "f.title"
    assert len({f.input_id for f in fields.values()}) == len(fields)


def test_values_from_data_and_defaults() -> None:
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "default": 3},
            "ok": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}},
            "blob": {"type": "object"},
        },
    }
    defaults = by_name(build_fields(schema))
    assert defaults["n"].value == "3"
    assert defaults["ok"].value is False
    assert defaults["tags"].value == []
    assert defaults["blob"].value == ""
    shown = by_name(build_fields(schema, data={"n": 7, "ok": True, "tags": ["y"], "blob": {"a": "中"}}))
    assert shown["n"].value == "7"
    assert shown["ok"].value is True and shown["ok"].display() == "Yes"
    assert shown["tags"].value == ["y"] and shown["tags"].display() == "y"
    assert '"a": "中"' in shown["blob"].value


def test_submitted_input_is_shown_back_verbatim_with_errors() -> None:
    submitted = post([("amount", "twelve"), ("approved", "true"), ("services", "标准")])
    fields = by_name(build_fields(SCHEMA, submitted=submitted, errors={"amount": ["Enter a number."]}))
    assert fields["amount"].value == "twelve"
    assert fields["amount"].errors == ["Enter a number."]
    assert fields["approved"].value is True
    assert fields["services"].value == ["标准"]
    assert fields["title"].value == "" and fields["title"].errors == []


def test_parse_types() -> None:
    data, errors = parse_submission(
        SCHEMA,
        post(
            [
                ("title", "  计量检定  "),
                ("details", ""),
                ("memo", "第一行\n第二行\n"),
                ("visit_on", "2024-05-06"),
                ("kind", "metrology"),
                ("amount", "12"),
                ("count", "3"),
                ("approved", "true"),
                ("services", "测量"),
                ("services", "认证"),
                ("address", '{"street": "人民路"}'),
            ]
        ),
    )
    assert errors == {}
    assert data == {
        "title": "计量检定",  # single-line input trimmed
        "memo": "第一行\n第二行\n",  # a textarea keeps its text
        "visit_on": "2024-05-06",
        "kind": "metrology",
        "amount": 12,
        "count": 3,
        "approved": True,
        "services": ["测量", "认证"],
        "address": {"street": "人民路"},
    }
    assert isinstance(data["amount"], int)


def test_numbers() -> None:
    schema = {"type": "object", "properties": {"x": {"type": "number"}, "n": {"type": "integer"}}}
    assert parse_submission(schema, post([("x", "2.5"), ("n", "4.0")])) == ({"x": 2.5, "n": 4}, {})
    assert parse_submission(schema, post([("x", "-1e3"), ("n", "-7")]))[0] == {"x": -1000.0, "n": -7}
    for bad_x, bad_n in (("abc", "2.5"), ("nan", "1x"), ("inf", "Infinity"), ("1,5", "")):
        data, errors = parse_submission(schema, post([("x", bad_x), ("n", bad_n)]))
        assert "x" not in data and errors["x"] == ["Enter a number."]
        if bad_n:
            assert "n" not in data and errors["n"] == ["Enter a whole number."]


def test_unchecked_checkbox_submits_false() -> None:
    data, errors = parse_submission(SCHEMA, post([]))
    assert data == {"approved": False}  # everything else is empty, hence omitted
    assert errors == {}


def test_empty_optional_fields_are_omitted_and_required_multi_is_empty_list() -> None:
    schema = {
        "type": "object",
        "required": ["must"],
        "properties": {
            "must": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            "may": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            "text": {"type": "string"},
            "num": {"type": "number"},
            "sel": {"type": "string", "enum": ["a"]},
        },
    }
    data, errors = parse_submission(schema, post([("text", "   "), ("num", ""), ("sel", "")]))
    assert data == {"must": []}
    assert errors == {}


def test_bad_json_and_bad_date_are_field_errors() -> None:
    data, errors = parse_submission(SCHEMA, post([("address", "{street"), ("visit_on", "2024-02-30")]))
    assert errors["address"] == ["Enter valid JSON."]
    assert errors["visit_on"] == ["Enter a valid date (YYYY-MM-DD)."]
    assert "address" not in data and "visit_on" not in data


def test_unknown_post_keys_are_ignored() -> None:
    query = post([("title", "x")])
    query["csrfmiddlewaretoken"] = "t"
    query["title"] = "unprefixed"
    query[schema_form.PREFIX + "injected"] = "x"
    data, _ = parse_submission(SCHEMA, query)
    assert set(data) == {"title", "approved"}


def test_no_schema_means_no_fields_and_no_data() -> None:
    assert build_fields(None) == []
    assert parse_submission(None, post([("x", "1")])) == ({}, {})
    assert build_fields({"type": "object"}) == []


def test_field_of_error() -> None:
    names = {"services", "title"}
    assert field_of_error("title", names) == "title"
    assert field_of_error("services.1", names) == "services"
    assert field_of_error("data", names) is None
    assert field_of_error("other", names) is None
