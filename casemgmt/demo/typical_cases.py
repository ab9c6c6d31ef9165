"""The quarter's typical cases of 方松 (bpmn/typical_cases.bpmn): the round opens the office's task
as the quarterly campaign does, the office reports three cases linked to its service cases and
confirms, the district selects two (one of them reported to the city), sends one back with its
reason, and confirms its review.

The two accepted cases count for indicator 14 of 方松's scorecard, so this runs before 方松's
self-assessment is opened. Left alone once 方松 has any typical case.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from casemgmt.models import OrgUnit, ServiceCase, ServiceProject
from casemgmt.promotion.services import start_typical_cases, typical_cases_instance
from casemgmt.scorecard.models import TypicalCase, TypicalCaseStatus
from casemgmt.scorecard.typical_cases import review_typical_case, submit_typical_case
from workflows import human_tasks
from workflows.models import HumanTask, ProcessInstance

from . import dates
from .people import People

PROJECT = "street-fangsong"


@dataclass(frozen=True)
class Report:
    kind: str  # a) quality, b) economy, c) jobs
    title: str
    description: str
    cases: tuple[str, ...]  # the service cases' idempotency keys (casemgmt/demo/cases.py)
    decision: str  # the district's: selected, reported to the city, or rejected
    note: str = ""


REPORTS = (
    Report(
        "a",
        "校准服务助力精密制造企业提升产品合格率",
        "驿站为上海示例精密制造有限公司对接计量技术机构，完成三坐标测量机校准并上门指导送检准备，"
        "企业关键尺寸检测一致性明显提高，产品一次交检合格率提升。",
        ("demo-case-1",),
        TypicalCaseStatus.REPORTED,
        "成效数据完整，择优上报市局。",
    ),
    Report(
        "b",
        "检测前置服务帮助食品企业缩短新品上市周期",
        "驿站在新品上市前为上海示例食品科技有限公司对接检测机构，提前完成营养成分和微生物检测，"
        "企业节约送检往返时间和费用。",
        ("demo-case-2",),
        TypicalCaseStatus.SELECTED,
        "选用。",
    ),
    Report(
        "c",
        "质量管理体系认证辅导带动企业新增就业",
        "驿站为上海示例电子元件有限公司提供 ISO 9001 认证咨询，企业计划扩大产线并新增质量岗位。",
        ("demo-case-3",),
        TypicalCaseStatus.REJECTED,
        "认证尚未完成，新增就业岗位缺少佐证，请在取得证书后下季度再报。",
    ),
)


def _complete(instance: ProcessInstance, spec: str, actor: User, data: dict[str, object]) -> None:
    task = HumanTask.objects.get(instance=instance, task_spec=spec, status=HumanTask.Status.OPEN)
    human_tasks.complete(task.pk, actor=actor, data=data)


def _review(case: TypicalCase, report: Report, reviewer: User) -> None:
    if report.decision == TypicalCaseStatus.REPORTED:
        # Reported to the city only after it was selected.
        review_typical_case(case.pk, decision=TypicalCaseStatus.SELECTED, actor=reviewer)
    review_typical_case(case.pk, decision=report.decision, note=report.note, actor=reviewer)


def load_typical_cases(people: People) -> ProcessInstance | None:
    project = ServiceProject.objects.select_related("coordinating_office").get(code=PROJECT)
    if TypicalCase.objects.filter(project=project).exists():
        return None
    office: OrgUnit = project.coordinating_office
    quarter = dates.current_quarter()
    office_staff, reviewer = people.fangsong.office, people.reviewer
    with transaction.atomic():
        instance = start_typical_cases(office, quarter) or typical_cases_instance(office.code, quarter)
        assert instance is not None
        submitted = []
        for report in REPORTS:
            case_ids = ServiceCase.objects.filter(project=project, idempotency_key__in=report.cases)
            submitted.append(
                submit_typical_case(
                    project=project,
                    quarter=quarter,
                    kind=report.kind,
                    title=report.title,
                    description=report.description,
                    case_ids=case_ids.values_list("pk", flat=True),
                    actor=office_staff,
                )
            )
        _complete(
            instance, "submit", office_staff, {"confirmed": True, "note": f"本季度报送 {len(REPORTS)} 件。"}
        )
        for case, report in zip(submitted, REPORTS, strict=True):
            _review(case, report, reviewer)
        _complete(
            instance, "review", reviewer, {"reviewed": True, "note": "已择优选用 2 件，其中 1 件上报市局。"}
        )
        instance.refresh_from_db()
        return instance
