"""The expression sandbox: what diagrams may compute, and the escapes it must refuse."""

from __future__ import annotations

import pytest

from workflows.expressions import UnsafeExpression, compile_expression, evaluate


@pytest.mark.parametrize(
    ("expression", "data", "expected"),
    [
        ("score > 70", {"score": 70.1}, True),
        ("score > 70", {"score": 70}, False),
        ("60 <= score <= 70", {"score": 60}, True),
        ('level == "街镇级" and not rejected', {"level": "街镇级", "rejected": False}, True),
        ("items[0] + items[-1]", {"items": [1, 2, 3]}, 4),
        ('info["name"]', {"info": {"name": "方松"}}, "方松"),
        ("len(cases) >= 2", {"cases": [1, 2]}, True),
        ("max(a, b) - min(a, b)", {"a": 3, "b": 8}, 5),
        ("days(n)", {"n": 5}, "P5D"),
        ('"PT1M"', {}, "PT1M"),
        ("x if flag else y", {"x": 1, "y": 2, "flag": False}, 2),
        ("round(total / 3, 2)", {"total": 10}, 3.33),
        ("'a' in tags", {"tags": ["a"]}, True),
        ("3 * 4", {}, 12),
    ],
)
def test_allowed_expressions_evaluate(expression: str, data: dict, expected: object) -> None:
    assert evaluate(expression, data) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os')",
        "__import__('os').system('id')",
        "().__class__.__base__.__subclasses__()",
        "''.__class__.__mro__[1].__subclasses__()",
        "score.__class__",
        "open('/etc/passwd').read()",
        "eval('1')",
        "exec('x=1')",
        "getattr(score, 'real')",
        "globals()",
        "[c for c in ().__class__.__bases__]",
        "lambda: 1",
        "__builtins__",
        "_private",
        "2 ** 1000000",
        "(x := 1)",
        "f'{score}'",
        "b'bytes'",
        "type(1)",
    ],
)
def test_escapes_are_refused_before_running(expression: str) -> None:
    with pytest.raises(UnsafeExpression):
        compile_expression(expression)


def test_sequence_repetition_is_bounded() -> None:
    with pytest.raises(ValueError, match="too large"):
        evaluate("'a' * 100000000", {})
    assert evaluate("'ab' * 3", {}) == "ababab"


def test_data_names_starting_with_underscore_are_invisible() -> None:
    with pytest.raises(NameError):
        evaluate("hidden", {"_hidden": 1})


def test_syntax_errors_are_reported_as_unsafe() -> None:
    with pytest.raises(UnsafeExpression, match="syntax"):
        compile_expression("score >")
