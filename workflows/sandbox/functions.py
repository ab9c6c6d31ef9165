"""The operators and functions expressions may use, each bounded before it does its work.

Python's own `+`, `*`, `%`, `sum`, `sorted`, `str`, `round` can each build a value of any size
or take any time from a short expression (`'%100000000d' % 1`, `sum([[1]*10000]*3000, [])`,
`round(1, -10**8)`): these versions measure their inputs first and refuse, with
ExpressionTooCostly, what would pass the limits in limits.py.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sized
from typing import Any

from .limits import (
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    MAX_ROUND_DIGITS,
    MAX_VALUE_SIZE,
    ExpressionTooCostly,
    check_built,
    check_int_bits,
    current,
    measure,
    too_large,
)

_SEQUENCES = (str, list, tuple)


def _ints(*values: Any) -> bool:
    return all(isinstance(v, int) for v in values)


def add(left: Any, right: Any) -> Any:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        check_built(measure(left) + measure(right), "concatenation", "拼接结果")
    elif _ints(left, right):
        check_int_bits(max(left.bit_length(), right.bit_length()) + 1)
    return left + right


def sub(left: Any, right: Any) -> Any:
    if _ints(left, right):
        check_int_bits(max(left.bit_length(), right.bit_length()) + 1)
    elif isinstance(left, set | frozenset):
        current().charge(len(left))
    return left - right


def mul(left: Any, right: Any) -> Any:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, _SEQUENCES) and isinstance(count, int):
            # measure() counts the container itself once; the repetition repeats only its items.
            unit = len(seq) if isinstance(seq, str) else measure(seq) - 1
            if count > 0 and unit > 0:
                if count > MAX_VALUE_SIZE or unit * count > MAX_VALUE_SIZE:
                    raise too_large("sequence repetition", "序列重复结果", MAX_VALUE_SIZE)
                current().charge(unit * count)
            return left * right
    if _ints(left, right):
        check_int_bits(left.bit_length() + right.bit_length())
    return left * right


def div(left: Any, right: Any) -> Any:
    return left / right


def floordiv(left: Any, right: Any) -> Any:
    return left // right


_FORMAT_SPEC = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?[hlL]?(?P<kind>.)?",
    re.DOTALL,
)


def mod(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        return percent_format(left, right)
    return left % right


def percent_format(template: str, args: Any) -> str:
    """`template % args` with every width and precision bounded and the result measured first."""
    estimate = measure(template) + measure(args)
    if estimate > MAX_VALUE_SIZE:
        raise too_large("formatted text", "格式化结果", MAX_VALUE_SIZE)
    for spec in _FORMAT_SPEC.finditer(template):
        for part in ("width", "precision"):
            text = spec.group(part) or ""
            if text == "*":
                raise ExpressionTooCostly(
                    "a format width or precision taken from the arguments ('*') is not allowed",
                    "格式化宽度或精度不能取自参数（'*'）",
                )
            if len(text) > 4 or (text and int(text) > MAX_FORMAT_WIDTH):
                raise ExpressionTooCostly(
                    f"format {part} larger than {MAX_FORMAT_WIDTH}",
                    f"格式化{'宽度' if part == 'width' else '精度'}超过 {MAX_FORMAT_WIDTH}",
                )
            estimate += int(text) if text else 0
        if estimate > MAX_VALUE_SIZE:
            raise too_large("formatted text", "格式化结果", MAX_VALUE_SIZE)
    current().charge(estimate)
    return template % args


def safe_str(value: Any = "") -> str:
    size = measure(value)
    if size > MAX_VALUE_SIZE:
        raise too_large("text of the value", "转换的文本", MAX_VALUE_SIZE)
    current().charge(size)
    return str(value)


def safe_sum(items: Iterable[Any], /, start: Any = 0) -> Any:
    """`sum`, with lists and tuples concatenated once (Python's sum copies them at every step)."""
    if isinstance(start, list | tuple):
        size = measure(start)
        parts = list(_bounded_items(items))
        joined: list[Any] = list(start)
        for part in parts:
            if type(part) is not type(start):
                raise TypeError(
                    f'can only concatenate {type(start).__name__} (not "{type(part).__name__}") '
                    f"to {type(start).__name__}"
                )
            size += measure(part)
            if size > MAX_VALUE_SIZE:
                raise too_large("sum of sequences", "序列求和结果", MAX_VALUE_SIZE)
            joined.extend(part)
        current().charge(size)
        return tuple(joined) if isinstance(start, tuple) else joined
    parts = list(_bounded_items(items))
    current().charge(len(parts))
    if _ints(start, *parts):
        widest = max((abs(p).bit_length() for p in parts), default=0)
        check_int_bits(max(widest, abs(start).bit_length()) + len(parts).bit_length() + 1)
    return sum(parts, start)


def _bounded_items(items: Iterable[Any]) -> Iterable[Any]:
    if isinstance(items, Sized) and len(items) > MAX_VALUE_SIZE:
        raise too_large("sequence", "序列", MAX_VALUE_SIZE)
    return items


def safe_sorted(
    items: Iterable[Any], /, *, key: Callable[[Any], Any] | None = None, reverse: bool = False
) -> list[Any]:
    size = measure(items)
    if size > MAX_VALUE_SIZE:
        raise too_large("sequence to sort", "待排序序列", MAX_VALUE_SIZE)
    count = len(items) if isinstance(items, Sized) else size
    # Each item takes part in about log2(n) comparisons, each as costly as the items compared.
    current().charge(size * max(1, math.ceil(math.log2(count + 1))))
    return sorted(items, key=key, reverse=reverse)


def _charged(function: Callable[..., Any]) -> Callable[..., Any]:
    """A function whose cost is linear in its arguments: charge their size, then call it."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        current().charge(sum(measure(a) for a in args) + sum(measure(v) for v in kwargs.values()))
        return function(*args, **kwargs)

    bounded.__name__ = function.__name__
    return bounded


def safe_round(number: Any, ndigits: Any = None) -> Any:
    if isinstance(ndigits, int) and abs(ndigits) > MAX_ROUND_DIGITS:
        # round(1, -10**8) computes 10**(10**8) before it answers.
        raise ExpressionTooCostly(
            f"round() to more than {MAX_ROUND_DIGITS} digits", f"round() 的位数超过 {MAX_ROUND_DIGITS}"
        )
    return round(number, ndigits)


def safe_int(value: Any = 0, *args: Any) -> int:
    if isinstance(value, str) and len(value) > MAX_INT_BITS:
        raise ExpressionTooCostly(
            f"text of more than {MAX_INT_BITS} characters converted to a number",
            f"转换为数值的文本超过 {MAX_INT_BITS} 个字符",
        )
    result = int(value, *args)
    check_int_bits(result.bit_length())
    return result


def safe_float(value: Any = 0.0) -> float:
    if isinstance(value, str) and len(value) > MAX_INT_BITS:
        raise ExpressionTooCostly(
            f"text of more than {MAX_INT_BITS} characters converted to a number",
            f"转换为数值的文本超过 {MAX_INT_BITS} 个字符",
        )
    return float(value)


def iso_duration_days(days: int | float) -> str:
    return f"P{safe_int(days)}D"


def iso_duration_hours(hours: int | float) -> str:
    return f"PT{safe_int(hours)}H"


def iso_duration_minutes(minutes: int | float) -> str:
    return f"PT{safe_int(minutes)}M"


def _date_of(value: Any) -> dt.date:
    text = value if isinstance(value, str) else safe_str(value)
    return dt.date.fromisoformat(text[:10])


def days_between(start: Any, end: Any) -> int:
    return (_date_of(end) - _date_of(start)).days


def today() -> str:
    return dt.date.today().isoformat()


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "min": _charged(min),
    "max": _charged(max),
    "abs": abs,
    "round": safe_round,
    "sum": safe_sum,
    "int": safe_int,
    "float": safe_float,
    "str": safe_str,
    "bool": bool,
    "any": _charged(any),
    "all": _charged(all),
    "sorted": safe_sorted,
    "days": iso_duration_days,
    "hours": iso_duration_hours,
    "minutes": iso_duration_minutes,
    "days_between": days_between,
    "today": today,
}
