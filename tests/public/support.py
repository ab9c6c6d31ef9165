"""Helpers of the public-page tests (also used by the permission-matrix rows): the shipped
service-case diagram, an active project, a valid submission, the staff steps up to feedback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casemgmt.consent.notice import current_version
from casemgmt.models import OrgUnit, ServiceCase, ServiceProject, TechnicalInstitution
from tests.factories import make_org_unit, make_project
from workflows import human_tasks
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask

SHIPPED_BPMN = Path(__file__).resolve().parents[2] / "bpmn"


def deploy_service_case() -> None:
    outcome = deploy(bundle_for(SHIPPED_BPMN / "service_case.bpmn"), actor=None, model_key="service_case")
    assert outcome.version is not None


def make_public_project() -> ServiceProject:
    """An active street-level project for 方松街道, run by operator-fs under office-fangsong."""
    office = make_org_unit(code="office-fangsong", name="方松市场监管所", kind=OrgUnit.Kind.OFFICE)
    operator = make_org_unit(code="operator-fs", name="方松驿站", kind=OrgUnit.Kind.OPERATOR, parent=office)
    division = make_org_unit(code="310117003", name="方松街道", kind=OrgUnit.Kind.DIVISION, parent=office)
    project = make_project(
        code="fangsong",
        case_prefix="FS",
        name="方松街道质量服务驿站",
        coordinating_office=office,
        operator=operator,
    )
    project.divisions.add(division)
    return project


def intake_body(project: ServiceProject | str, **overrides: Any) -> dict[str, Any]:
    """A valid online submission for the project (or its code), with a fixed idempotency key."""
    body: dict[str, Any] = {
        "project_code": project if isinstance(project, str) else project.code,
        "credit_code": "91310117MA1J2KXQ40",
        "enterprise_name": "上海松江示例精密机械有限公司",
        "address": "上海市松江区示例路8号",
        "size_class": "small",
        "industry": "通用设备制造",
        "contact_name": "李四",
        "contact_phone": "13912345678",
        "need": "产品出口需要做电磁兼容检测，希望对接检测机构。",
        "catalogue_items": ["testing.1", "metrology.2"],
        "idempotency_key": "0f8d3c1e2b7a4e5f9a6b3c2d1e0f9a8b",
        "consent": "on",
        "notice_version": current_version(),
    }
    body.update(overrides)
    return body


def complete_step(case: ServiceCase, task_spec: str, data: dict[str, Any]) -> None:
    """Complete the case's open task `task_spec` as the system would (actor None)."""
    task = HumanTask.objects.get(
        instance_id=case.instance_id, task_spec=task_spec, status=HumanTask.Status.OPEN
    )
    human_tasks.complete(task.pk, actor=None, data=data)


def advance_to_feedback(case: ServiceCase, institution: TechnicalInstitution) -> ServiceCase:
    """Staff's part of the process: accept the need, match an institution, record one service."""
    complete_step(case, "review", {})
    complete_step(case, "match", {"outcome": "institution", "institution_id": institution.pk})
    served = {
        "served_on": "2026-05-04",
        "mode": "on_site",
        "service_class": "testing",
        "content": "上门指导检测准备（内部记录）",
    }
    complete_step(case, "record", {**served, "add_another": False})
    case.refresh_from_db()
    assert case.stage == ServiceCase.Stage.FEEDBACK, case.stage
    return case
