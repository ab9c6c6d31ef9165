"""Sample technical institutions and service stations, so that a fresh installation has something
to search and publish. Every row is labelled: institutions carry is_sample=True and every name ends
in （示例）. The names, numbers and phones are invented; they do not describe real organisations.

Loading is idempotent (keyed by name): run it as often as you like.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from casemgmt.models import (
    InstitutionKind,
    ServiceProject,
    ServiceStation,
    StationStaff,
    TechnicalInstitution,
)
from casemgmt.registry import catalogue
from casemgmt.registry.validators import validate_cn_phone

SAMPLE_SUFFIX = "（示例）"

M, C, T, IP = (
    InstitutionKind.METROLOGY,
    InstitutionKind.CERTIFICATION,
    InstitutionKind.TESTING,
    InstitutionKind.IP_AGENCY,
)


@dataclass(frozen=True)
class SampleInstitution:
    kind: str
    name: str
    address: str
    phone: str
    capabilities: str
    scope: str = ""
    cma_number: str = ""
    cnas_number: str = ""
    approval_number: str = ""


INSTITUTIONS: tuple[SampleInstitution, ...] = (
    SampleInstitution(
        M, "松江区示例计量检定所", "上海市松江区示例路100号", "021-57810001",
        "计量检定：衡器（电子秤、汽车衡）、压力表、血压计、出租车计价器；长度计量：卡尺、千分尺、量块校准；"
        "温度计量：热电偶、工业铂电阻校准",
        approval_number="（沪）法计（2024）示例001号",
    ),
    SampleInstitution(
        M, "上海示例精密计量校准有限公司", "上海市松江区示例路120号", "021-57810002",
        "校准服务：三坐标测量机、电子天平、力值（拉力试验机、扭矩扳手）、电学（万用表、示波器）；"
        "计量检定：燃油加油机、水表、电能表；计量器具期间核查指导",
        cnas_number="CNAS L示例0001",
    ),
    SampleInstitution(
        M, "长三角示例能源计量测试中心", "上海市松江区示例路140号", "021-57810003",
        "能源计量：能源计量器具配备与管理评价、能效测试；流量计量：燃气表、流量计检定与校准；"
        "计量检测体系确认咨询",
        approval_number="（沪）法计（2023）示例017号",
    ),
    SampleInstitution(
        C, "示例质量认证中心有限公司", "上海市松江区示例路200号", "021-57810004",
        "管理体系认证审核，认证前培训与差距分析",
        scope="质量管理体系认证（ISO 9001）；环境管理体系认证（ISO 14001）；"
        "职业健康安全管理体系认证（ISO 45001）；覆盖机械设备制造、电子电器、食品加工等行业",
        approval_number="CNCA-R-2024-示例01",
        cnas_number="CNAS C示例001-M",
    ),
    SampleInstitution(
        C, "上海示例产品认证有限公司", "上海市松江区示例路220号", "021-57810005",
        "产品认证检测委托与工厂检查",
        scope="强制性产品认证（CCC）：电线电缆、低压电器、小功率电动机；自愿性产品认证：节能产品、"
        "绿色产品认证；食品农产品认证：有机产品、良好农业规范（GAP）",
        approval_number="CNCA-R-2023-示例02",
    ),
    SampleInstitution(
        C, "示例信息安全与服务认证中心", "上海市松江区示例路240号", "021-57810006",
        "服务认证与信息安全审核",
        scope="信息安全管理体系认证（ISO/IEC 27001）；信息技术服务管理体系认证（ISO/IEC 20000-1）；"
        "商品售后服务评价认证；知识产权管理体系认证",
        approval_number="CNCA-R-2022-示例03",
    ),
    SampleInstitution(
        T, "松江示例检验检测有限公司", "上海市松江区示例路300号", "021-57810007",
        "电子电器产品安全检测（GB 4706 系列）；电磁兼容（EMC）检测；灯具性能检测；"
        "塑料、橡胶材料理化性能检测",
        cma_number="CMA 2409示例0001",
        cnas_number="CNAS L示例1001",
    ),
    SampleInstitution(
        T, "上海示例食品检测技术有限公司", "上海市松江区示例路320号", "021-57810008",
        "食品安全检测：农药残留、兽药残留、重金属、食品添加剂、微生物；食品营养成分分析；"
        "食品接触材料迁移量检测",
        cma_number="CMA 2309示例0002",
        cnas_number="CNAS L示例1002",
    ),
    SampleInstitution(
        T, "示例生物医药检测中心", "上海市松江区示例路340号", "021-57810009",
        "医疗器械生物相容性评价；药品包装材料检测；洁净室（区）环境监测：尘埃粒子、浮游菌、沉降菌；"
        "无菌与微生物限度检查",
        cma_number="CMA 2209示例0003",
    ),
    SampleInstitution(
        T, "长三角示例材料与机械检测所", "上海市松江区示例路360号", "021-57810010",
        "金属材料力学性能（拉伸、冲击、硬度）；无损检测（超声、射线、磁粉）；"
        "紧固件与焊接件检测；机械零部件尺寸与形位公差测量",
        cma_number="CMA 2109示例0004",
        cnas_number="CNAS L示例1004",
    ),
    SampleInstitution(
        IP, "松江示例知识产权代理事务所", "上海市松江区示例路400号", "021-57810011",
        "专利申请代理（发明、实用新型、外观设计）；专利检索与分析；商标注册代理；知识产权贯标咨询",
        approval_number="专利代理机构执业许可 示例31001",
    ),
    SampleInstitution(
        IP, "上海示例商标与版权服务有限公司", "上海市松江区示例路420号", "021-57810012",
        "商标注册、续展与异议代理；著作权登记；地理标志与集体商标申请指导；海外知识产权布局咨询",
        approval_number="商标代理备案 示例2024-017",
    ),
)  # fmt: skip


def load_sample_institutions() -> int:
    """Create or refresh the sample institutions; returns how many there are."""
    with transaction.atomic():
        for sample in INSTITUTIONS:
            name = sample.name + SAMPLE_SUFFIX
            TechnicalInstitution.objects.update_or_create(
                name=name,
                is_sample=True,
                defaults={
                    "kind": sample.kind,
                    "address": sample.address,
                    "phone": validate_cn_phone(sample.phone),
                    "capabilities": sample.capabilities,
                    "scope": sample.scope,
                    "cma_number": sample.cma_number,
                    "cnas_number": sample.cnas_number,
                    "approval_number": sample.approval_number,
                    "active": True,
                },
            )
    return len(INSTITUTIONS)


# The items a sample station publishes: one or two of each category, so the public directory shows
# the catalogue's range.
SAMPLE_ITEMS = ["quality.5", "standardization.2", "metrology.1", "certification.1", "testing.1"]


def load_sample_stations() -> int:
    """One sample station (named …（示例）) for each project that has no station of its own yet.

    ServiceStation has no is_sample flag, so the name carries the label; a project that already
    has a real station gets none. Returns the number of stations created.
    """
    items = [catalogue.item(key).key for key in SAMPLE_ITEMS]  # KeyError if the catalogue changed
    created = 0
    with transaction.atomic():
        for number, project in enumerate(ServiceProject.objects.order_by("code"), start=1):
            if project.stations.exclude(name__endswith=SAMPLE_SUFFIX).exists():
                continue
            station, made = ServiceStation.objects.get_or_create(
                project=project,
                name=f"{project.operator.name}服务站{SAMPLE_SUFFIX}",
                defaults={
                    "address": "上海市松江区（示例地址，请以实际公布为准）",
                    "service_window": "一楼质量服务窗口（示例）",
                    "opening_hours": "工作日 9:00–17:00（示例）",
                    "complaint_phone": validate_cn_phone(f"021-5781{9000 + number:04d}"),
                    "published_items": items,
                },
            )
            if made:
                created += 1
                StationStaff.objects.create(
                    station=station,
                    name="示例联系人",
                    post=StationStaff.Post.FULL_TIME_SPECIALIST,
                    phone=validate_cn_phone(f"021-5781{8000 + number:04d}"),
                    is_public_contact=True,
                )
    return created
