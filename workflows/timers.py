"""Timer texts and timer events: what a diagram's timer says, what Spiff makes of it, when it is due.

A timer's text (timeDuration, timeDate, timeCycle) is either ISO 8601 written as every BPMN tool
writes it (`P7D`, `2026-12-31T09:00:00+08:00`, `R3/PT1H`) or an expression computing such a text
(`days(reminder_days)`, `"P3D"`). Read as Python, `P7D` is a name and `R6/P1D` a division, so a
text that looks like ISO 8601 is taken literally and never evaluated (`iso_literal`). Whatever
the text gives is then checked with Spiff's own parsers (`value_problem`), at deploy for literal
texts and at run time for every value, so that deploy, run and Spiff agree on what a timer is.

Spiff keeps a waiting timer's target time in its task's internal data (`event_value`); an
event-based gateway's timer sits inside the gateway's MultipleEventDefinition and its target in
the gateway's task. `due_at` reads both, for the column the timer sweep selects by.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.task import Task

DURATION = "timeDuration"
DATE = "timeDate"
CYCLE = "timeCycle"

# Spiff adds a duration's months one calendar month at a time; beyond what a datetime can hold
# (year 9999) the loop would only run long before failing, so longer texts are refused first.
MAX_MONTHS = 12 * 9999

# How each kind of timer text is written in ISO 8601: a duration (P, an optional T, a number and
# a designator), a date-time (calendar, week or basic format), a cycle (R, an optional count, a
# slash). Spiff's parsers are the authority on the rest, but they are lenient (`R3/PT1H` passes as
# a duration of an hour), so a value must have its kind's shape too.
_SHAPES = {
    DURATION: r"P T? \d[\d.,]* [YMWDHS] [\dYMWDTHS.,]*",
    # A space may stand for the T, as in str() of a datetime: Spiff reads it too.
    DATE: r"\d{4}-\d{2}-\d{2} (?:[T\x20]\S*)? | \d{4}-?W\d{2} \S* | \d{8} (?:T\S*)?",
    CYCLE: r"R \d* / \S+",
}
_SHAPE_OF = {kind: re.compile(shape, re.VERBOSE | re.IGNORECASE) for kind, shape in _SHAPES.items()}
# Text meant as ISO 8601 rather than an expression: any of the shapes, in capitals as ISO writes
# them (a lower-case `p7d` may well be a variable). None of them is a sensible timer expression.
_LOOKS_ISO = re.compile("|".join(f"(?:{shape})" for shape in _SHAPES.values()), re.VERBOSE)

_EXAMPLES = {
    DURATION: ("an ISO 8601 duration such as P7D, PT2H or P1DT12H", "ISO 8601 时长（如 P7D、PT2H、P1DT12H）"),
    DATE: (
        "an ISO 8601 date-time such as 2026-12-31T09:00:00+08:00",
        "ISO 8601 日期时间（如 2026-12-31T09:00:00+08:00）",
    ),
    CYCLE: ("an ISO 8601 cycle such as R3/PT1H or R/P1D", "ISO 8601 循环（如 R3/PT1H、R/P1D）"),
}


@dataclass(frozen=True)
class TimerTextProblem:
    """Why a timer's value cannot be used, in English and Chinese."""

    message_en: str
    message_zh: str


def iso_literal(text: str) -> str | None:
    """The text itself, stripped, if it is written as ISO 8601; None if it is an expression."""
    stripped = text.strip()
    return stripped if _LOOKS_ISO.fullmatch(stripped) else None


def kind_of_definition(definition: TimerEventDefinition) -> str:
    if isinstance(definition, CycleTimerEventDefinition):
        return CYCLE
    return DURATION if isinstance(definition, DurationTimerEventDefinition) else DATE


def timer_definitions(definition: Any) -> Iterator[TimerEventDefinition]:
    """The timers of an event definition: itself, or those nested in a multiple one (an
    event-based gateway's branches, a multiple catch event)."""
    if isinstance(definition, TimerEventDefinition):
        yield definition
    elif isinstance(definition, MultipleEventDefinition):
        for nested in definition.event_definitions:
            yield from timer_definitions(nested)


def timer_kind(task: Task, expression: str) -> str | None:
    """The kind of timer whose text `expression` is, if the engine is evaluating one of `task`'s
    timer texts; None for any other expression (a condition, a payload)."""
    definition = getattr(task.task_spec, "event_definition", None)
    for timer in timer_definitions(definition):
        if timer.expression == expression:
            return kind_of_definition(timer)
    return None


def value_problem(kind: str, value: Any) -> TimerTextProblem | None:
    """None if Spiff can use `value` for a timer of this kind, else why not."""
    example_en, example_zh = _EXAMPLES[kind]
    if not isinstance(value, str):
        name = type(value).__name__
        return TimerTextProblem(
            f"{kind} gives a value of type {name}, where text is needed: {example_en}",
            f"{kind} 的值为 {name} 类型，应为文本：{example_zh}",
        )
    try:
        reason = _reason(kind, value)
    except OverflowError:
        reason = ("it reaches past the year 9999", "超出 9999 年")
    except Exception:  # Spiff's parsers raise bare Exception, ValueError, IndexError...
        reason = ("the engine cannot read it", "流程引擎无法解析")
    if reason is None:
        return None
    return TimerTextProblem(
        f"{kind} {value!r} is not {example_en}: {reason[0]}",
        f"{kind}「{value}」不是{example_zh}：{reason[1]}",
    )


def _reason(kind: str, value: str) -> tuple[str, str] | None:
    """Run the parsers Spiff will run on `value` (they raise on what they cannot read); None if
    they read it, else what else is wrong with it."""
    if not _SHAPE_OF[kind].fullmatch(value):
        return ("it is written in another form", "格式不符")
    now = datetime.now(UTC)
    if kind == DURATION:
        parsed = TimerEventDefinition.parse_iso_duration(value)
        if _too_long(parsed):
            return _TOO_LONG
        # Spiff adds the duration to the current time; past the year 9999 this overflows.
        _ = now + TimerEventDefinition.get_timedelta_from_start(dict(parsed), now)
        return None
    if kind == DATE:
        if not isinstance(TimerEventDefinition.parse_time_or_duration(value), datetime):
            return ("a duration is not a date", "时长不是日期")
        return None
    # A cycle: its durations as Spiff splits them, bounded before Spiff adds up their months.
    for component in value.upper().replace("--", "/").strip("R").split("/")[1:]:
        if component.startswith("P") and _too_long(TimerEventDefinition.parse_iso_duration(component)):
            return _TOO_LONG
    _cycles, start, interval = TimerEventDefinition.parse_iso_recurring_interval(value)
    if interval.total_seconds() <= 0:
        # It would fire again at every sweep, forever for R/.
        return ("its interval is not longer than zero", "其间隔不大于零")
    _ = start + interval
    return None


_TOO_LONG = ("it is longer than 9999 years", "超过 9999 年")


def _too_long(parsed: dict[str, Any]) -> bool:
    return bool(parsed.get("years", 0) * 12 + parsed.get("months", 0) > MAX_MONTHS)


def due_at(task: Task) -> datetime | None:
    """When `task`'s waiting timer is due, read as Spiff will compare it; None if it has none."""
    timers = list(timer_definitions(getattr(task.task_spec, "event_definition", None)))
    # A multiple event keeps the events it has seen; a timer among them is no longer waited for.
    seen = [getattr(event, "event_definition", None) for event in task.internal_data.get("seen_events", [])]
    if all(any(timer == other for other in seen) for timer in timers):  # True when there is none
        return None
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):  # a cycle: its next firing, none once its count is used up
        value = value.get("next") if value.get("cycles") != 0 else None
    if not isinstance(value, str):
        return None
    try:
        moment = TimerEventDefinition.parse_time_or_duration(value)
    except Exception:  # an unreadable value fails the turn that reads it, not this
        return None
    return moment if isinstance(moment, datetime) else None
