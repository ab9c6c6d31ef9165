"""The 服务情况统计表 as data: the same rows feed the XLSX file and the printable page.

The sheet reproduces the notice's form, so its wording is the notice's Chinese whatever the
user's language. Period rule: a case belongs to the period when it was submitted (Shanghai date)
on or between the two dates; every service record of such a case is listed, whenever it took
place. Each case thus appears in exactly one period and no service is counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from casemgmt.models import Enterprise, ServiceCase, ServiceProject, ServiceRecord
from casemgmt.models.service_case import EffectKind, ServiceMode
from casemgmt.org.calendar import SHANGHAI
from casemgmt.org.scopes import visible_cases
from casemgmt.registry import catalogue
from casemgmt.registry.validators import display_phone
from core import masking

TITLE = "质量基础设施“一站式”服务情况统计表"
HEADER_LABELS = ("企业名称", "企业地址", "联系人", "联系电话")
PERIOD_LABEL = "统计期间"
PROJECT_LABEL = "服务项目"
COLUMNS = (
    "序号",
    "服务需求",
    "服务时间及方式",
    "服务成效",
    "其他成效（新增就业岗位数、拉动投资、增加产值、为企业节约费用、为企业增长利润等）",
)
NOTES_TITLE = "填表说明："
NOTES = (
    "1.“服务方式”包括：集中培训、上门指导、专家授课和其他方式（需写明具体内容）；",
    "2.“服务成效”包括：提高产品合格率、通过管理体系认证、荣获各类荣誉、提高质量管理水平、"
    "支撑制定企业标准或团体标准、其他（需注明具体内容）。",
)
MODE_ZH = {
    ServiceMode.GROUP_TRAINING.value: "集中培训",
    ServiceMode.ON_SITE.value: "上门指导",
    ServiceMode.EXPERT_LECTURE.value: "专家授课",
    ServiceMode.OTHER.value: "其他",
}
EFFECT_ZH = {
    EffectKind.PASS_RATE.value: "提高产品合格率",
    EffectKind.CERTIFICATION.value: "通过管理体系认证",
    EffectKind.HONOURS.value: "荣获各类荣誉",
    EffectKind.QUALITY_MANAGEMENT.value: "提高质量管理水平",
    EffectKind.STANDARD.value: "支撑制定企业标准或团体标准",
    EffectKind.OTHER.value: "其他",
}
# 其他成效, in the form's order: (field, label, unit).
AMOUNTS = (
    ("new_jobs", "新增就业岗位数", "个"),
    ("investment_drawn", "拉动投资", "万元"),
    ("output_added", "增加产值", "万元"),
    ("cost_saved", "为企业节约费用", "万元"),
    ("profit_added", "为企业增长利润", "万元"),
)
SUMMARY_TITLE = TITLE + "（项目汇总）"
SUMMARY_COLUMNS = ("序号", "企业名称", "统一社会信用代码", "服务需求数", "服务次数", "工作表")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware Shanghai moments."""
        return (
            datetime.combine(self.start, time.min, tzinfo=SHANGHAI),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=SHANGHAI),
        )


@dataclass(frozen=True)
class SheetRow:
    number: int
    need: str
    times_and_modes: str
    effects: str
    other_effects: str
    case_no: str
    records: int

    def cells(self) -> list[Any]:
        return [self.number, self.need, self.times_and_modes, self.effects, self.other_effects]


@dataclass
class EnterpriseSheet:
    enterprise: Enterprise
    period: Period
    projects: list[str]
    rows: list[SheetRow] = field(default_factory=list)
    sheet_name: str = ""
    # Address, contact and phone in full (an export with a reason) or masked (the default).
    full: bool = False

    def header(self) -> list[tuple[str, str]]:
        e = self.enterprise
        if self.full:
            values = (e.name, e.address, e.contact_name, display_phone(e.phone))
        else:
            values = (
                e.name,
                masking.mask_address(e.address),
                masking.mask_name(e.contact_name),
                masking.mask_phone(e.phone),
            )
        return list(zip(HEADER_LABELS, values, strict=True))

    @property
    def record_count(self) -> int:
        return sum(row.records for row in self.rows)


@dataclass
class ProjectSheets:
    project: ServiceProject
    period: Period
    sheets: list[EnterpriseSheet]


def need_text(case: ServiceCase) -> str:
    lines = [case.need.strip()]
    for key in case.catalogue_items:
        try:
            item = catalogue.item(key)
        except KeyError:
            lines.append(key)
            continue
        lines.append(f"{catalogue.category(item.category).name_zh}{item.number}：{item.text_zh}")
    return "\n".join(line for line in lines if line)


def record_text(record: ServiceRecord) -> str:
    served = record.served_at.astimezone(SHANGHAI).date()
    mode = MODE_ZH.get(record.mode, record.mode)
    if record.mode == ServiceMode.OTHER.value and record.mode_description:
        mode = f"{mode}（{record.mode_description}）"
    return f"{served:%Y-%m-%d} {mode}"


def effects_text(case: ServiceCase) -> str:
    labels = []
    for key in case.effects:
        if key == EffectKind.OTHER.value:
            labels.append(f"其他：{case.effect_other}" if case.effect_other else "其他")
        else:
            labels.append(EFFECT_ZH.get(key, key))
    return "、".join(labels)


def amounts_text(case: ServiceCase) -> str:
    parts = []
    for name, label, unit in AMOUNTS:
        value = getattr(case, name)
        if value is None:
            continue
        shown = f"{value:.2f}" if isinstance(value, Decimal) else str(value)
        parts.append(f"{label}：{shown}{unit}")
    return "\n".join(parts)


def row_for(number: int, case: ServiceCase) -> SheetRow:
    return SheetRow(
        number=number,
        need=need_text(case),
        times_and_modes="\n".join(record_text(r) for r in case.records.all()),
        effects=effects_text(case),
        other_effects=amounts_text(case),
        case_no=case.case_no,
        records=len(case.records.all()),
    )


def _cases_in(cases: QuerySet[ServiceCase], period: Period) -> QuerySet[ServiceCase]:
    start, end = period.bounds()
    records = ServiceRecord.objects.order_by("served_at", "pk")
    return (
        cases.filter(submitted_at__gte=start, submitted_at__lt=end)
        .select_related("project", "enterprise")
        .prefetch_related(Prefetch("records", queryset=records))
        .order_by("submitted_at", "pk")
    )


def enterprise_sheet(
    user: Any, enterprise: Enterprise, period: Period, *, full: bool = False
) -> EnterpriseSheet:
    """The enterprise's sheet with the cases the user may see (all projects in their scope);
    its contact masked unless `full` (casemgmt/archive/exports/disclosure.py decides)."""
    cases = list(_cases_in(visible_cases(user).filter(enterprise=enterprise), period))
    return _sheet(enterprise, period, cases, full)


def project_sheets(
    user: Any, project: ServiceProject, period: Period, *, full: bool = False
) -> ProjectSheets:
    """One sheet per enterprise the project served in the period (the caller checked the project)."""
    cases = list(_cases_in(visible_cases(user).filter(project=project), period))
    by_enterprise: dict[int, list[ServiceCase]] = {}
    for case in cases:
        by_enterprise.setdefault(case.enterprise_id, []).append(case)
    sheets = [_sheet(group[0].enterprise, period, group, full) for group in by_enterprise.values()]
    sheets.sort(key=lambda sheet: (sheet.enterprise.name, sheet.enterprise.pk))
    return ProjectSheets(project=project, period=period, sheets=sheets)


def _sheet(enterprise: Enterprise, period: Period, cases: list[ServiceCase], full: bool) -> EnterpriseSheet:
    projects = sorted({case.project.name for case in cases})
    rows = [row_for(n, case) for n, case in enumerate(cases, start=1)]
    return EnterpriseSheet(enterprise=enterprise, period=period, projects=projects, rows=rows, full=full)
