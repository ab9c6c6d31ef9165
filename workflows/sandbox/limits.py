"""What one evaluation may cost, and how a value's size is measured.

Three bounds, each a backstop for the one before:
- every value an expression builds (concatenation, repetition, formatting, `str()`, a list or
  dict display, `sum` of lists, ...) has at most MAX_VALUE_SIZE units (characters, elements,
  counted through nested containers, shared ones once per reference: that is what `str()` or a
  comparison would walk), and every integer at most MAX_INT_BITS bits; both are checked BEFORE
  the value is built;
- every evaluated node and every unit of work an operation does (its result's size, the size of
  what it compares or sorts) is charged to a budget of MAX_WORK units per evaluation;
- a wall-clock deadline of MAX_SECONDS, checked on every charge.
Because every single operation is bounded by the first rule, the checks between operations stop
an evaluation soon after it passes a limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import chain
from typing import Any

MAX_VALUE_SIZE = 100_000
MAX_INT_BITS = 4096
MAX_FORMAT_WIDTH = 1000
MAX_ROUND_DIGITS = 100
MAX_WORK = 1_000_000
MAX_SECONDS = 2.0
# All the expressions of one engine turn together (work only: the turn's own time includes
# service handlers and the database, which are not the expressions' doing).
MAX_TURN_WORK = 10_000_000
SHOWN_EXPRESSION = 200  # characters of the expression quoted in an error message


class ExpressionTooCostly(ValueError):
    """An expression passed the allow-list but went over a limit while being evaluated.

    Raised by the bounded operations without the expression; evaluate() re-raises it with the
    expression attached, so that the instance's error names what to fix in the diagram.
    """

    def __init__(self, reason_en: str, reason_zh: str, expression: str | None = None) -> None:
        self.reason_en = reason_en
        self.reason_zh = reason_zh
        self.expression = expression
        if expression is None:
            message = f"{reason_en} ({reason_zh})"
        else:
            shown = expression if len(expression) <= SHOWN_EXPRESSION else expression[:SHOWN_EXPRESSION] + "…"
            message = (
                f"expression {shown!r} exceeds the evaluation limits: {reason_en}"
                f" (表达式超出计算限制：{reason_zh})"
            )
        super().__init__(message)

    def for_expression(self, expression: str) -> ExpressionTooCostly:
        return ExpressionTooCostly(self.reason_en, self.reason_zh, expression)


def too_large(what_en: str, what_zh: str, limit: int) -> ExpressionTooCostly:
    return ExpressionTooCostly(
        f"{what_en} too large (more than {limit:,} units)", f"{what_zh}过大（超过 {limit} 个单位）"
    )


class Budget:
    """The work units and the time an evaluation (or an engine turn) has left.

    An evaluation's budget charges its turn's budget too, when the engine runs one: a diagram
    that evaluates thousands of expressions (a DMN table of many rules, say), each within its
    own limits, still cannot hold a worker longer than a turn's worth of work."""

    __slots__ = ("deadline", "limit", "parent", "seconds", "what_en", "what_zh", "work")

    def __init__(
        self,
        work: int | None = None,
        seconds: float | None = None,
        *,
        parent: Budget | None = None,
        what: tuple[str, str] = ("", ""),
    ) -> None:
        # Module constants read at each start, so that a test (or an operator) can lower them.
        self.limit = MAX_WORK if work is None else work
        self.work = self.limit
        self.seconds = MAX_SECONDS if seconds is None else seconds
        self.deadline = time.monotonic() + self.seconds
        self.parent = parent
        self.what_en, self.what_zh = what

    def charge(self, units: int = 1) -> None:
        self.work -= units
        if self.work < 0:
            raise ExpressionTooCostly(
                f"{self.what_en}more than {self.limit:,} units of work",
                f"{self.what_zh}计算量超过 {self.limit} 个单位",
            )
        if time.monotonic() > self.deadline:
            raise ExpressionTooCostly(
                f"{self.what_en}ran longer than {self.seconds:g} seconds",
                f"{self.what_zh}计算时间超过 {self.seconds:g} 秒",
            )
        if self.parent is not None:
            self.parent.charge(units)


_END = object()
_current: ContextVar[Budget | None] = ContextVar("expression_budget", default=None)
_turn: ContextVar[Budget | None] = ContextVar("turn_budget", default=None)


def for_evaluation() -> Budget:
    """A fresh budget for one evaluation, drawing on the running turn's budget if any."""
    return Budget(parent=_turn.get())


@contextmanager
def engine_turn() -> Iterator[Budget]:
    """Every expression evaluated inside shares one turn budget (MAX_TURN_WORK)."""
    budget = Budget(
        MAX_TURN_WORK,
        math.inf,
        what=("the expressions of one engine turn together: ", "一次流程推进中的表达式合计"),
    )
    token = _turn.set(budget)
    try:
        yield budget
    finally:
        _turn.reset(token)


def current() -> Budget:
    """The running evaluation's budget; a fresh one for a bounded function called on its own."""
    budget = _current.get()
    return budget if budget is not None else Budget()


def install(budget: Budget) -> Any:
    return _current.set(budget)


def uninstall(token: Any) -> None:
    _current.reset(token)


def measure(value: Any, cap: int = MAX_VALUE_SIZE) -> int:
    """The size of `value` in units, counted up to just past `cap`.

    Every visited item adds at least one unit, so the walk takes at most cap + 1 steps however
    big (or however shared) the value is; it is iterative, so deep nesting cannot overflow
    the stack.
    """
    total = 0
    # Iterators, not elements, on the stack: a list of millions from the data is not copied.
    pending: list[Iterator[Any]] = [iter((value,))]
    while pending:
        item = next(pending[-1], _END)
        if item is _END:
            pending.pop()
            continue
        if isinstance(item, str):
            total += max(1, len(item))
        elif isinstance(item, bool) or item is None:
            total += 1
        elif isinstance(item, int):
            # Decimal digits, rounded up: what str() or "%d" would print.
            total += 1 + item.bit_length() // 3
        elif isinstance(item, float):
            # "%f" prints every integer digit of a big float.
            total += 1 if not math.isfinite(item) or abs(item) < 1e16 else 1 + int(math.log10(abs(item)))
        elif isinstance(item, dict):
            total += 1
            pending.append(chain.from_iterable(item.items()))
        elif isinstance(item, list | tuple | set | frozenset):
            total += 1
            pending.append(iter(item))
        else:
            total += 1
        if total > cap:
            return total
    return total


def check_built(size: int, what_en: str, what_zh: str) -> None:
    """Refuse to build a value of `size` units; charge the work of building it."""
    if size > MAX_VALUE_SIZE:
        raise too_large(what_en, what_zh, MAX_VALUE_SIZE)
    current().charge(size)


def check_int_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise ExpressionTooCostly(
            f"number too large (more than {MAX_INT_BITS} bits)", f"数值过大（超过 {MAX_INT_BITS} 位）"
        )
