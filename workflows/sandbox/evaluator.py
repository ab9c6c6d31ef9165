"""Evaluating a checked expression tree node by node, every step charged to the budget.

Only the node types workflows/expressions.py admits reach this module. It walks the tree itself
instead of handing a code object to `eval`, so that each operator goes through its bounded
version (functions.py) and the budget's clock is looked at between any two operations: no
single step is unbounded, and no run of steps outlasts the deadline.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

from . import functions
from .limits import Budget, check_built, measure

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: functions.add,
    ast.Sub: functions.sub,
    ast.Mult: functions.mul,
    ast.Div: functions.div,
    ast.FloorDiv: functions.floordiv,
    ast.Mod: functions.mod,
}

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda left, right: left in right,
    ast.NotIn: lambda left, right: left not in right,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}

_SCALARS = (int, float, bool, type(None))


class Evaluator:
    """One evaluation: the names it sees and the budget it spends."""

    __slots__ = ("budget", "data", "extra")

    def __init__(self, data: Any, extra: Mapping[str, Any] | None, budget: Budget) -> None:
        self.data = data if isinstance(data, Mapping) else {}
        self.extra = extra or {}
        self.budget = budget

    def run(self, node: ast.AST) -> Any:
        self.budget.charge(1)
        return _HANDLERS[type(node)](self, node)

    def name(self, node: ast.Name) -> Any:
        # Task data first, then what the engine adds (DMN's input value, data objects), then the
        # functions: the order the former `eval` scope had.
        if node.id in self.data:
            return self.data[node.id]
        if node.id in self.extra:
            return self.extra[node.id]
        if node.id in functions.FUNCTIONS:
            return functions.FUNCTIONS[node.id]
        raise NameError(f"name {node.id!r} is not defined")

    def bool_op(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for item in node.values:
            value = self.run(item)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def unary_op(self, node: ast.UnaryOp) -> Any:
        value = self.run(node.operand)
        if isinstance(node.op, ast.Not):
            return not value
        if isinstance(node.op, ast.USub):
            return -value
        return +value

    def bin_op(self, node: ast.BinOp) -> Any:
        left = self.run(node.left)
        right = self.run(node.right)
        return _BINARY[type(node.op)](left, right)

    def compare(self, node: ast.Compare) -> Any:
        left = self.run(node.left)
        result: Any = True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.run(comparator)
            if not (isinstance(left, _SCALARS) and isinstance(right, _SCALARS)):
                # Comparing containers or text walks them.
                self.budget.charge(measure(left) + measure(right))
            result = _COMPARE[type(op)](left, right)
            if not result:
                return result
            left = right
        return result

    def if_exp(self, node: ast.IfExp) -> Any:
        return self.run(node.body) if self.run(node.test) else self.run(node.orelse)

    def sequence(self, node: ast.List | ast.Tuple | ast.Set) -> Any:
        items = [self.run(item) for item in node.elts]
        built: Any = list(items) if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Set):
            built = set(items)
        check_built(measure(built), "list", "列表")
        return built

    def dict_display(self, node: ast.Dict) -> dict[Any, Any]:
        built: dict[Any, Any] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:  # {**other}
                other = self.run(value_node)
                if not isinstance(other, Mapping):
                    raise TypeError(f"{type(other).__name__!r} object is not a mapping")
                built.update(other)
            else:
                key = self.run(key_node)
                built[key] = self.run(value_node)
        check_built(measure(built), "dictionary", "字典")
        return built

    def subscript(self, node: ast.Subscript) -> Any:
        value = self.run(node.value)
        index = self.run(node.slice)
        result = value[index]
        if isinstance(index, slice) and hasattr(result, "__len__"):
            self.budget.charge(len(result))
        return result

    def slice_(self, node: ast.Slice) -> slice:
        lower = self.run(node.lower) if node.lower is not None else None
        upper = self.run(node.upper) if node.upper is not None else None
        step = self.run(node.step) if node.step is not None else None
        return slice(lower, upper, step)

    def call(self, node: ast.Call) -> Any:
        # The checker admits only calls of a listed function by name; a data value of the same
        # name does not replace the function.
        assert isinstance(node.func, ast.Name)
        function = functions.FUNCTIONS[node.func.id]
        args = [self.run(arg) for arg in node.args]
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            value = self.run(keyword.value)
            if keyword.arg is not None:
                more = {keyword.arg: value}
            elif isinstance(value, Mapping):
                more = dict(value)
            else:
                raise TypeError(f"argument after ** must be a mapping, not {type(value).__name__}")
            for key in more:
                if key in kwargs:
                    raise TypeError(f"{node.func.id}() got multiple values for keyword argument {key!r}")
            kwargs.update(more)
        return function(*args, **kwargs)


_HANDLERS: dict[type[ast.AST], Callable[[Evaluator, Any], Any]] = {
    ast.Expression: lambda ev, node: ev.run(node.body),
    ast.Constant: lambda ev, node: node.value,
    ast.Name: Evaluator.name,
    ast.BoolOp: Evaluator.bool_op,
    ast.UnaryOp: Evaluator.unary_op,
    ast.BinOp: Evaluator.bin_op,
    ast.Compare: Evaluator.compare,
    ast.IfExp: Evaluator.if_exp,
    ast.List: Evaluator.sequence,
    ast.Tuple: Evaluator.sequence,
    ast.Set: Evaluator.sequence,
    ast.Dict: Evaluator.dict_display,
    ast.Subscript: Evaluator.subscript,
    ast.Slice: Evaluator.slice_,
    ast.Call: Evaluator.call,
}
