"""The registry as of the 2024 notice (松市监质量〔2024〕65号, Attachment 1): the district's 20
statistical divisions, the 20 operating organizations and the 20 service projects.

Idempotent: every row is keyed on a stable code, so running it again changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet

from casemgmt.models import NamingRecord, OrgUnit, ProjectLevel, ServiceProject
from casemgmt.org.lanes import DISTRICT_CODE
from casemgmt.org.seed import load_org_units

NOTICE = "松市监质量〔2024〕65号"
NOTICE_DATE = datetime.date(2024, 9, 27)
NAMING_DECISION = f"as listed in {NOTICE}"

# The 20 divisions (NBS 2023 codes, as in songjiang_streets_2023.csv) and the office of each one's area.
DIVISIONS: list[tuple[str, str, str]] = [
    ("310117001", "岳阳街道", "office-yueyang"),
    ("310117002", "永丰街道", "office-yongfeng"),
    ("310117003", "方松街道", "office-fangsong"),
    ("310117004", "中山街道", "office-zhongshan"),
    ("310117005", "广富林街道", "office-guangfulin"),
    ("310117006", "九里亭街道", "office-jiuliting"),
    ("310117102", "泗泾镇", "office-sijing"),
    ("310117103", "佘山镇", "office-sheshan"),
    ("310117104", "车墩镇", "office-chedun"),
    ("310117105", "新桥镇", "office-xinqiao"),
    ("310117106", "洞泾镇", "office-dongjing"),
    ("310117107", "九亭镇", "office-jiuting"),
    ("310117109", "泖港镇", "office-maogang"),
    ("310117116", "石湖荡镇", "office-shihudang"),
    ("310117117", "新浜镇", "office-xinbang"),
    ("310117120", "叶榭镇", "office-yexie"),
    ("310117121", "小昆山镇", "office-xiaokunshan"),
    ("310117501", "松江工业区", "office-jingkai"),
    ("310117504", "佘山度假区", "office-sheshan"),
    ("310117507", "上海松江出口加工区", "office-jingkai"),
]


@dataclass(frozen=True)
class ProjectRow:
    code: str
    level: ProjectLevel
    name: str
    office_code: str  # 统筹部门
    operator_code: str
    operator_name: str  # 运营机构, exactly as in the notice
    division_codes: tuple[str, ...] = ()  # the divisions the project is named for; none for district-wide

    @property
    def case_prefix(self) -> str:
        return CASE_PREFIXES[self.code]


S, D, C = ProjectLevel.STREET, ProjectLevel.DISTRICT, ProjectLevel.CITY

# Attachment 1, in the notice's order. The operator code of 方松 is the one seed_demo already uses.
PROJECTS: list[ProjectRow] = [
    ProjectRow("city-scientific-instruments", C, "上海市科学仪器产业质量基础设施“一站式”服务项目",
               DISTRICT_CODE, "operator-tus-caohejing", "启迪漕河泾（上海）运营管理有限公司"),
    ProjectRow("district-aerospace-cloud-testing", D, "松江区航天云检测平台质量基础设施“一站式”服务项目",
               DISTRICT_CODE, "operator-aerospace-precision", "上海航天精密机械研究所"),
    ProjectRow("district-food-manufacturing", D, "松江区食品制造产业质量基础设施“一站式”服务项目",
               DISTRICT_CODE, "operator-gtg-testing", "广检检测技术（上海）有限公司"),
    ProjectRow("street-jingkai", S, "经开区生物医药质量基础设施“一站式”服务项目",
               "office-jingkai", "operator-jingkai-g60-biomed", "经开区 G60 生物医药产业基地工作站",
               ("310117501", "310117507")),
    ProjectRow("street-fangsong", S, "方松街镇质量基础设施“一站式”服务项目",
               "office-fangsong", "operator-fangsong-station", "方松街道质量服务驿站", ("310117003",)),
    ProjectRow("street-yongfeng", S, "上海仓城影视文化产业园区质量基础设施“一站式”服务项目",
               "office-yongfeng", "operator-cangcheng-film-park", "上海仓城影视文化产业园区", ("310117002",)),
    ProjectRow("street-yueyang", S, "松江区岳阳街道质量基础设施“一站式”服务项目",
               "office-yueyang", "operator-shentian", "上海申田经济发展有限公司", ("310117001",)),
    ProjectRow("street-guangfulin", S, "广富林街道“双创”企业服务质量基础设施“一站式”服务项目",
               "office-guangfulin", "operator-university-town-hitech", "上海松江大学城高科技发展有限公司",
               ("310117005",)),
    ProjectRow("street-jiuliting", S, "九里亭街道金地商务楼宇质量基础设施“一站式”服务项目",
               "office-jiuliting", "operator-jiuliting-business-office", "九里亭街道营商办", ("310117006",)),
    ProjectRow("street-chedun", S, "车墩镇党建引领食品产业质量基础设施“一站式”服务项目",
               "office-chedun", "operator-chedun-industrial", "上海车墩工业开发有限公司", ("310117104",)),
    ProjectRow("street-dongjing", S, "洞泾镇百颗星经济开发区质量基础设施“一站式”服务项目",
               "office-dongjing", "operator-baikexing", "百颗星经济开发公司", ("310117106",)),
    ProjectRow("street-xinqiao", S, "新桥镇临港松江科技城园区质量基础设施“一站式”服务项目",
               "office-xinqiao", "operator-lingang-songjiang", "上海临港松江科技城投资发展有限公司",
               ("310117105",)),
    ProjectRow("street-jiuting", S, "九亭镇时尚消费品质量基础设施“一站式”服务项目",
               "office-jiuting", "operator-jiuting-party-committee", "九亭镇综合党委", ("310117107",)),
    ProjectRow("street-shihudang", S, "松江区石湖荡镇质量基础设施“一站式”服务项目",
               "office-shihudang", "operator-shihudang-service-centre", "上海市松江区石湖荡镇企业服务中心",
               ("310117116",)),
    ProjectRow("street-xinbang", S, "松江区新浜镇质量基础设施“一站式”服务项目",
               "office-xinbang", "operator-tangshi-jianhua", "汤始建华建材（上海）有限公司", ("310117117",)),
    ProjectRow("street-maogang", S, "松江区泖港镇质量基础设施“一站式”服务项目",
               "office-maogang", "operator-maogang-economic", "上海泖港经济技术发展有限公司", ("310117109",)),
    ProjectRow("street-yexie", S, "松江区叶榭镇质量基础设施“一站式”服务项目",
               "office-yexie", "operator-anpel", "上海安谱实验科技股份有限公司", ("310117120",)),
    ProjectRow("street-sijing", S, "商用密码与数字安全产业质量基础设施“一站式”服务项目",
               "office-sijing", "operator-zhixun-crypto", "上海智巡密码实业有限公司", ("310117102",)),
    ProjectRow("street-sheshan", S, "佘山镇智能汽配产业质量基础设施“一站式”服务项目",
               "office-sheshan", "operator-anyufeng", "上海安宇峰实业有限公司", ("310117103",)),
    ProjectRow("street-xiaokunshan", S, "小昆山镇智能制造质量基础设施“一站式”服务项目",
               "office-xiaokunshan", "operator-xiaokunshan-hitech", "上海小昆山镇高科技发展有限公司",
               ("310117121",)),
]  # fmt: skip


# Case number prefixes, short enough to read out over the phone.
CASE_PREFIXES: dict[str, str] = {
    "city-scientific-instruments": "KXYQ",
    "district-aerospace-cloud-testing": "HTYJ",
    "district-food-manufacturing": "SPZZ",
    "street-jingkai": "JK",
    "street-fangsong": "FS",
    "street-yongfeng": "YF",
    "street-yueyang": "YY",
    "street-guangfulin": "GFL",
    "street-jiuliting": "JLT",
    "street-chedun": "CD",
    "street-dongjing": "DJ",
    "street-xinqiao": "XQ",
    "street-jiuting": "JT",
    "street-shihudang": "SHD",
    "street-xinbang": "XB",
    "street-maogang": "MG",
    "street-yexie": "YX",
    "street-sijing": "SJ",
    "street-sheshan": "SS",
    "street-xiaokunshan": "XKS",
}

M = TypeVar("M", bound=Model)


def _upsert(model: type[M], code: str, values: dict[str, object]) -> M:
    """update_or_create keyed on code, but saving only when a value differs (so updated_at stays)."""
    obj, created = model._default_manager.get_or_create(code=code, defaults=values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if not created and changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save()
    return obj


@transaction.atomic
def load_registry() -> list[ServiceProject]:
    """Org units (bureau, offices, divisions, operators), projects and their naming records."""
    load_org_units()
    units = {unit.code: unit for unit in OrgUnit.objects.filter(kind__in=["bureau", "office"])}
    divisions: dict[str, OrgUnit] = {}
    for code, name, office_code in DIVISIONS:
        divisions[code] = _upsert(
            OrgUnit, code, {"name": name, "kind": OrgUnit.Kind.DIVISION, "parent": units[office_code]}
        )
    projects: list[ServiceProject] = []
    for row in PROJECTS:
        office = units[row.office_code]
        operator = _upsert(
            OrgUnit,
            row.operator_code,
            {"name": row.operator_name, "kind": OrgUnit.Kind.OPERATOR, "parent": office},
        )
        project = _upsert(
            ServiceProject,
            row.code,
            {
                "level": row.level,
                "name": row.name,
                "coordinating_office": office,
                "operator": operator,
                "case_prefix": row.case_prefix,
            },
        )
        project.divisions.set([divisions[code] for code in row.division_codes])
        if row.level != ProjectLevel.STREET:
            NamingRecord.objects.get_or_create(
                project=project,
                level=row.level,
                decided_at=NOTICE_DATE,
                defaults={"decision": NAMING_DECISION, "name_at_the_time": row.name},
            )
        projects.append(project)
    return projects


def divisions_without_project() -> QuerySet[OrgUnit]:
    """Divisions no active project is named for: the coverage gaps (e.g. 中山街道)."""
    return (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.DIVISION)
        .exclude(service_projects__status=ServiceProject.Status.ACTIVE)
        .order_by("code")
    )
