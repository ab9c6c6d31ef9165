"""The service catalogue (服务内容) of Attachment 2 §4 of the 2024 notice, as immutable data.

Seven categories with numbered items; the Chinese text is the notice's (punctuation normalised to
the full-width semicolon the notice mostly uses), the English is a working translation. Item keys
are "<category>.<number>", e.g. "metrology.1".
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class CatalogueItem:
    category: str
    number: int
    text_zh: str
    text_en: str

    @property
    def key(self) -> str:
        return f"{self.category}.{self.number}"


@dataclass(frozen=True)
class CatalogueCategory:
    code: str
    number: int  # (一)…(七)
    name_zh: str
    name_en: str
    items: tuple[CatalogueItem, ...]


def _category(
    code: str, number: int, name_zh: str, name_en: str, items: list[tuple[str, str]]
) -> CatalogueCategory:
    return CatalogueCategory(
        code=code,
        number=number,
        name_zh=name_zh,
        name_en=name_en,
        items=tuple(CatalogueItem(code, n, zh, en) for n, (zh, en) in enumerate(items, start=1)),
    )


CATEGORIES: tuple[CatalogueCategory, ...] = (
    _category("quality", 1, "质量提升服务", "Quality improvement services", [
        ("指导服务对象积极参与各级政府质量奖等重大质量荣誉活动，导入卓越绩效管理模式，推广先进质量管理经验和科学管理方法；",
         "Guide clients to take part in government quality awards and other major quality honours, "
         "introduce the performance-excellence model, and spread advanced quality management practice."),
        ("指导服务对象积极开展产业质量攻关活动，加强质量技术创新，提高产品质量性能，攻克关键核心技术质量难点；",
         "Guide clients in industry quality breakthrough projects, quality-technology innovation, better "
         "product performance and solving key technical quality problems."),
        ("指导服务对象开展《松江区加强质量支撑、标准引领和知识产权建设专项资金管理办法》政策宣贯，组织符合申报条件的组织开展申报；",
         "Brief clients on the Songjiang special-fund rules for quality support, standards leadership and "
         "IP, and help eligible organisations apply."),
        ("指导服务对象运用《助力产业链高质量发展服务清单》，根据实际需求点单研学；",
         "Guide clients in using the service list for high-quality industry-chain development, choosing "
         "study and training items by need."),
        ("指导服务对象开展质量提升行动，如质量诊断、松江区政府质量奖孵化培育等；",
         "Guide clients in quality-improvement actions such as quality diagnosis and incubation for the "
         "Songjiang District Government Quality Award."),
        ("提供企业首席质量官培训信息，协助开展质量人才培养；",
         "Provide information on chief quality officer training and help develop quality talent."),
        ("开展质量宣传教育，大力弘扬企业家精神和工匠精神，传播质量文化，营造质量氛围。",
         "Run quality publicity and education, promote entrepreneurship and craftsmanship, and spread a "
         "quality culture."),
    ]),
    _category("standardization", 2, "标准化服务", "Standardization services", [
        ("指导并培育服务对象开展“上海标准”标识评价申请；",
         "Guide and prepare clients to apply for the \"Shanghai Standard\" label evaluation."),
        ("提供标准相关法律法规、政策咨询服务，开展标准知识培训；",
         "Advise on standards-related laws, regulations and policies, and train on standards."),
        ("指导服务对象开展标准制修订工作；", "Guide clients in drafting and revising standards."),
        ("指导服务对象在企业标准信息公共服务平台、全国团体标准信息平台上进行自我声明公开；",
         "Guide clients in self-declaring their standards on the enterprise standards public service "
         "platform and the national group standards platform."),
        ("指导服务对象参加企业标准“领跑者”活动；",
         "Guide clients to take part in the enterprise standard \"front-runner\" programme."),
        ("指导服务对象开展标准化试点示范相关工作。",
         "Guide clients in standardization pilot and demonstration work."),
    ]),
    _category("metrology", 3, "计量服务", "Metrology services", [
        ("提供法定计量机构检定能力查询服务；",
         "Provide look-ups of legal metrology institutions' verification capability."),
        ("协助服务对象依据计量器具溯源要求，联系计量检定机构提供计量检定、校准、测试等服务；",
         "Help clients, according to the traceability requirements of their measuring instruments, obtain "
         "verification, calibration and testing from metrology institutions."),
        ("指导服务对象建立健全计量管理制度，合理确定检定/校准周期，建立计量器具管理台账；",
         "Guide clients in setting up metrology management rules, sensible verification/calibration "
         "intervals and an instrument register."),
        ("提供计量培训相关信息，开展计量法律法规、技术规范及管理知识宣贯培训。",
         "Provide metrology training information and train on metrology law, technical specifications and "
         "management."),
    ]),
    _category("certification", 4, "认证认可服务", "Certification and accreditation services", [
        ("提供认证机构资质及其认证范围查询；",
         "Provide look-ups of certification bodies' qualifications and certification scope."),
        ("提供强制性认证、自愿性认证相关法律法规咨询；",
         "Advise on the law of compulsory and voluntary certification."),
        ("提供认证认可相关培训信息，指导服务对象开展质量管理体系认证工作。",
         "Provide certification and accreditation training information and guide clients through quality "
         "management system certification."),
    ]),
    _category("testing", 5, "检验检测服务", "Inspection and testing services", [
        ("提供检验检测机构资质及检验能力查询；",
         "Provide look-ups of testing institutions' qualifications and testing capability."),
        ("针对服务对象不同产品的检验检测需求，帮助匹配相应技术机构提供各类检验检测服务；",
         "Match clients' product testing needs with technical institutions that provide the tests."),
        ("协助服务对象在研发、生产过程中开展产品检验检测工作；",
         "Help clients test products during research, development and production."),
        ("提供检验检测培训相关信息及服务，协助相关部门开展检验检测业务培训。",
         "Provide testing training information and services, and help the authorities run testing training."),
    ]),
    _category("ip", 6, "知识产权服务", "Intellectual property services", [
        ("指导服务对象商标注册、运用、管理、保护与推广；",
         "Guide clients in registering, using, managing, protecting and promoting trademarks."),
        ("协助服务对象办理商标专利质押登记和转让许可备案管理等有关工作；",
         "Help clients with trademark and patent pledge registration and with transfer and licence filings."),
        ("协助服务对象依托知识产权代理机构开展知识产权申请、注册、登记等服务；",
         "Help clients apply for, register and record IP through IP agencies."),
        ("组织服务对象参加“中国专利技术博览会”“全国发明展览会”等科技活动，开展技术、人才培育。项目等洽谈对接。"
         "组织高校院所、国有企业集中发布专利技术、供给信息，并与中小微企业专利与技术供需对接。",
         "Take clients to science and technology events such as the China Patent Technology Expo and the "
         "National Invention Exhibition for technology, talent and project matchmaking; have universities, "
         "institutes and state-owned enterprises publish patents on offer and match them with the patent and "
         "technology needs of small and micro enterprises."),
        ("提供专利代理师、知识产权师相关培训信息，协助服务对象开展知识产权业务培训。",
         "Provide training information for patent attorneys and IP professionals and help clients run IP "
         "training."),
    ]),
    _category("personalised", 7, "个性化服务", "Personalised services", [
        ("登记注册", "Business registration"),
        ("食品安全", "Food safety"),
        ("特种设备", "Special equipment"),
        ("医疗器械", "Medical devices"),
        ("消费维权", "Consumer rights protection"),
    ]),
)  # fmt: skip

PERSONALISED_SCOPE_ZH = (
    "根据《松江区市场监督管理局“市监先锋·质惠茸城”党建引领产业链高质量发展工作方案》，"
    "结合各镇、街道和经开区的主导（先导）产业，围绕登记注册、食品安全、特种设备、医疗器械、消费维权等内容，"
    "为产业链供应链上下游企业提供多层次的个性化服务和全方位的“大市场”服务。"
)

_BY_CATEGORY = MappingProxyType({category.code: category for category in CATEGORIES})
_BY_KEY = MappingProxyType({item.key: item for category in CATEGORIES for item in category.items})


def category(code: str) -> CatalogueCategory:
    """The category with this code; KeyError if there is none."""
    return _BY_CATEGORY[code]


def item(key: str) -> CatalogueItem:
    """The item with this key ("metrology.1"); KeyError if there is none."""
    return _BY_KEY[key]


def all_items() -> tuple[CatalogueItem, ...]:
    return tuple(_BY_KEY.values())


# The kind of technical institution (TechnicalInstitution.kind) that serves a category's items;
# quality, standardization and personalised services are not any one kind's.
_INSTITUTION_KIND = MappingProxyType(
    {"metrology": "metrology", "certification": "certification", "testing": "testing", "ip": "ip_agency"}
)


def institution_kinds(keys: object) -> set[str]:
    """The institution kinds serving the catalogue items `keys` (a case's requested items, as
    its process data holds them); anything that is not a known item's key is passed over."""
    if not isinstance(keys, list | tuple):
        return set()
    kinds = set()
    for key in keys:
        found = _BY_KEY.get(key) if isinstance(key, str) else None
        if found is not None and found.category in _INSTITUTION_KIND:
            kinds.add(_INSTITUTION_KIND[found.category])
    return kinds
