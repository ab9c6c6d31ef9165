"""Allowed but costly expressions: each fails fast with a bounded error, as an error of its
instance (gateway, timer sweep), never a worker held for seconds; ordinary ones are unchanged."""

from __future__ import annotations

import ast
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from config.celery import app
from tests.conftest import BPMN_DIR
from tests.personas import Cast
from workflows import instances
from workflows.deploy import bundle_for, deploy
from workflows.expressions import ExpressionTooCostly, UnsafeExpression, compile_expression, evaluate
from workflows.models import InstanceStatus, ProcessInstance
from workflows.sandbox import limits
from workflows.tasks import sweep_timers

# Each of these took from 0.3 s to minutes (or gigabytes) before the sandbox bounded them.
ATTACKS = [
    "'%100000000d' % 1",
    "'%.100000000f' % 1.5",
    "'%*d' % (100000000, 1)",
    "'%999s' * 200 % (('x',) * 200)",
    "sum([[1]*10000]*3000, [])",
    "sum([[1]] * 50000, [])",
    "'a' * 100000000",
    "[0] * 100000000",
    "[[1] * 10000] * 3000",
    "'x' * 99999 + 'yy'",
    "str([[1] * 10000] * 100)",
    "sorted([[1] * 1000] * 1000)",
    "round(1, -100000000)",
    "int('9' * 5000)",
    "9" * 700 + " * " + "9" * 700 + " * " + "9" * 500,
    "[[1] * 10000, [1] * 10000, [1] * 10000, [1] * 10000, [1] * 10000, [1] * 10000,"
    " [1] * 10000, [1] * 10000, [1] * 10000, [1] * 10000, [1] * 10000]",
    "{1: 'x' * 60000, 2: 'y' * 60000}",
    "days_between([['2024-01-01'] * 10000] * 20, '2024-01-02')",
]


@pytest.mark.parametrize("expression", ATTACKS)
def test_each_attack_raises_the_bounded_error_quickly(expression: str) -> None:
    started = time.monotonic()
    with pytest.raises(ExpressionTooCostly) as caught:
        evaluate(expression, {})
    assert time.monotonic() - started < 0.5
    message = str(caught.value)
    assert "exceeds the evaluation limits" in message and "表达式超出计算限制" in message
    assert repr(expression[:40])[1:-1] in message, "the error names the expression"


def test_repeated_work_on_a_large_value_runs_out_of_work_units() -> None:
    data = {"x": list(range(90_000))}
    started = time.monotonic()
    with pytest.raises(ExpressionTooCostly, match="units of work"):
        evaluate(" and ".join(["x == x"] * 100), data)
    assert time.monotonic() - started < 1.0


def test_the_deadline_stops_an_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SECONDS", 0.0)
    with pytest.raises(ExpressionTooCostly, match="seconds"):
        evaluate("1 + 1", {})


def test_deeply_nested_expressions_are_refused_before_running() -> None:
    with pytest.raises(UnsafeExpression, match="nested"):
        compile_expression("-" * 150 + "1")
    with pytest.raises(UnsafeExpression):
        compile_expression("[" * 150 + "]" * 150)


def test_deeply_nested_data_is_a_bounded_error_not_a_crash() -> None:
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ExpressionTooCostly):
        evaluate("x == y", {"x": deep, "y": [deep]})


def test_every_admitted_node_kind_has_an_evaluator() -> None:
    from workflows.expressions import _ALLOWED_NODES
    from workflows.sandbox.evaluator import _HANDLERS

    parts = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop, ast.keyword)
    nodes = {kind for kind in _ALLOWED_NODES if not issubclass(kind, parts)}
    assert nodes <= set(_HANDLERS)


def test_large_values_from_the_data_are_still_read() -> None:
    # Limits bound what an expression builds, not what the case already holds.
    cases = [{"score": n} for n in range(60_000)]
    assert evaluate("len(cases) > 2 and cases[-1]['score'] == 59999", {"cases": cases}) is True
    assert evaluate("'needle' in text", {"text": "x" * 500_000 + "needle"}) is True


@pytest.mark.parametrize(
    ("expression", "data", "expected"),
    [
        ("'%05.1f|%s|%(a)s' % 1.25 if False else '%05.1f|%s' % (1.25, 'a')", {}, "001.2|a"),
        ("'%(name)s-%(n)03d' % info", {"info": {"name": "方松", "n": 7}}, "方松-007"),
        ("sum([1, 2, 3.5])", {}, 6.5),
        ("sum([[1], [2, 3]], [])", {}, [1, 2, 3]),
        ("sum(((1,), (2,)), ())", {}, (1, 2)),
        ("sorted(tags, reverse=True)", {"tags": ["b", "c", "a"]}, ["c", "b", "a"]),
        ("sorted(words, key=len)", {"words": ["ccc", "a", "bb"]}, ["a", "bb", "ccc"]),
        ("str(n) + '件'", {"n": 12}, "12件"),
        ("round(2.675, 1)", {}, 2.7),
        ("int('42') + int(3.9)", {}, 45),
        ("x * y", {"x": 10**30, "y": 10**30}, 10**60),
        ("'ab' * 3 + 'c'", {}, "abababc"),
        ("[0] * 3", {}, [0, 0, 0]),
        ("items[1:3]", {"items": [1, 2, 3, 4]}, [2, 3]),
        ("{'a': 1, **extra}", {"extra": {"b": 2}}, {"a": 1, "b": 2}),
        ("max(scores, default=0)", {"scores": []}, 0),
        ("min(3, 1, 2)", {}, 1),
        ("any([False, flag]) and all([1, 2])", {"flag": True}, True),
        ("1 < x <= 3 != y", {"x": 2, "y": 4}, True),
        ("days_between('2024-01-01', '2024-03-01')", {}, 60),
        ("hours(2)", {}, "PT2H"),
        ("value or 'default'", {"value": ""}, "default"),
        ("value and value[0]", {"value": []}, []),
        ("-x + +y", {"x": 1, "y": 3}, 2),
        ("{1, 2} - {1}", {}, {2}),
        ("10 // 3 + 10 % 3 + 7 / 2", {}, 7.5),
    ],
)
def test_ordinary_expressions_keep_their_python_meaning(
    expression: str, data: dict, expected: object
) -> None:
    assert evaluate(expression, data) == expected


def test_missing_names_and_type_errors_are_ordinary_errors() -> None:
    with pytest.raises(NameError, match="score"):
        evaluate("score > 1", {})
    with pytest.raises(TypeError):
        evaluate("1 + 'a'", {})
    with pytest.raises(ZeroDivisionError):
        evaluate("1 / 0", {})


def test_a_data_value_named_like_a_function_does_not_replace_it() -> None:
    assert evaluate("len(items)", {"items": [1, 2], "len": 5}) == 2
    assert evaluate("len", {"len": 5}) == 5


def gateway_files(condition: str) -> dict[str, str]:
    files = bundle_for(BPMN_DIR / "guarded_gateway.bpmn")
    files["guarded_gateway.bpmn"] = files["guarded_gateway.bpmn"].replace("flag == True", condition)
    return files


def start_gateway_case(cast: Cast, wait: str = "PT0S") -> ProcessInstance:
    return instances.start_instance(
        "guarded_gateway",
        actor=cast.office_a,
        org_unit_code="office-fangsong",
        data={"wait": wait, "flag": True},
    )


@pytest.mark.django_db
def test_gateway_condition_over_the_limits_puts_the_instance_in_error(cast: Cast) -> None:
    deploy(gateway_files("len(sum([[1]*10000]*3000, [])) &gt; 0"), actor=None, model_key="guarded_gateway")
    started = time.monotonic()
    case = start_gateway_case(cast)
    assert time.monotonic() - started < 5
    assert case.status == InstanceStatus.ERROR
    assert case.error_task_spec == "choose"
    assert "len(sum([[1]*10000]*3000, [])) > 0" in case.last_error
    assert "exceeds the evaluation limits" in case.last_error
    assert not case.human_tasks.exists()


@pytest.mark.django_db
def test_expressions_of_one_turn_share_a_budget(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each evaluation is within its own limits; together they pass the turn's (lowered here,
    # as a long DMN table of costly cells would pass the real one).
    condition = " or ".join(["len([0] * 50000) == 0"] * 4)
    assert evaluate(condition, {}) is False
    monkeypatch.setattr(limits, "MAX_TURN_WORK", 150_000)
    deploy(gateway_files(condition), actor=None, model_key="guarded_gateway")
    case = start_gateway_case(cast)
    assert case.status == InstanceStatus.ERROR
    assert "the expressions of one engine turn together" in case.last_error


@pytest.mark.django_db
def test_ordinary_gateway_condition_still_routes(cast: Cast, deploy_fixture: Callable[[str], Any]) -> None:
    deploy_fixture("guarded_gateway")
    case = start_gateway_case(cast)
    assert case.status == InstanceStatus.RUNNING
    assert list(case.human_tasks.values_list("task_spec", flat=True)) == ["chosen"]


@pytest.mark.django_db
def test_timer_sweep_turns_a_costly_condition_into_an_instance_error(cast: Cast) -> None:
    deploy(gateway_files("'%100000000d' % 1 != ''"), actor=None, model_key="guarded_gateway")
    costly = start_gateway_case(cast, wait="PT1S")
    assert costly.status == InstanceStatus.WAITING
    deploy(gateway_files("flag == True"), actor=None, model_key="guarded_gateway")
    healthy = start_gateway_case(cast, wait="PT1S")
    time.sleep(1.2)
    started = time.monotonic()
    assert sweep_timers(batch=10, seconds=60) == 2, "the sweep goes on after the failing instance"
    assert time.monotonic() - started < 5
    costly.refresh_from_db()
    healthy.refresh_from_db()
    assert costly.status == InstanceStatus.ERROR and "'%100000000d' % 1" in costly.last_error
    assert healthy.status == InstanceStatus.RUNNING


@pytest.mark.django_db
def test_timer_sweep_takes_no_new_instance_after_its_time(
    cast: Cast, deploy_fixture: Callable[[str], Any]
) -> None:
    deploy_fixture("guarded_gateway")
    start_gateway_case(cast, wait="PT1S")
    time.sleep(1.2)
    assert sweep_timers(batch=10, seconds=0) == 0, "no time left: the next beat tick takes it"
    assert sweep_timers(batch=10, seconds=60) == 1


def test_celery_jobs_have_soft_and_hard_time_limits() -> None:
    soft, hard = settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT
    assert 0 < soft < hard
    assert app.conf.task_soft_time_limit == soft
    assert app.conf.task_time_limit == hard
