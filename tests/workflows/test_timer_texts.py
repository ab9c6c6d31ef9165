"""Timer texts as every BPMN tool writes them (ISO 8601 durations, dates and cycles) and as
expressions, checked at deploy with the parsers the run uses; and the timers an event-based
gateway waits for, which the sweep must find in the gateway's own event definition."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances
from workflows.deploy import bundle_for, deploy
from workflows.instances import fire_due_timers
from workflows.models import HumanTask, InstanceStatus, ProcessInstance
from workflows.parsing import DiagramInvalid

from ..conftest import BPMN_DIR

pytestmark = pytest.mark.django_db

OFFICE = "office-fangsong"


def _timer_files(kind: str, text: str) -> tuple[str, dict[str, str]]:
    """A diagram whose one timer is `<kind>text</kind>`: the intermediate timer of
    task_then_timer for durations and dates, the boundary cycle of cycle_timer for cycles."""
    if kind == "timeCycle":
        stem, written = "cycle_timer", "<bpmn:timeCycle>R3/PT1H</bpmn:timeCycle>"
    else:
        stem, written = "task_then_timer", "<bpmn:timeDuration>wait</bpmn:timeDuration>"
    files = bundle_for(BPMN_DIR / f"{stem}.bpmn")
    assert written in files[f"{stem}.bpmn"]
    files[f"{stem}.bpmn"] = files[f"{stem}.bpmn"].replace(written, f"<bpmn:{kind}>{text}</bpmn:{kind}>")
    return stem, files


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("timeDuration", "P7D"),
        ("timeDuration", "PT2H"),
        ("timeDuration", "P1DT12H"),
        ("timeDuration", "P2W"),
        ("timeDuration", "\n        PT30M\n      "),
        ("timeDuration", '"P3D"'),
        ("timeDuration", "days(reminder_days)"),
        ("timeDuration", "wait"),
        ("timeDate", "2026-12-31T09:00:00+08:00"),
        ("timeDate", "2026-12-31"),
        ("timeDate", '"2026-12-31 09:00:00+08:00"'),
        ("timeDate", "2026-W05-1T09:00"),
        ("timeDate", "matching_due"),
        ("timeCycle", "R6/P1D"),
        ("timeCycle", "R/PT1H"),
        ("timeCycle", "R3/2026-01-01T00:00:00Z/P1D"),
        ("timeCycle", '"R3/PT1H"'),
    ],
)
def test_iso_texts_and_expressions_deploy(kind: str, text: str) -> None:
    stem, files = _timer_files(kind, text)
    assert deploy(files, actor=None, model_key=stem).version is not None


@pytest.mark.parametrize(
    ("kind", "text", "code", "said"),
    [
        ("timeDuration", "P1W2D", "timer", "not an ISO 8601 duration"),
        ("timeDuration", "R3/PT1H", "timer", "not an ISO 8601 duration"),
        ("timeDuration", "2026-12-31T09:00:00+08:00", "timer", "not an ISO 8601 duration"),
        ("timeDuration", "P99999Y", "timer", "longer than 9999 years"),
        ("timeDuration", '"P1W2D"', "timer", "not an ISO 8601 duration"),
        ("timeDuration", "3", "timer", "gives a value of type int"),
        ("timeDuration", "P7 D", "expression", "neither ISO 8601"),
        ("timeDuration", "7 days", "expression", "neither ISO 8601"),
        ("timeDuration", "timeout.__class__", "expression", "neither ISO 8601"),
        ("timeDuration", " ", "timer", "timeDuration is empty"),
        ("timeDate", "P7D", "timer", "not an ISO 8601 date-time"),
        ("timeDate", "2026-13-01T00:00:00", "timer", "not an ISO 8601 date-time"),
        ("timeDate", "2026-12-31T09:00:00+08:00 + 1", "expression", "neither ISO 8601"),
        ("timeCycle", "R3/P1D/P2D", "timer", "not an ISO 8601 cycle"),
        ("timeCycle", "R/PT0S", "timer", "interval is not longer than zero"),
        ("timeCycle", "P1D", "timer", "not an ISO 8601 cycle"),
    ],
)
def test_a_text_spiff_could_not_use_is_refused_at_deploy(kind: str, text: str, code: str, said: str) -> None:
    stem, files = _timer_files(kind, text)
    with pytest.raises(DiagramInvalid) as caught:
        deploy(files, actor=None, model_key=stem)
    [problem] = caught.value.problems
    assert problem.code == code
    assert said in problem.message
    assert problem.element_id == ("hourly" if kind == "timeCycle" else "wait"), "the event, as drawn"
    assert problem.line is not None
    assert problem.message_zh and problem.message_zh != problem.message, "a message in both languages"


def bring_timers_forward(instance: ProcessInstance) -> int:
    """Move every armed timer of the instance to a second ago, as if its time had passed: a
    duration's or date's target (`event_value`) and a cycle's next firing, and the column the
    sweep selects by. The engine does the rest as it would later."""
    state: dict[str, Any] = json.loads(
        ProcessInstance.objects.values_list("state", flat=True).get(pk=instance.pk)
    )
    past = timezone.now() - dt.timedelta(seconds=1)
    moved = 0
    for task in state["tasks"].values():
        internal = task.get("internal_data") or {}
        value = internal.get("event_value")
        if isinstance(value, str) and not internal.get("event_fired"):
            internal["event_value"] = past.isoformat()
            moved += 1
        elif isinstance(value, dict) and value.get("cycles"):
            value["next"] = past.isoformat()
            moved += 1
    ProcessInstance.objects.filter(pk=instance.pk).update(
        state=json.dumps(state, separators=(",", ":"), ensure_ascii=False), next_timer_at=past
    )
    return moved


def assert_due_in(instance: ProcessInstance, delta: dt.timedelta, started: dt.datetime) -> None:
    assert instance.next_timer_at is not None
    assert started + delta - dt.timedelta(seconds=5) < instance.next_timer_at <= timezone.now() + delta


def open_specs(instance: ProcessInstance) -> list[str]:
    return sorted(instance.human_tasks.filter(status="open").values_list("task_spec", flat=True))


def test_a_boundary_timer_written_p7d_fires_after_seven_days(cast: Cast) -> None:
    files = bundle_for(BPMN_DIR / "timer.bpmn")
    files["timer.bpmn"] = files["timer.bpmn"].replace(">timeout<", ">P7D<")
    deploy(files, actor=None, model_key="timer")
    started = timezone.now()
    case = instances.start_instance("timer", actor=cast.operator_a, org_unit_code=OPERATOR_A, data={})
    assert case.status == InstanceStatus.RUNNING, case.last_error
    assert_due_in(case, dt.timedelta(days=7), started)
    assert fire_due_timers() == 0, "not due for a week"

    assert bring_timers_forward(case) == 1
    assert fire_due_timers() == 1
    case.refresh_from_db()
    assert dict(case.human_tasks.values_list("task_spec", "status")) == {
        "match": "cancelled",
        "escalated": "open",
    }
    assert case.next_timer_at is None


def test_a_date_written_as_iso_8601_is_due_at_that_instant(cast: Cast) -> None:
    files = bundle_for(BPMN_DIR / "timer.bpmn")
    files["timer.bpmn"] = files["timer.bpmn"].replace(
        "<bpmn:timeDuration>timeout</bpmn:timeDuration>",
        "<bpmn:timeDate>2099-12-31T09:00:00+08:00</bpmn:timeDate>",
    )
    deploy(files, actor=None, model_key="timer")
    case = instances.start_instance("timer", actor=cast.operator_a, org_unit_code=OPERATOR_A, data={})
    assert case.next_timer_at == dt.datetime(2099, 12, 31, 1, 0, tzinfo=dt.UTC)


def test_a_cycle_r3_pt1h_fires_three_times_an_hour_apart(
    cast: Cast, deploy_fixture: Callable[[str], Any]
) -> None:
    deploy_fixture("cycle_timer")
    started = timezone.now()
    case = instances.start_instance("cycle_timer", actor=cast.office_a, org_unit_code=OFFICE, data={})
    assert_due_in(case, dt.timedelta(hours=1), started)
    for fired in (1, 2, 3):
        assert bring_timers_forward(case) == 1
        moved_at = timezone.now()
        assert fire_due_timers() == 1
        case.refresh_from_db()
        assert open_specs(case) == ["handle"] + ["remind"] * fired
        if fired < 3:
            assert_due_in(case, dt.timedelta(hours=1), moved_at - dt.timedelta(seconds=1))
    assert case.next_timer_at is None, "three cycles, then no more timer"
    assert fire_due_timers() == 0


def test_an_event_based_gateway_timer_is_swept(cast: Cast, deploy_fixture: Callable[[str], Any]) -> None:
    deploy_fixture("event_gateway")
    case = instances.start_instance("event_gateway", actor=cast.office_a, org_unit_code=OFFICE, data={})
    assert case.next_timer_at is None, "no timer until the gateway is reached"
    ask = case.human_tasks.get()
    human_tasks.claim(ask.pk, actor=cast.office_a)
    reached = timezone.now()
    human_tasks.complete(ask.pk, actor=cast.office_a, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.WAITING, case.last_error
    assert_due_in(case, dt.timedelta(hours=1), reached)
    assert fire_due_timers() == 0, "not due for an hour"

    assert bring_timers_forward(case) == 1, "the gateway holds the timer"
    assert fire_due_timers() == 1
    case.refresh_from_db()
    assert open_specs(case) == ["chase"], "the timer's branch, not the reply's"
    assert case.status == InstanceStatus.RUNNING and case.next_timer_at is None


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"timeout": "P1W2D"}, "timeDuration 'P1W2D' is not an ISO 8601 duration"),
        ({"timeout": 3}, "timeDuration gives a value of type int"),
        ({}, "timeout"),
    ],
)
def test_a_timer_text_failing_at_run_time_names_its_step(cast: Cast, data: dict[str, Any], said: str) -> None:
    deploy(bundle_for(BPMN_DIR / "timer.bpmn"), actor=None, model_key="timer")
    case = instances.start_instance("timer", actor=cast.operator_a, org_unit_code=OPERATOR_A, data=data)
    assert case.status == InstanceStatus.ERROR
    assert case.error_task_spec == "too_slow"
    assert said in case.last_error
    assert not HumanTask.objects.filter(instance=case, status="open").exclude(task_spec="match").exists()


def test_a_timer_failing_as_a_completed_task_moves_on_names_the_timer(cast: Cast) -> None:
    deploy(bundle_for(BPMN_DIR / "task_then_timer.bpmn"), actor=None, model_key="task_then_timer")
    case = instances.start_instance(
        "task_then_timer", actor=cast.office_a, org_unit_code=OFFICE, data={"wait": "P1W2D"}
    )
    fill = case.human_tasks.get()
    human_tasks.claim(fill.pk, actor=cast.office_a)
    human_tasks.complete(fill.pk, actor=cast.office_a, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.ERROR
    assert (case.error_task_spec, "'P1W2D'" in case.last_error) == ("wait", True)
