"""The district's org units as of the 2024 notice (Attachment 1): bureau and market supervision offices."""

from __future__ import annotations

from django.db import transaction

from casemgmt.models import OrgUnit
from casemgmt.org.lanes import DISTRICT_CODE

BUREAU = (DISTRICT_CODE, "松江区市场监督管理局", "Songjiang District Administration for Market Regulation")

# (code, Chinese name, English name); 中山 has no project in Attachment 1 but has an office.
OFFICES = [
    ("office-jingkai", "经济技术开发区市场监督管理所", "Economic Development Zone Office"),
    ("office-fangsong", "方松市场监管所", "Fangsong Office"),
    ("office-yongfeng", "永丰市场监管所", "Yongfeng Office"),
    ("office-yueyang", "岳阳市场监管所", "Yueyang Office"),
    ("office-guangfulin", "广富林市场监管所", "Guangfulin Office"),
    ("office-jiuliting", "九里亭市场监管所", "Jiuliting Office"),
    ("office-chedun", "车墩市场监管所", "Chedun Office"),
    ("office-dongjing", "洞泾市场监管所", "Dongjing Office"),
    ("office-xinqiao", "新桥市场监管所", "Xinqiao Office"),
    ("office-jiuting", "九亭市场监管所", "Jiuting Office"),
    ("office-shihudang", "石湖荡市场监管所", "Shihudang Office"),
    ("office-xinbang", "新浜市场监管所", "Xinbang Office"),
    ("office-maogang", "泖港市场监管所", "Maogang Office"),
    ("office-yexie", "叶榭市场监管所", "Yexie Office"),
    ("office-sijing", "泗泾市场监管所", "Sijing Office"),
    ("office-sheshan", "佘山市场监管所", "Sheshan Office"),
    ("office-xiaokunshan", "小昆山市场监管所", "Xiaokunshan Office"),
    ("office-zhongshan", "中山市场监管所", "Zhongshan Office"),
]


@transaction.atomic
def load_org_units() -> OrgUnit:
    """Idempotent: running it again changes nothing."""
    code, name, name_en = BUREAU
    bureau, _ = OrgUnit.objects.update_or_create(
        code=code, defaults={"name": name, "name_en": name_en, "kind": OrgUnit.Kind.BUREAU, "parent": None}
    )
    for code, name, name_en in OFFICES:
        OrgUnit.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "kind": OrgUnit.Kind.OFFICE, "parent": bureau},
        )
    return bureau
