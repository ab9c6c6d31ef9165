"""Demo service cases, worked through the real services (intake, the service_case process,
outcomes) by the project's own operator: 方松's four cases at every stage, which the inbox, board,
archive and public lookup show, and whatever other project needs a record of its work
(service_history.py).

Idempotent: each case carries a fixed idempotency key and is worked only when it is first created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from casemgmt.archive.outcomes import record_outcome
from casemgmt.cases.intake import IntakeRequest, submit_case
from casemgmt.consent import notice as privacy_notice
from casemgmt.models import Enterprise, OrgUnit, ServiceCase, TechnicalInstitution
from casemgmt.registry.enterprises import upsert_enterprise
from casemgmt.registry.validators import uscc_check_character
from workflows import human_tasks
from workflows.models import HumanTask

from . import dates

PROJECT = "street-fangsong"
DEMO_ENTERPRISE_UNIT = "enterprise-demo"


def demo_credit_code(n: int) -> str:
    """A valid credit code for the n-th demo enterprise (9131 0117: an enterprise of Songjiang)."""
    base = f"91310117DEMO{n:05d}".replace("DEMO", "MA1G")
    return base + uscc_check_character(base)


@dataclass(frozen=True)
class DemoEnterprise:
    n: int
    name: str
    size_class: str
    industry: str


ENTERPRISES = (
    DemoEnterprise(1, "上海示例精密制造有限公司", "small", "通用设备制造"),
    DemoEnterprise(2, "上海示例食品科技有限公司", "micro", "食品制造"),
    DemoEnterprise(3, "上海示例电子元件有限公司", "medium", "电子元件制造"),
    DemoEnterprise(4, "上海示例智能装备有限公司", "small", "专用设备制造"),
    DemoEnterprise(5, "上海示例工业机器人有限公司", "medium", "工业机器人制造"),
    DemoEnterprise(6, "上海示例新材料科技有限公司", "micro", "新材料"),
)


@dataclass(frozen=True)
class Service:
    """One follow-up service (服务跟进), recorded on the case's 服务跟进 task."""

    service_class: str
    mode: str
    content: str


@dataclass(frozen=True)
class Result:
    """One outcome the case led to (the scorecard's 服务成效 evidence)."""

    kind: str
    subtype: str
    title: str
    number: str = ""
    issuer: str = ""


@dataclass(frozen=True)
class DemoCase:
    key: str  # the intake's idempotency key
    project: str
    enterprise: int
    channel: str  # "window" (entered by the operator) or "online" (by the enterprise, anonymous)
    need: str
    items: tuple[str, ...]
    stage: str  # how far to work it: intake, matching, follow_up or closed
    services: tuple[Service, ...] = ()
    results: tuple[Result, ...] = ()


METROLOGY_VISIT = Service("metrology", "on_site", "上门指导计量器具送检准备")
CALIBRATION = Result(
    "certificate", "calibration", "三坐标测量机校准证书", "JZ-DEMO-0001", "（示例）计量技术机构"
)

CASES = (
    DemoCase("demo-case-1", PROJECT, 1, "window", "新购三坐标测量机需要校准，希望推荐有资质的计量机构。",
             ("metrology.2",), "closed", (METROLOGY_VISIT,), (CALIBRATION,)),
    DemoCase("demo-case-2", PROJECT, 2, "online", "新产品上市前需要做营养成分和微生物检测。",
             ("testing.2",), "follow_up"),
    DemoCase("demo-case-3", PROJECT, 3, "window", "准备申请 ISO 9001 质量管理体系认证，需要咨询流程。",
             ("certification.3",), "matching"),
    DemoCase("demo-case-4", PROJECT, 1, "online", "希望了解商标注册和专利申请的代理服务。",
             ("ip.1", "ip.3"), "intake"),
)  # fmt: skip

FEEDBACK = {
    "rating": "5",
    "effects": ["quality_management", "pass_rate"],
    "new_jobs": 1,
    "investment_drawn": 0,
    "output_added": 35,
    "cost_saved": 1.5,
    "profit_added": 4,
}


def _work(case: ServiceCase, spec: str, actor: User, data: dict[str, Any]) -> ServiceCase:
    task = HumanTask.objects.get(instance_id=case.instance_id, task_spec=spec, status=HumanTask.Status.OPEN)
    human_tasks.complete(task.pk, actor=actor, data=data)
    case.refresh_from_db()
    return case


def _matching() -> dict[str, Any]:
    institution = TechnicalInstitution.objects.filter(active=True).order_by("pk").first()
    if institution is None:
        return {"outcome": "expert", "expert": "区计量测试所 王工"}
    return {"outcome": "institution", "institution_id": institution.pk}


def _advance(case: ServiceCase, spec: DemoCase, operator: User) -> None:
    if spec.stage == "intake":
        return
    case = _work(case, "review", operator, {})
    if spec.stage == "matching":
        return
    case = _work(case, "match", operator, _matching())
    if spec.stage == "follow_up":
        return
    for n, service in enumerate(spec.services):
        record = {
            "served_on": dates.in_quarter(n, len(spec.services) + 1).isoformat(),
            "mode": service.mode,
            "service_class": service.service_class,
            "content": service.content,
            "add_another": n + 1 < len(spec.services),
        }
        case = _work(case, "record", operator, record)
    _work(case, "feedback", operator, FEEDBACK)
    for n, result in enumerate(spec.results):
        record_outcome(
            actor=operator,
            project=case.project,
            case=case,
            kind=result.kind,
            subtype=result.subtype,
            title=result.title,
            number=result.number,
            issuer=result.issuer,
            obtained_on=dates.in_quarter(n + 1, len(spec.results) + 1),
        )


def load_enterprises() -> None:
    for demo in ENTERPRISES:
        upsert_enterprise(
            demo_credit_code(demo.n),
            name=demo.name,
            actor=None,
            contact_name="王经理",
            phone="13916000000",
            address="上海市松江区示例路 88 号",
            size_class=demo.size_class,
            industry=demo.industry,
        )
    # The demo enterprise user's org unit is the first enterprise's: it sees that one's cases.
    unit = OrgUnit.objects.filter(code=DEMO_ENTERPRISE_UNIT).first()
    if unit is not None:
        Enterprise.objects.filter(credit_code=demo_credit_code(1), org_unit__isnull=True).update(
            org_unit=unit
        )


def load_cases(specs: tuple[DemoCase, ...], operator: User) -> list[ServiceCase]:
    """Create and work the cases that do not exist yet, each in one transaction; returns all."""
    load_enterprises()
    cases = []
    for spec in specs:
        existing = ServiceCase.objects.filter(idempotency_key=spec.key).first()
        if existing is not None:
            cases.append(existing)
            continue
        demo = ENTERPRISES[spec.enterprise - 1]
        with transaction.atomic():
            case = submit_case(
                IntakeRequest(
                    project_code=spec.project,
                    credit_code=demo_credit_code(demo.n),
                    enterprise_name=demo.name,
                    contact_name="王经理",
                    contact_phone="13916000000",
                    need=spec.need,
                    catalogue_items=spec.items,
                    channel=spec.channel,
                    idempotency_key=spec.key,
                    # The demo enterprise accepted the notice in force (online) or was told of it
                    # at the window.
                    consent_version=privacy_notice.current_version(),
                ),
                actor=None if spec.channel == "online" else operator,
            )
            _advance(case, spec, operator)
        cases.append(case)
    return cases


def load_demo_cases(operator: User) -> list[ServiceCase]:
    """方松's demo cases, one at every stage, worked by the demo operator."""
    return load_cases(CASES, operator)
