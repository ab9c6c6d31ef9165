"""Attachment 3 (质量基础设施"一站式"服务项目效能评分表) as template version 1.

The Chinese texts are the notice's, word for word; the English is ours. `load_template()` is
idempotent: it creates version 1, or brings an unused version 1 up to this text; a version that
an evaluation already used is never touched (changes then need a new version number).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models

from core.service import write_transaction

from .models import Indicator, IndicatorGroup, RuleKind, SubItem, TemplateVersion, guard_template

D = Decimal
ONE = Decimal("1")
M = TypeVar("M", bound=models.Model)
C = RuleKind.CHECKLIST
J = RuleKind.JUDGMENT
COUNT = RuleKind.COUNT_RATE
DISTINCT = RuleKind.DISTINCT_RATE
HUNDRED = RuleKind.PER_HUNDRED

VERSION = 1
TITLE = "质量基础设施“一站式”服务项目效能评分表"
EFFECTIVE_FROM = datetime.date(2024, 9, 27)
SOURCE = "松市监质量〔2024〕65号 附件3"


@dataclass(frozen=True)
class Item:
    code: str
    zh: str
    en: str
    kind: str = C
    points: Decimal = ONE
    cap: Decimal | None = None
    source: str = ""
    unit_zh: str = ""
    unit_en: str = ""


@dataclass(frozen=True)
class Ind:
    number: int
    name_zh: str
    name_en: str
    max_points: Decimal
    kind: str
    text_zh: str
    text_en: str
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Group:
    position: int
    name_zh: str
    name_en: str
    max_points: Decimal
    is_bonus: bool
    indicators: tuple[Ind, ...]


def _one(points: str, *items: tuple[str, str, str]) -> tuple[Item, ...]:
    return tuple(Item(code, zh, en, C, D(points)) for code, zh, en in items)


GROUPS: tuple[Group, ...] = (
    Group(1, "运营情况", "Operations", D("20"), False, (
        Ind(1, "制度建设", "Rules and procedures", D("4"), C,
            "建立健全制度体系, 内容包括但不限于: (每提供一项规章制度, 得1分)",
            "A complete set of rules, including but not limited to (1 point per rule provided):",
            _one("1",
                 ("(1)", "服务岗位及流程", "Service posts and process"),
                 ("(2)", "服务统计及档案管理", "Service statistics and archive management"),
                 ("(3)", "服务需求采集与分析", "Collection and analysis of service demand"),
                 ("(4)", "服务质量考核管理及投诉反馈处理",
                  "Service quality assessment, complaints and feedback handling"))),
        Ind(2, "经费保障", "Funding", D("2"), C,
            "结合实际, 建立经费保障机制, 内容包括但不限于: (每包含一项, 得1分)",
            "A funding mechanism suited to the project, including but not limited to "
            "(1 point per element):",
            _one("1",
                 ("(1)", "政府部门给予经费支持", "Funding support from government departments"),
                 ("(2)", "项目实施单位有工作经费保障", "A working budget of the implementing organization"))),
        Ind(3, "技术保障", "Technical support", D("2"), C,
            "吸引各类满足法定资质的技术服务机构共同参与, 内容包括但不限于: (每符合以下一项, 得1分)",
            "Legally qualified technical service institutions take part, including but not limited to "
            "(1 point per item met):",
            _one("1",
                 ("(1)", "成立服务联盟、创新平台", "A service alliance or innovation platform is set up"),
                 ("(2)", "与国家级专业技术服务机构或市级专业技术服务机构合作",
                  "Cooperation with a national- or city-level professional technical service institution"))),
        Ind(4, "人员保障", "Staffing", D("6"), C,
            "建立专职人员队伍, 内容包括但不限于: (每符合以下一项, 得2分)",
            "A dedicated team, including but not limited to (2 points per item met):",
            _one("2",
                 ("(1)", "配备1名专职或3名以上兼职质量服务专员",
                  "One full-time or at least three part-time quality service specialists"),
                 ("(2)", "配备具有相应管理经验的人员", "Staff with relevant management experience"),
                 ("(3)", "工作人员每年至少接受1次质量相关培训",
                  "Every staff member receives quality training at least once a year"))),
        Ind(5, "场地保障", "Premises", D("2"), C,
            "工作场所的规模和功能布局能满足业务受理、咨询指导等活动开展的需要, 内容包括但不限于: "
            "(每符合以下一项, 得1分)",
            "The premises' size and layout serve intake, consultation and guidance, including but "
            "not limited to (1 point per item met):",
            _one("1",
                 ("(1)", "设有固定办公场地或区域, 并具备质量基础设施“一站式”服务的咨询和受理功能",
                  "A fixed office or area with consultation and intake for the one-stop service"),
                 ("(2)", "设置信息公开展示内容, 包括服务流程、服务内容、服务方式及监督投诉电话等",
                  "Public display of the service process, content, modes and the complaint phone"))),
        Ind(6, "宣传展示", "Publicity", D("4"), C,
            "利用多种方式宣传质量基础设施“一站式”服务内容, 内容包括但不限于: (每符合以下一项, 得1分)",
            "The one-stop service is publicised in several ways, including but not limited to "
            "(1 point per item met):",
            _one("1",
                 ("(1)", "充分梳理服务流程、服务内容等, 形成相关宣传资料, 相关事项在线上公开可查询",
                  "Process and content written up as publicity material; the items can be looked up online"),
                 ("(2)", "在服务场所、服务宣传材料等展示质量基础设施“一站式”服务标识",
                  "The one-stop service logo is shown at the premises and on publicity material"),
                 ("(3)", "每年在质量月等重要时间节点开展集中宣传活动",
                  "A publicity campaign every year at key dates such as Quality Month"),
                 ("(4)", "利用微信、网站等网络渠道开展定期宣传",
                  "Regular publicity on WeChat, websites and other online channels"))),
    )),
    Group(2, "服务能力", "Service capability", D("30"), False, (
        Ind(7, "合理布局", "Fit with the regional plan", D("8"), J,
            "质量基础设施“一站式”服务项目的建设, 能够符合区域产业发展规划和布局要求。(8分)",
            "The project fits the region's industrial development plan and layout. (8 points)"),
        Ind(8, "集成化", "Integration", D("8"), COUNT,
            "提供集基础服务、拓展服务为一体的多元化服务, 内容包括但不限于: 计量、标准、检验检测、认证、"
            "品牌培育、知识产权、产业链供应链、政策咨询、质量管理等方面的服务。(每提供一类服务, 得1分)",
            "Diversified basic and extended services, including but not limited to metrology, "
            "standards, inspection and testing, certification, brand cultivation, intellectual "
            "property, industry and supply chain, policy consulting and quality management "
            "(1 point per class of service provided).",
            (Item("", "每提供一类服务, 得1分", "1 point per class of service provided", COUNT, D("1"),
                  D("8"), "service_classes", "类", "service classes"),)),
        Ind(9, "便利化", "Convenience", D("4"), C,
            "提供便利性服务, 内容包括但不限于: (每符合以下一项, 得1分)",
            "Convenience services, including but not limited to (1 point per item met):",
            _one("1",
                 ("(1)", "定期组织开展公益性培训或讲座", "Regular free training or lectures"),
                 ("(2)", "定期组织开展公益性的企业交流活动", "Regular free exchange events for enterprises"),
                 ("(3)", "具备质量方面的助企纾困优惠政策", "Quality-related relief policies for enterprises"),
                 ("(4)", "提供质量基础设施仪器仪表开放共享资源",
                  "Open sharing of quality-infrastructure instruments and meters"))),
        Ind(10, "数字化", "Digitalisation", D("4"), C,
            "充分利用数字化手段，实现服务线上线下融合，内容包括但不限于：（每符合以下一项，得2分）",
            "Digital means join online and offline service, including but not limited to "
            "(2 points per item met):",
            (Item("（1）", "加强数字化服务工具的利用，充分利用实施单位的线上服务平台，"
                  "通过利用微信公众号等方式提供线上服务",
                  "Digital service tools: the implementing organization's online platform, online "
                  "service through a WeChat official account and similar channels", C, D("2")),
             Item("（2）", "建立服务对象的数字档案，加强《质量基础设施“一站式”服务情况登记表》的数据管理，"
                  "推行“一企一档”的精准服务",
                  "A digital archive of the enterprises served: the service record sheets are managed "
                  "as data, one file per enterprise", C, D("2"), source="digital_archive"))),
        Ind(11, "持续改进", "Continuous improvement", D("6"), C,
            "不断推动服务能力的提升，内容包括但不限于：（每开展一项工作得2分）",
            "Service capability keeps improving, including but not limited to (2 points per activity):",
            _one("2",
                 ("（1）", "对质量基础设施“一站式”服务对象定期开展服务需求采集",
                  "Periodic collection of the service demand of the enterprises served"),
                 ("（2）", "对质量基础设施“一站式”服务对象的服务满意情况开展统计分析，并持续改进",
                  "Statistical analysis of the satisfaction of the enterprises served, and improvement"),
                 ("（3）", "定期对支撑质量基础设施“一站式”服务项目的技术服务机构开展评价，"
                  "督促技术服务机构提高服务质量",
                  "Periodic rating of the technical service institutions behind the project, pressing "
                  "them to improve their service"))),
    )),
    Group(3, "服务成效", "Service results", D("50"), False, (
        Ind(12, "服务数量", "Service volume", D("30"), COUNT,
            "提供一定数量的专业服务，满足相关企业需求，内容包括但不限于：",
            "A volume of professional services meeting the enterprises' needs, including but not limited to:",
            (Item("（1）", "帮助服务对象获得计量和校准证书、检验检测报告、认证证书、质量管理相关证书"
                  "（每一份得0.5分，最高不超过10分）",
                  "Helping enterprises obtain metrology and calibration certificates, test reports, "
                  "certification certificates and quality-management certificates (0.5 points each, "
                  "at most 10)", COUNT, D("0.5"), D("10"), "certificates", "份", "certificates"),
             Item("（2）", "为服务对象提供品牌培育和认证、各级政府质量奖、商标和专利等"
                  "质量提升方面的咨询或技术服务"
                  "（每家次得0.5分，最高不超过5分）",
                  "Consulting or technical services for quality improvement: brand cultivation and "
                  "certification, government quality awards, trademarks and patents (0.5 points per "
                  "enterprise-visit, at most 5)", COUNT, D("0.5"), D("5"), "consulting", "家次",
                  "enterprise-visits"),
             Item("（3）", "组织服务对象参加质量基础设施相关的集中宣贯和培训"
                  "（每100家次得1分，最高不超过5分）",
                  "Group briefings and training on quality infrastructure (1 point per 100 "
                  "enterprise-visits, at most 5)", HUNDRED, D("1"), D("5"), "training", "家次",
                  "enterprise-visits"),
             Item("（4）", "为服务对象提供关键技术产学研合作、仪器设备共享、科技成果转化"
                  "（每家次得1分，最高不超过5分）",
                  "Industry-academia cooperation on key technology, instrument sharing and technology "
                  "transfer (1 point per enterprise-visit, at most 5)", COUNT, D("1"), D("5"),
                  "cooperation", "家次", "enterprise-visits"),
             Item("（5）", "支撑服务对象获质量攻关成果、标准化成果、知识产权成果、"
                  "数字化转型成效等技术创新成果"
                  "（服务对象每获得1个成果得0.5分，1个服务对象仅记一次得分，最多不超过5分）",
                  "Supporting innovation results: quality breakthroughs, standardization, intellectual "
                  "property, digital transformation (0.5 points per result; each enterprise counts "
                  "once; at most 5)", DISTINCT, D("0.5"), D("5"), "innovation", "家", "enterprises"))),
        Ind(13, "中小微企业", "SMEs served", D("5"), COUNT,
            "积极服务产业链中小微企业（每年每家次得0.1分，最高不超过5分）。",
            "Actively serving the small, medium and micro enterprises of the industrial chain "
            "(0.1 points per enterprise-visit per year, at most 5).",
            (Item("", "每年每家次得0.1分，最高不超过5分",
                  "0.1 points per enterprise-visit per year, at most 5",
                  COUNT, D("0.1"), D("5"), "sme_visits", "家次", "enterprise-visits"),)),
        Ind(14, "典型案例", "Typical cases", D("10"), COUNT,
            "(1) 通过“一站式”服务, 在以下方面形成一批促进高质量发展的典型案例, 内容包括但不限于: "
            "(每提供一个案例得2分, 最多不超过10分)",
            "(1) Typical cases of the one-stop service promoting high-quality development, including "
            "but not limited to (2 points per case, at most 10):",
            (Item("a)", "帮助服务对象实现质量提升", "Helping enterprises improve quality", COUNT, D("2"),
                  None, "typical_cases_a", "个", "cases"),
             Item("b)", "帮助服务对象降低成本、增长利润、增加产值",
                  "Helping enterprises cut cost, raise profit and raise output", COUNT, D("2"), None,
                  "typical_cases_b", "个", "cases"),
             Item("c)", "帮助服务对象新增就业岗位", "Helping enterprises add jobs", COUNT, D("2"), None,
                  "typical_cases_c", "个", "cases"))),
        Ind(15, "项目效益", "Project benefit", D("5"), J,
            "项目承担单位具有良好的经济效益和社会效益。(5分)",
            "The implementing organization achieves good economic and social benefit. (5 points)"),
    )),
    Group(4, "加分项", "Bonus", D("10"), True, (
        Ind(16, "荣誉称号", "Titles", D("4"), DISTINCT,
            "推动服务对象被认定为高新技术企业、科技小巨人企业、“专精特新”企业、高新技术成果转化项目、科技进步奖等。"
            "(服务对象每获得1个称号, 得0.5分, 1个服务对象仅记一次得分, 最多不超过4分)",
            "Helping enterprises be recognised as high-tech enterprises, science and technology "
            "little giants, specialised-refined-distinctive-innovative enterprises, high-tech "
            "achievement conversion projects, science and technology progress awards and the like "
            "(0.5 points per title; each enterprise counts once; at most 4).",
            (Item("", "服务对象每获得1个称号, 得0.5分, 1个服务对象仅记一次得分, 最多不超过4分",
                  "0.5 points per title; each enterprise counts once; at most 4", DISTINCT, D("0.5"),
                  D("4"), "titles", "家", "enterprises"),)),
        Ind(17, "质量提升", "Quality improvement", D("5"), COUNT,
            "服务对象或“一站式”服务项目实施主体在质量提升方面成效显著, "
            "如获政府质量奖、获重点产品质量攻关成果、"
            "获质量品牌提升示范区、通过“上海品牌”认证及形成质量方面典型案例等。"
            "(每获得1个荣誉得1分, 最多不超过5分)",
            "The enterprises served or the project's implementing organization achieve marked quality "
            "improvement: government quality awards, key product quality breakthroughs, quality brand "
            "demonstration zones, Shanghai Brand certification, quality typical cases and the like "
            "(1 point per honour, at most 5).",
            (Item("", "每获得1个荣誉得1分, 最多不超过5分", "1 point per honour, at most 5", COUNT, D("1"),
                  D("5"), "quality_honours", "个", "honours"),)),
        Ind(18, "一网通办", "One-stop government online service", D("1"), C,
            "“一站式”服务项目与上海市“一网通办”联动, 形成线上企业专属服务网页。(1分)",
            "The project is linked to Shanghai's 一网通办 with an enterprise-specific web page. (1 point)",
            _one("1", ("", "与上海市“一网通办”联动, 形成线上企业专属服务网页",
                       "Linked to 一网通办 with an enterprise-specific web page"))),
    )),
)  # fmt: skip


def load_template() -> tuple[TemplateVersion, bool]:
    """(version 1, whether anything was written)."""
    with write_transaction():
        version = TemplateVersion.objects.select_for_update().filter(number=VERSION).first()
        if version is not None and version.is_used:
            return version, False
        changed = False
        if version is None:
            version = TemplateVersion.objects.create(
                number=VERSION, title=TITLE, effective_from=EFFECTIVE_FROM, source=SOURCE
            )
            changed = True
        guard_template(version.pk)
        for group in GROUPS:
            changed |= _sync_group(version, group)
        return version, changed


def _sync(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, bool]:
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), True
    if all(getattr(obj, name) == value for name, value in values.items()):
        return obj, False
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return obj, True


def _sync_group(version: TemplateVersion, group: Group) -> bool:
    row, changed = _sync(
        IndicatorGroup,
        {"template": version, "position": group.position},
        {
            "name_zh": group.name_zh,
            "name_en": group.name_en,
            "max_points": group.max_points,
            "is_bonus": group.is_bonus,
        },
    )
    for ind in group.indicators:
        indicator, ind_changed = _sync(
            Indicator,
            {"template": version, "number": ind.number},
            {
                "group": row,
                "name_zh": ind.name_zh,
                "name_en": ind.name_en,
                "max_points": ind.max_points,
                "rule_kind": ind.kind,
                "text_zh": ind.text_zh,
                "text_en": ind.text_en,
            },
        )
        changed |= ind_changed
        for position, item in enumerate(ind.items, start=1):
            _, item_changed = _sync(
                SubItem,
                {"indicator": indicator, "position": position},
                {
                    "code": item.code,
                    "text_zh": item.zh,
                    "text_en": item.en,
                    "rule_kind": item.kind,
                    "points": item.points,
                    "cap": item.cap,
                    "source": item.source,
                    "unit_zh": item.unit_zh,
                    "unit_en": item.unit_en,
                },
            )
            changed |= item_changed
        extra = SubItem.objects.filter(indicator=indicator, position__gt=len(ind.items))
        if extra.exists():
            extra.delete()
            changed = True
    return changed
