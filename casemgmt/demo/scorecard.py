"""Filling demo scorecards through the scorecard's own services, item by item, as a person would:
checklist items ticked with a link to their evidence and the document's name, judgments with a
reason, a computed item overridden only with a written reason.

A plan lists the marks of one evaluation. An office or district evaluation starts from the stage
before it (copied items and evidence), so its plan lists only what that evaluator changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from casemgmt.scorecard.models import Evaluation
from casemgmt.scorecard.services import set_score
from casemgmt.scorecard.submission import submit_evaluation

# The documents the operators hold as evidence of the manual checklist items, by (indicator, item).
DOCUMENTS: dict[tuple[int, int], str] = {
    (1, 1): "《服务岗位及工作流程制度》",
    (1, 2): "《服务统计及档案管理制度》",
    (1, 3): "《服务需求采集与分析制度》",
    (1, 4): "《服务质量考核及投诉反馈处理制度》",
    (2, 1): "街镇经费支持文件",
    (2, 2): "年度工作经费预算",
    (3, 1): "服务联盟成立文件",
    (3, 2): "与市级技术服务机构的合作协议",
    (4, 1): "质量服务专员名单及聘书",
    (4, 2): "管理人员履历",
    (4, 3): "年度质量培训签到表",
    (5, 1): "服务站场地照片及受理台账",
    (5, 2): "公示栏照片（服务流程、内容、方式、投诉电话）",
    (6, 1): "服务事项线上查询页面截图",
    (6, 2): "“一站式”服务标识照片",
    (6, 3): "质量月活动方案及现场照片",
    (6, 4): "微信公众号宣传推文",
    (9, 1): "免费培训通知及签到表",
    (9, 2): "企业交流活动记录",
    (9, 3): "惠企政策宣传材料",
    (9, 4): "共享仪器设备清单",
    (10, 1): "线上服务渠道页面截图",
    (11, 1): "服务需求定期采集记录",
    (11, 2): "满意度分析及改进报告",
    (11, 3): "技术服务机构定期评价记录",
    (18, 1): "“一网通办”企业专属网页截图",
}
EVERY_DOCUMENT = tuple(DOCUMENTS)


@dataclass(frozen=True)
class Check:
    """A manual checklist item: satisfied (with its document as evidence) or not; `reason` when
    it differs from the stage before."""

    indicator: int
    item: int
    satisfied: bool = True
    reason: str | None = None


@dataclass(frozen=True)
class Judge:
    """A judgment indicator (7 合理布局, 15 项目效益)."""

    indicator: int
    points: str
    reason: str


@dataclass(frozen=True)
class Adjust:
    """A computed item overridden: the records do not show everything (the reason says why)."""

    indicator: int
    item: int
    points: str
    reason: str


Mark = Check | Judge | Adjust


def evidence_link(project_code: str, indicator: int, item: int) -> str:
    """Where the demo's evidence "lives": example.org, the documentation domain, so that nobody
    mistakes it for a real document."""
    return f"https://example.org/nqi-demo/{project_code}/evidence-{indicator}-{item}.pdf"


def ticks(*keys: tuple[int, int]) -> tuple[Check, ...]:
    return tuple(Check(indicator, item) for indicator, item in keys)


def mark(evaluation: Evaluation, marks: tuple[Mark, ...], actor: User) -> Evaluation:
    """Score the draft one mark at a time (each its own audited write, as on the page)."""
    code = evaluation.project.code
    for entry in marks:
        if isinstance(entry, Judge):
            set_score(evaluation, entry.indicator, points=entry.points, reason=entry.reason, actor=actor)
        elif isinstance(entry, Adjust):
            set_score(
                evaluation, entry.indicator, entry.item, points=entry.points, reason=entry.reason, actor=actor
            )
        elif entry.satisfied and entry.reason is None:
            set_score(
                evaluation,
                entry.indicator,
                entry.item,
                satisfied=True,
                evidence=evidence_link(code, entry.indicator, entry.item),
                evidence_note=DOCUMENTS[(entry.indicator, entry.item)],
                actor=actor,
            )
        else:
            set_score(
                evaluation,
                entry.indicator,
                entry.item,
                satisfied=entry.satisfied,
                reason=entry.reason,
                actor=actor,
            )
    evaluation.refresh_from_db()
    return evaluation


def fill_and_submit(evaluation: Evaluation, marks: tuple[Mark, ...], actor: User) -> Evaluation:
    """Score and submit: the submission completes the process's waiting task."""
    return submit_evaluation(mark(evaluation, marks, actor), actor=actor)
