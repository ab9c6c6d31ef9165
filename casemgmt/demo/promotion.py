"""Three projects in the promotion process (bpmn/site_promotion.bpmn), this year's period:

- 方松: the self-assessment under way (the demo operator has scored part of the draft; 效能自评
  waits in its inbox);
- 小昆山: self-assessment and office evaluation above 70 (district_candidate from score_band.dmn),
  the application with its proposed name, the office's recommendation, the district's evaluation
  above 70, and so the naming as a district-level project (NamingRecord);
- 泖港: the office's evaluation below 60 (unqualified), so the office's 项目建设指导 task waits.

Each project's cycle is started by its office through `start_assessment` and worked by the people
of the right units. One transaction per project; a project with any assessment is left alone.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from casemgmt.models import ServiceProject
from casemgmt.promotion.models import ProjectAssessment
from casemgmt.promotion.services import start_assessment
from casemgmt.scorecard.models import Evaluation
from workflows import human_tasks
from workflows.models import HumanTask, ProcessInstance

from . import dates
from .people import People, Staff
from .scorecard import EVERY_DOCUMENT, Adjust, Check, Judge, Mark, fill_and_submit, mark, ticks

FANGSONG = "street-fangsong"
XIAOKUNSHAN = "street-xiaokunshan"
MAOGANG = "street-maogang"
DISTRICT_NAME = "松江区智能制造产业质量基础设施“一站式”服务项目"

# 方松's operator has got this far: the rules, funding, staff and premises, and the logo.
FANGSONG_SO_FAR = ticks((1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2), (4, 1), (5, 1), (5, 2), (6, 2))

XKS_SELF: tuple[Mark, ...] = (
    *ticks(*EVERY_DOCUMENT),
    Judge(7, "7.5", "项目聚焦小昆山镇智能制造产业集群，与松江区先进制造业布局一致。"),
    Judge(15, "4.0", "服务企业取得证书、专利和荣誉，产值和成本效益明显（见服务情况统计表）。"),
)
XKS_OFFICE: tuple[Mark, ...] = (
    Judge(15, "3.5", "部分效益数据为企业自报，尚未取得企业盖章确认，酌减 0.5 分。"),
)
XKS_DISTRICT: tuple[Mark, ...] = (
    Judge(7, "7.0", "布局合理，但与经开区项目的服务范围有部分重叠，酌减 0.5 分。"),
)

_MAOGANG_TICKS = tuple(key for key in EVERY_DOCUMENT if key not in {(3, 2), (6, 3), (9, 4), (11, 3), (18, 1)})
MG_SELF: tuple[Mark, ...] = (
    *ticks(*_MAOGANG_TICKS),
    Judge(7, "6.0", "项目服务泖港镇农产品加工和建材企业，与镇域产业布局基本一致。"),
    Judge(15, "3.0", "服务企业反馈良好。"),
    Adjust(8, 1, "4", "系统启用前已开展计量、检测、标准、政策咨询四类服务，记录在纸质服务台账中。"),
)
MG_OFFICE: tuple[Mark, ...] = (
    Check(4, 3, satisfied=False, reason="现场抽查：未见工作人员年度质量培训记录。"),
    Check(11, 1, satisfied=False, reason="需求采集仅开展一次，尚未形成定期机制。"),
    Judge(15, "2.0", "效益数据缺少企业确认，服务成效难以核实。"),
)


def _open_task(instance: ProcessInstance, spec: str) -> HumanTask:
    return HumanTask.objects.get(instance=instance, task_spec=spec, status=HumanTask.Status.OPEN)


def _complete(
    instance: ProcessInstance, spec: str, actor: User, data: dict[str, Any], opinion: str = ""
) -> None:
    human_tasks.complete(_open_task(instance, spec).pk, actor=actor, data=data, opinion=opinion)


def _draft(instance: ProcessInstance, stage: str) -> Evaluation:
    return Evaluation.objects.select_related("project").get(
        instance=instance, stage=stage, status=Evaluation.Status.DRAFT
    )


def _start(code: str, staff: Staff) -> ProcessInstance:
    """This year's cycle of the project, started by its office."""
    project = ServiceProject.objects.get(code=code)
    period_start, period_end = dates.assessment_period()
    return start_assessment(project.pk, actor=staff.office, period_start=period_start, period_end=period_end)


def _assessed(code: str) -> bool:
    return ProjectAssessment.objects.filter(project__code=code).exists()


def _to_office_band(
    code: str, staff: Staff, self_marks: tuple[Mark, ...], office_marks: tuple[Mark, ...]
) -> ProcessInstance:
    """Self-assessment by the operator, then the office's evaluation: the band follows."""
    instance = _start(code, staff)
    fill_and_submit(_draft(instance, "self"), self_marks, staff.operator)
    fill_and_submit(_draft(instance, "office"), office_marks, staff.office)
    instance.refresh_from_db()
    return instance


def load_self_assessment_in_progress(people: People) -> ProcessInstance | None:
    if _assessed(FANGSONG):
        return None
    with transaction.atomic():
        instance = _start(FANGSONG, people.fangsong)
        mark(_draft(instance, "self"), FANGSONG_SO_FAR, people.fangsong.operator)
        return instance


def load_named_project(people: People) -> ProcessInstance | None:
    if _assessed(XIAOKUNSHAN):
        return None
    staff = people.xiaokunshan
    with transaction.atomic():
        instance = _to_office_band(XIAOKUNSHAN, staff, XKS_SELF, XKS_OFFICE)
        assessment = ProjectAssessment.objects.select_related("self_evaluation", "office_evaluation").get(
            instance=instance
        )
        assert assessment.self_evaluation is not None and assessment.office_evaluation is not None
        statement = (
            f"本项目本年度自评 {assessment.self_evaluation.total} 分，市场监管所评估 "
            f"{assessment.office_evaluation.total} 分，申请命名为区级质量基础设施“一站式”服务项目。"
        )
        _complete(instance, "apply", staff.operator, {"proposed_name": DISTRICT_NAME, "statement": statement})
        _complete(
            instance,
            "office_recommend",
            staff.office,
            {"office_decision": "recommend"},
            opinion="服务成效有记录可查，同意推荐。",
        )
        fill_and_submit(_draft(instance, "district"), XKS_DISTRICT, people.reviewer)
        instance.refresh_from_db()
        return instance


def load_project_under_guidance(people: People) -> ProcessInstance | None:
    if _assessed(MAOGANG):
        return None
    with transaction.atomic():
        return _to_office_band(MAOGANG, people.maogang, MG_SELF, MG_OFFICE)
