"""Demo service cases for a fresh install: a few cases of the 方松 project at every stage, worked
through the real services (intake, the service_case process, outcomes) by the demo users, so that
the inbox, board, archive, scorecard and public lookup have something to show.

Idempotent: each case carries a fixed idempotency key and is worked only when it is first created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from casemgmt.archive.outcomes import record_outcome
from casemgmt.cases.intake import IntakeRequest, submit_case
from casemgmt.models import Enterprise, OrgUnit, ServiceCase, TechnicalInstitution
from casemgmt.registry.enterprises import upsert_enterprise
from casemgmt.registry.validators import uscc_check_character
from workflows import human_tasks
from workflows.models import HumanTask

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
)

# (idempotency key, enterprise n, channel, need, catalogue items, how far to work it)
CASES = (
    ("demo-case-1", 1, "window", "新购三坐标测量机需要校准，希望推荐有资质的计量机构。",
     ("metrology.2",), "closed"),
    ("demo-case-2", 2, "online", "新产品上市前需要做营养成分和微生物检测。", ("testing.2",), "follow_up"),
    ("demo-case-3", 3, "window", "准备申请 ISO 9001 质量管理体系认证，需要咨询流程。",
     ("certification.3",), "matching"),
    ("demo-case-4", 1, "online", "希望了解商标注册和专利申请的代理服务。", ("ip.1", "ip.3"), "intake"),
)  # fmt: skip

RECORD = {
    "mode": "on_site",
    "service_class": "metrology",
    "content": "上门指导计量器具送检准备",
    "add_another": False,
}
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


def _advance(case: ServiceCase, target: str, operator: User) -> None:
    if target == "intake":
        return
    case = _work(case, "review", operator, {})
    if target == "matching":
        return
    institution = TechnicalInstitution.objects.filter(active=True).order_by("pk").first()
    matching: dict[str, Any] = (
        {"outcome": "institution", "institution_id": institution.pk}
        if institution is not None
        else {"outcome": "expert", "expert": "区计量测试所 王工"}
    )
    case = _work(case, "match", operator, matching)
    if target == "follow_up":
        return
    served_on = (timezone.localdate() - timedelta(days=3)).isoformat()
    case = _work(case, "record", operator, {**RECORD, "served_on": served_on})
    _work(case, "feedback", operator, FEEDBACK)
    record_outcome(
        actor=operator,
        project=case.project,
        case=case,
        kind="certificate",
        subtype="calibration",
        title="三坐标测量机校准证书",
        number="JZ-DEMO-0001",
        issuer="（示例）计量技术机构",
        obtained_on=timezone.localdate() - timedelta(days=1),
    )


def load_demo_cases(operator: User) -> list[ServiceCase]:
    """Create and work the demo cases that do not exist yet; returns all of them."""
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
    cases = []
    for key, n, channel, need, items, target in CASES:
        existing = ServiceCase.objects.filter(idempotency_key=key).first()
        if existing is not None:
            cases.append(existing)
            continue
        demo = ENTERPRISES[n - 1]
        with transaction.atomic():
            case = submit_case(
                IntakeRequest(
                    project_code=PROJECT,
                    credit_code=demo_credit_code(n),
                    enterprise_name=demo.name,
                    contact_name="王经理",
                    contact_phone="13916000000",
                    need=need,
                    catalogue_items=items,
                    channel=channel,
                    idempotency_key=key,
                ),
                actor=None if channel == "online" else operator,
            )
            _advance(case, target, operator)
        cases.append(case)
    return cases
