"""Walking a service case through its tasks, as the people in the lanes would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casemgmt.cases.intake import IntakeRequest, submit_case
from casemgmt.consent.notice import current_version
from casemgmt.models import ServiceCase, ServiceProject
from core.service import Actor
from tests.factories import valid_uscc
from workflows import human_tasks
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion

SHIPPED = Path(__file__).resolve().parents[2] / "bpmn" / "service_case.bpmn"


def deploy_service_case() -> ProcessModelVersion:
    outcome = deploy(bundle_for(SHIPPED), actor=None, model_key="service_case")
    assert outcome.version is not None
    return outcome.version


def request_for(project: ServiceProject, n: int = 1, **changes: Any) -> IntakeRequest:
    fields: dict[str, Any] = {
        "project_code": project.code,
        "credit_code": valid_uscc(n),
        "enterprise_name": f"上海松江测试企业{n}有限公司",
        "contact_name": "李四",
        "contact_phone": "13800138000",
        "need": "产品出口前需要做电气安全检测，希望了解检测机构和费用。",
        "catalogue_items": ("testing.1",),
        "channel": "window",
        "address": "上海市松江区中山路1号",
        "size_class": "small",
        "industry": "电子制造",
        "consent_version": current_version(),
    }
    fields.update(changes)
    return IntakeRequest(**fields)


def open_task(case: ServiceCase, spec: str) -> HumanTask:
    return HumanTask.objects.get(instance_id=case.instance_id, task_spec=spec, status=HumanTask.Status.OPEN)


def open_specs(case: ServiceCase) -> set[str]:
    return set(
        HumanTask.objects.filter(instance_id=case.instance_id, status=HumanTask.Status.OPEN).values_list(
            "task_spec", flat=True
        )
    )


def work(case: ServiceCase, spec: str, actor: Actor, data: dict[str, Any]) -> ServiceCase:
    human_tasks.complete(open_task(case, spec).pk, actor=actor, data=data)
    case.refresh_from_db()
    return case


RECORD: dict[str, Any] = {
    "served_on": "2026-01-05",
    "mode": "on_site",
    "service_class": "testing",
    "content": "上门指导企业准备送检样品",
    "add_another": False,
}
FEEDBACK: dict[str, Any] = {
    "rating": "5",
    "effects": ["pass_rate", "other"],
    "effect_other": "缩短了出口检测周期",
    "new_jobs": 2,
    "investment_drawn": 0,
    "output_added": 120.5,
    "cost_saved": 3.2,
    "profit_added": 10,
}


def submit(project: ServiceProject, actor: Actor, n: int = 1, **changes: Any) -> ServiceCase:
    return submit_case(request_for(project, n, **changes), actor=actor)


def instance_of(case: ServiceCase) -> ProcessInstance:
    """The case's process instance, fresh from the database."""
    assert case.instance is not None
    case.instance.refresh_from_db()
    return case.instance
