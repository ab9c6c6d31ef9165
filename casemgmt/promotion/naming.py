"""The naming rule of §五(二): "行政区名 + 产业（区域）+ 质量基础设施'一站式'服务项目"."""

from __future__ import annotations

from casemgmt.models import ServiceProject

DISTRICT_NAME = "松江区"
SUFFIX = "质量基础设施“一站式”服务项目"
# Endings that already say what kind of focus it is (产业, 园区, 街道 …): no "产业" is added.
_KIND_ENDINGS = ("产业", "园区", "区域", "街道", "镇", "经开区", "平台", "集群", "基地")


def _focus_of(project: ServiceProject) -> str:
    """The industry (产业) or, lacking one, the area (区域) the project serves."""
    focus = (project.industry_focus or "").strip()
    if focus:
        return focus if focus.endswith(_KIND_ENDINGS) else f"{focus}产业"
    divisions = [d.name for d in project.divisions.all().order_by("code")]
    if divisions:
        return "、".join(divisions)
    # Neither recorded: fall back on the project's own name without the common suffix.
    base = project.name.replace(SUFFIX, "").strip()
    return base.removeprefix(DISTRICT_NAME)


def proposed_district_name(project: ServiceProject) -> str:
    """E.g. 松江区食品制造产业质量基础设施“一站式”服务项目; the applicant may edit it."""
    focus = _focus_of(project)
    return f"{DISTRICT_NAME}{focus}{SUFFIX}"[:200]
