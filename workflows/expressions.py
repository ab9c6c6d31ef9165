"""The only place diagram expressions are evaluated.

SpiffWorkflow evaluates gateway conditions, DMN cells, timer expressions and service-task
parameters with plain `eval` and full builtins. Diagrams are uploaded by users, so each expression
is parsed here and admitted only if every node is on a short allow-list: literals, names, boolean
logic, comparisons, arithmetic, subscripts, conditional expressions and calls of the named
functions below. There is no attribute access at all, which closes the `().__class__` family of
escapes, and names may not start with an underscore.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

MAX_EXPRESSION_LENGTH = 2000
MAX_SEQUENCE_RESULT = 10_000  # "x" * 10**9 would otherwise exhaust memory


class UnsafeExpression(ValueError):
    """The expression uses something outside the allow-list, or does not parse."""

    def __init__(self, message: str, expression: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.expression = expression
        self.offset = offset


def _iso_duration_days(days: int | float) -> str:
    return f"P{int(days)}D"


def _iso_duration_hours(hours: int | float) -> str:
    return f"PT{int(hours)}H"


def _iso_duration_minutes(minutes: int | float) -> str:
    return f"PT{int(minutes)}M"


def _days_between(start: str, end: str) -> int:
    return (dt.date.fromisoformat(str(end)[:10]) - dt.date.fromisoformat(str(start)[:10])).days


def _today() -> str:
    return dt.date.today().isoformat()


def _safe_mul(left: Any, right: Any) -> Any:
    for seq, count in ((left, right), (right, left)):
        too_long = isinstance(seq, str | list | tuple) and isinstance(count, int)
        if too_long and len(seq) * count > MAX_SEQUENCE_RESULT:
            raise ValueError("sequence repetition too large")
    return left * right


ALLOWED_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "sum": sum,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "any": any,
    "all": all,
    "sorted": sorted,
    "days": _iso_duration_days,
    "hours": _iso_duration_hours,
    "minutes": _iso_duration_minutes,
    "days_between": _days_between,
    "today": _today,
}

_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.IfExp,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.Subscript,
    ast.Slice,
    ast.Call,
    ast.keyword,
)

_MUL_HELPER = "_nqi_mul"


class _MultiplicationGuard(ast.NodeTransformer):
    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Mult):
            call = ast.Call(
                func=ast.Name(id=_MUL_HELPER, ctx=ast.Load()), args=[node.left, node.right], keywords=[]
            )
            return ast.copy_location(call, node)
        return node


def _check(tree: ast.AST, expression: str) -> None:
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise UnsafeExpression(
                f"{type(node).__name__} is not allowed in expressions",
                expression,
                getattr(node, "col_offset", None),
            )
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise UnsafeExpression(f"name {node.id!r} is not allowed", expression, node.col_offset)
        if isinstance(node, ast.Call) and (
            not isinstance(node.func, ast.Name) or node.func.id not in ALLOWED_FUNCTIONS
        ):
            name = node.func.id if isinstance(node.func, ast.Name) else type(node.func).__name__
            raise UnsafeExpression(f"call of {name!r} is not allowed", expression, node.col_offset)
        if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            raise UnsafeExpression("bytes literals are not allowed", expression, node.col_offset)


@lru_cache(maxsize=4096)
def compile_expression(expression: str) -> Any:
    """Parse, check and compile; cached because the same conditions run on every instance."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise UnsafeExpression(f"expression longer than {MAX_EXPRESSION_LENGTH} characters", expression)
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise UnsafeExpression(f"syntax error: {exc.msg}", expression, exc.offset) from None
    _check(tree, expression)
    guarded = ast.fix_missing_locations(_MultiplicationGuard().visit(tree))
    return compile(guarded, "<expression>", "eval")


def evaluate(expression: str, data: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> Any:
    code = compile_expression(expression)
    scope: dict[str, Any] = {"__builtins__": {}}
    scope.update(ALLOWED_FUNCTIONS)
    scope[_MUL_HELPER] = _safe_mul
    if extra:
        scope.update(extra)
    scope.update({k: v for k, v in data.items() if isinstance(k, str) and not k.startswith("_")})
    return eval(code, scope)  # noqa: S307 - the code object passed the allow-list above


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Spiff's environment hook, narrowed to checked expressions; scripts never run."""

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        return evaluate(expression, context, external_context)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        raise UnsafeExpression("scripts are not executed by this engine", script)

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise RuntimeError("service calls go through SandboxScriptEngine.call_service")


class SandboxScriptEngine(PythonScriptEngine):
    """The script engine every workflow runs with.

    `validate` is what Spiff's DMN engine uses to decide how to combine cells, so it must accept
    exactly what `evaluate` accepts.
    """

    def __init__(self, service_dispatcher: Callable[[Any, str, dict[str, Any]], str] | None = None) -> None:
        super().__init__(environment=SandboxEnvironment())
        self._service_dispatcher = service_dispatcher

    def validate(self, expression: str) -> None:
        try:
            compile_expression(expression)
        except UnsafeExpression as exc:
            raise SyntaxError(str(exc)) from None

    def call_service(self, task: Any, **kwargs: Any) -> str:
        if self._service_dispatcher is None:
            raise RuntimeError("service tasks need a dispatcher")
        return self._service_dispatcher(task, kwargs["operation_name"], kwargs.get("operation_params") or {})
