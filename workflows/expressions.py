"""The only place diagram expressions are evaluated.

SpiffWorkflow evaluates gateway conditions, DMN cells, timer expressions and service-task
parameters with plain `eval` and full builtins. Diagrams are uploaded by users, so each expression
is parsed here and admitted only if every node is on a short allow-list: literals, names, boolean
logic, comparisons, arithmetic, subscripts, conditional expressions and calls of the named
functions below. There is no attribute access at all, which closes the `().__class__` family of
escapes, and names may not start with an underscore.

An admitted expression is not handed to `eval`: workflows/sandbox/ walks its tree with a budget
(value sizes, work units, a deadline), so an allowed but costly expression fails fast as an
error of its instance instead of holding a worker.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from . import countersign, timers
from .sandbox import limits
from .sandbox.evaluator import Evaluator
from .sandbox.functions import FUNCTIONS
from .sandbox.limits import ExpressionTooCostly

MAX_EXPRESSION_LENGTH = 2000
# Deeper trees are not written by people; refusing them keeps the evaluator's recursion short.
MAX_EXPRESSION_DEPTH = 100

__all__ = [
    "ALLOWED_FUNCTIONS",
    "ExpressionTooCostly",
    "SandboxScriptEngine",
    "UnsafeExpression",
    "compile_expression",
    "evaluate",
]


class UnsafeExpression(ValueError):
    """The expression uses something outside the allow-list, or does not parse."""

    def __init__(self, message: str, expression: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.expression = expression
        self.offset = offset


# The bounded versions (sandbox/functions.py): same names and results as Python's, with limits.
ALLOWED_FUNCTIONS: dict[str, Callable[..., Any]] = FUNCTIONS

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


def _depth(tree: ast.AST) -> int:
    deepest = 0
    pending: list[tuple[ast.AST, int]] = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


@lru_cache(maxsize=4096)
def compile_expression(expression: str) -> ast.Expression:
    """Parse and check; cached because the same conditions run on every instance. The tree is
    shared between evaluations and never changed."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise UnsafeExpression(f"expression longer than {MAX_EXPRESSION_LENGTH} characters", expression)
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise UnsafeExpression(f"syntax error: {exc.msg}", expression, exc.offset) from None
    except (RecursionError, MemoryError, ValueError):
        raise UnsafeExpression("expression too complex to parse", expression) from None
    _check(tree, expression)
    if _depth(tree) > MAX_EXPRESSION_DEPTH:
        raise UnsafeExpression(f"expression nested deeper than {MAX_EXPRESSION_DEPTH} levels", expression)
    return tree


def evaluate(expression: str, data: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> Any:
    """The value of `expression` over `data` (names from `extra` too), within the limits of
    sandbox/limits.py: over them it raises ExpressionTooCostly naming the expression, which the
    engine turns into an error of the instance like any other failing expression."""
    tree = compile_expression(expression)
    budget = limits.for_evaluation()
    token = limits.install(budget)
    try:
        return Evaluator(data, extra, budget).run(tree)
    except ExpressionTooCostly as exc:
        if exc.expression is None:
            raise exc.for_expression(expression) from None
        raise
    except RecursionError:
        # Deeply nested data compared or printed: refused like any other excess.
        raise ExpressionTooCostly("values nested too deeply", "数据嵌套过深", expression) from None
    finally:
        limits.uninstall(token)


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

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        """A timer's text written as ISO 8601 is its own value (as Python `P7D` would be a name and
        `R6/P1D` a division); any other text is an expression. Either way a timer's value is
        checked with Spiff's parsers here, so that a bad one fails naming its step and text."""
        kind = timers.timer_kind(task, expression)
        if kind is None:
            aggregates = countersign.condition_context(task, expression)
            if aggregates is not None:
                return self._completion_rule(task, expression, aggregates)
            return super().evaluate(task, expression, external_context)
        literal = timers.iso_literal(expression)
        value = literal if literal is not None else super().evaluate(task, expression, external_context)
        problem = timers.value_problem(kind, value)
        if problem is not None:
            raise WorkflowTaskException(
                f"timer text {expression.strip()!r} of {task.task_spec.name!r}: {problem.message_en}",
                task=task,
            )
        return value

    def _completion_rule(self, task: Any, expression: str, aggregates: dict[str, int]) -> Any:
        """A multi-instance completion rule reads the engine's aggregates (countersign.py) over
        the instance's own data: a signer's `approved` is one decision, never the count."""
        try:
            return evaluate(expression, {**task.data, **aggregates})
        except Exception as exc:
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}'", task=task, exception=exc
            ) from exc

    def validate(self, expression: str) -> None:
        try:
            compile_expression(expression)
        except UnsafeExpression as exc:
            raise SyntaxError(str(exc)) from None

    def call_service(self, task: Any, **kwargs: Any) -> str:
        if self._service_dispatcher is None:
            raise RuntimeError("service tasks need a dispatcher")
        return self._service_dispatcher(task, kwargs["operation_name"], kwargs.get("operation_params") or {})
