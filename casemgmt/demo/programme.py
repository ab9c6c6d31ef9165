"""The whole demo programme, in the order real work would happen: the cases and their outcomes
first (the scorecards compute from them), the quarter's typical cases (indicator 14), then the
three assessments, and the instance in error.

Each step is skipped when its item exists; each item is one transaction, so an interrupted run
leaves whole items only and the next run completes the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User

from casemgmt.models import ServiceCase
from workflows.models import ProcessModel

from .cases import load_demo_cases
from .error_instance import load_error_instance
from .people import demo_people, not_ready
from .promotion import load_named_project, load_project_under_guidance, load_self_assessment_in_progress
from .service_history import load_service_history
from .typical_cases import load_typical_cases

# The shipped models the demo runs (manage.py deploy_bpmn bpmn/).
MODELS = ("service_case", "site_promotion", "typical_cases")


@dataclass(frozen=True)
class Step:
    name: str
    made: bool  # False: it existed already


def _require_models() -> None:
    deployed = set(ProcessModel.objects.filter(key__in=MODELS).values_list("key", flat=True))
    missing = sorted(set(MODELS) - deployed)
    if missing:
        raise not_ready(
            f"Deploy the shipped diagrams first (manage.py deploy_bpmn bpmn/): {', '.join(missing)}.",
            f"请先部署流程图（manage.py deploy_bpmn bpmn/）：{'、'.join(missing)}。",
        )


def _new_cases(load: Callable[[User], list[ServiceCase]], operator: User) -> bool:
    before = ServiceCase.objects.count()
    load(operator)
    return ServiceCase.objects.count() > before


def load_demo_programme() -> list[Step]:
    """Create whatever part of the demo programme is missing; say what was made and what existed."""
    _require_models()
    people = demo_people()
    loads: tuple[tuple[str, Callable[[], bool]], ...] = (
        ("方松 service cases at every stage", lambda: _new_cases(load_demo_cases, people.fangsong.operator)),
        (
            "小昆山 closed cases and outcomes",
            lambda: _new_cases(load_service_history, people.xiaokunshan.operator),
        ),
        ("方松 typical cases of the quarter", lambda: load_typical_cases(people) is not None),
        ("方松 self-assessment under way", lambda: load_self_assessment_in_progress(people) is not None),
        ("小昆山 named district-level", lambda: load_named_project(people) is not None),
        ("泖港 below 60, under guidance", lambda: load_project_under_guidance(people) is not None),
        ("demo_quarter_check in error, version 2 deployed", lambda: load_error_instance(people) is not None),
    )
    return [Step(name, load()) for name, load in loads]
