"""小昆山's quarter of work, which the promotion demo's district naming stands on: three closed
cases whose follow-up services span eight service classes, and the certificates, consulting,
cooperation, innovation, titles and honours they led to. The scorecard computes indicators 8,
10(2), 12, 13, 16 and 17 from these records, each point traceable to the record that earned it.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from casemgmt.models import ServiceCase

from .cases import DemoCase, Result, Service, load_cases

PROJECT = "street-xiaokunshan"
LAB = "（示例）上海市计量测试技术研究院"
TESTER = "（示例）国家智能制造装备质量检验检测中心"
CERTIFIER = "（示例）认证机构"

_CALIBRATIONS = tuple(
    Result("certificate", "calibration", f"{name}校准证书", f"JZ-XKS-{n:04d}", LAB)
    for n, name in enumerate(
        ("激光跟踪仪", "三坐标测量机", "扭矩扳手", "数显卡尺", "表面粗糙度仪", "硬度计"), 1
    )
)

CASES = (
    DemoCase(
        "demo-xks-case-1", PROJECT, 4, "window",
        "新建精密加工产线，测量设备需要校准，出口产品需要检测报告和 CE 认证。",
        ("metrology.2", "testing.1", "certification.1"), "closed",
        (
            Service("metrology", "on_site", "上门梳理产线测量设备清单，安排送校"),
            Service("testing", "expert_lecture", "出口产品检测标准解读"),
            Service("certification", "on_site", "CE 认证技术文件辅导"),
        ),
        (
            *_CALIBRATIONS,
            Result("certificate", "verification", "电子天平检定证书", "JD-XKS-0001", LAB),
            Result("certificate", "verification", "压力表检定证书", "JD-XKS-0002", LAB),
            Result("cooperation", "instrument_sharing", "共享检测中心激光干涉仪"),
            Result("title", "specialized", "上海市专精特新中小企业"),
            Result("quality_honour", "key_product_breakthrough", "数控转台重点产品质量攻关成果"),
        ),
    ),
    DemoCase(
        "demo-xks-case-2", PROJECT, 5, "online",
        "机器人产品需要制定企业标准并申请专利，希望培育自主品牌。",
        ("standardization.1", "ip.1", "quality.3"), "closed",
        (
            Service("standards", "on_site", "企业标准起草与自我声明公开辅导"),
            Service("ip", "expert_lecture", "专利布局与申请实务讲座"),
            Service("brand", "group_training", "品牌培育管理体系集中培训"),
        ),
        (
            Result("certificate", "test_report", "协作机器人电磁兼容检测报告", "BG-XKS-0001", TESTER),
            Result("certificate", "test_report", "协作机器人安全性能检测报告", "BG-XKS-0002", TESTER),
            Result("certificate", "test_report", "减速器寿命试验报告", "BG-XKS-0003", TESTER),
            Result("certificate", "certification", "机器人产品 CR 认证证书", "CR-XKS-0001", CERTIFIER),
            Result("consulting", "patent", "发明专利申请咨询（关节模组）"),
            Result("consulting", "patent", "实用新型专利申请咨询（末端夹具）"),
            Result("consulting", "trademark", "商标注册咨询"),
            Result("cooperation", "industry_academia", "与高校共建机器人可靠性联合实验室"),
            Result("innovation", "standardization", "发布企业标准《协作机器人通用技术条件》"),
            Result("title", "high_tech", "高新技术企业"),
            Result("quality_honour", "shanghai_brand", "“上海品牌”认证"),
        ),
    ),
    DemoCase(
        "demo-xks-case-3", PROJECT, 6, "window",
        "新材料产品质量不稳定，希望建立质量管理体系并了解扶持政策。",
        ("quality.1", "certification.3"), "closed",
        (
            Service("quality_management", "on_site", "质量管理体系诊断与改进辅导"),
            Service("policy", "group_training", "质量提升扶持政策宣讲"),
        ),
        (
            Result("certificate", "quality_management", "ISO 9001 认证证书", "QM-XKS-0001", CERTIFIER),
            Result("certificate", "quality_management", "IATF 16949 认证证书", "QM-XKS-0002", CERTIFIER),
            Result("certificate", "test_report", "复合材料拉伸性能检测报告", "BG-XKS-0004", TESTER),
            Result("certificate", "test_report", "阻燃性能检测报告", "BG-XKS-0005", TESTER),
            Result("consulting", "brand", "品牌培育咨询"),
            Result("cooperation", "technology_transfer", "高校改性工艺技术转移"),
            Result("innovation", "quality_breakthrough", "产品批次合格率由 92% 提升至 99%"),
            Result("title", "little_giant", "松江区科技小巨人（培育）企业"),
            Result("quality_honour", "government_quality_award", "松江区区长质量奖提名"),
        ),
    ),
)  # fmt: skip


def load_service_history(operator: User) -> list[ServiceCase]:
    """小昆山's closed cases, worked by its own operator."""
    return load_cases(CASES, operator)
