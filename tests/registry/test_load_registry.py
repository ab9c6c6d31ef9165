"""load_registry: the divisions, operators and the 20 projects of Attachment 1, idempotently."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from casemgmt.models import NamingRecord, OrgUnit, ProjectLevel, ServiceProject
from casemgmt.org.lanes import DISTRICT_CODE
from casemgmt.registry.seed import DIVISIONS, NOTICE_DATE, PROJECTS, divisions_without_project

pytestmark = pytest.mark.django_db

# The NBS division codes of Songjiang (public statistics, 2023), kept in the repository as test data.
STATISTICS_CSV = Path(__file__).resolve().parent / "data" / "songjiang_streets_2023.csv"

# Attachment 1 restated independently: operating organization → coordinating department (统筹部门).
NOTICE_TABLE = {
    "启迪漕河泾（上海）运营管理有限公司": ("市级", "松江区市场监督管理局"),
    "上海航天精密机械研究所": ("区级", "松江区市场监督管理局"),
    "广检检测技术（上海）有限公司": ("区级", "松江区市场监督管理局"),
    "经开区 G60 生物医药产业基地工作站": ("街镇级", "经济技术开发区市场监督管理所"),
    "方松街道质量服务驿站": ("街镇级", "方松市场监管所"),
    "上海仓城影视文化产业园区": ("街镇级", "永丰市场监管所"),
    "上海申田经济发展有限公司": ("街镇级", "岳阳市场监管所"),
    "上海松江大学城高科技发展有限公司": ("街镇级", "广富林市场监管所"),
    "九里亭街道营商办": ("街镇级", "九里亭市场监管所"),
    "上海车墩工业开发有限公司": ("街镇级", "车墩市场监管所"),
    "百颗星经济开发公司": ("街镇级", "洞泾市场监管所"),
    "上海临港松江科技城投资发展有限公司": ("街镇级", "新桥市场监管所"),
    "九亭镇综合党委": ("街镇级", "九亭市场监管所"),
    "上海市松江区石湖荡镇企业服务中心": ("街镇级", "石湖荡市场监管所"),
    "汤始建华建材（上海）有限公司": ("街镇级", "新浜市场监管所"),
    "上海泖港经济技术发展有限公司": ("街镇级", "泖港市场监管所"),
    "上海安谱实验科技股份有限公司": ("街镇级", "叶榭市场监管所"),
    "上海智巡密码实业有限公司": ("街镇级", "泗泾市场监管所"),
    "上海安宇峰实业有限公司": ("街镇级", "佘山市场监管所"),
    "上海小昆山镇高科技发展有限公司": ("街镇级", "小昆山市场监管所"),
}
LEVEL_ZH = {ProjectLevel.CITY: "市级", ProjectLevel.DISTRICT: "区级", ProjectLevel.STREET: "街镇级"}

# division → the office of its area, by name
DIVISION_OFFICE = {
    "方松街道": "方松市场监管所",
    "中山街道": "中山市场监管所",
    "岳阳街道": "岳阳市场监管所",
    "永丰街道": "永丰市场监管所",
    "广富林街道": "广富林市场监管所",
    "九里亭街道": "九里亭市场监管所",
    "泗泾镇": "泗泾市场监管所",
    "佘山镇": "佘山市场监管所",
    "车墩镇": "车墩市场监管所",
    "新桥镇": "新桥市场监管所",
    "洞泾镇": "洞泾市场监管所",
    "九亭镇": "九亭市场监管所",
    "泖港镇": "泖港市场监管所",
    "石湖荡镇": "石湖荡市场监管所",
    "新浜镇": "新浜市场监管所",
    "叶榭镇": "叶榭市场监管所",
    "小昆山镇": "小昆山市场监管所",
    "松江工业区": "经济技术开发区市场监督管理所",
    "上海松江出口加工区": "经济技术开发区市场监督管理所",
    "佘山度假区": "佘山市场监管所",
}


def _snapshot() -> dict[str, object]:
    return {
        "units": sorted(OrgUnit.objects.values_list("code", "name", "kind", "parent__code")),
        "projects": sorted(
            ServiceProject.objects.values_list(
                "code", "level", "name", "coordinating_office__code", "operator__code", "status", "updated_at"
            )
        ),
        "divisions": sorted(
            ServiceProject.divisions.through.objects.values_list("serviceproject_id", "orgunit_id")
        ),
        "namings": sorted(
            NamingRecord.objects.values_list("project__code", "level", "decided_at", "decision")
        ),
    }


def test_loading_twice_changes_nothing() -> None:
    out = io.StringIO()
    call_command("load_registry", stdout=out)
    first = _snapshot()
    call_command("load_registry", stdout=io.StringIO())
    assert _snapshot() == first  # updated_at included: an unchanged row is not saved again
    assert "20 service projects loaded." in out.getvalue()
    assert "中山街道" in out.getvalue()
    assert ServiceProject.objects.count() == 20
    assert NamingRecord.objects.count() == 3


def test_twenty_projects_by_level() -> None:
    call_command("load_registry", stdout=io.StringIO())
    counts = {level: ServiceProject.objects.filter(level=level).count() for level in ProjectLevel}
    assert counts == {ProjectLevel.CITY: 1, ProjectLevel.DISTRICT: 2, ProjectLevel.STREET: 17}


def test_every_project_matches_the_notice() -> None:
    call_command("load_registry", stdout=io.StringIO())
    seen = {}
    for project in ServiceProject.objects.select_related("operator", "coordinating_office"):
        seen[project.operator.name] = (
            LEVEL_ZH[ProjectLevel(project.level)],
            project.coordinating_office.name,
        )
        assert project.operator.kind == OrgUnit.Kind.OPERATOR
        assert project.operator.parent_id == project.coordinating_office_id
        assert project.coordinating_office.kind in (OrgUnit.Kind.OFFICE, OrgUnit.Kind.BUREAU)
        project.full_clean()
    assert seen == NOTICE_TABLE
    assert {row.name for row in PROJECTS} == set(ServiceProject.objects.values_list("name", flat=True))


def test_city_and_district_projects_have_a_naming_record() -> None:
    call_command("load_registry", stdout=io.StringIO())
    for project in ServiceProject.objects.all():
        records = list(project.naming_records.all())
        if project.level == ProjectLevel.STREET:
            assert records == []
            continue
        assert project.coordinating_office.code == DISTRICT_CODE
        [record] = records
        assert record.level == project.level
        assert record.decided_at == NOTICE_DATE
        assert record.name_at_the_time == project.name
        assert "松市监质量〔2024〕65号" in record.decision
        assert record.decided_by is None


def test_twenty_divisions_each_under_the_office_of_its_area() -> None:
    call_command("load_registry", stdout=io.StringIO())
    divisions = OrgUnit.objects.filter(kind=OrgUnit.Kind.DIVISION).select_related("parent")
    assert {unit.name: unit.parent.name for unit in divisions if unit.parent} == DIVISION_OFFICE
    assert len(divisions) == 20
    assert all(unit.parent and unit.parent.kind == OrgUnit.Kind.OFFICE for unit in divisions)


def test_divisions_agree_with_the_statistics_file() -> None:
    with STATISTICS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [(row[0], row[1]) for row in csv.reader(handle) if row]
    assert rows == [(code, name) for code, name, _ in DIVISIONS]


def test_coverage_gaps_show_zhongshan() -> None:
    call_command("load_registry", stdout=io.StringIO())
    gaps = list(divisions_without_project().values_list("name", flat=True))
    assert "中山街道" in gaps
    # The 佘山镇 project is named for the town; the resort zone has none of its own.
    assert gaps == ["中山街道", "佘山度假区"]
    assert not ServiceProject.objects.filter(coordinating_office__code="office-zhongshan").exists()


def test_a_suspended_project_opens_a_gap() -> None:
    call_command("load_registry", stdout=io.StringIO())
    ServiceProject.objects.filter(code="street-yueyang").update(status=ServiceProject.Status.SUSPENDED)
    assert "岳阳街道" in divisions_without_project().values_list("name", flat=True)


def test_the_demo_operator_unit_is_the_fangsong_projects_operator() -> None:
    call_command("load_registry", stdout=io.StringIO())
    project = ServiceProject.objects.get(code="street-fangsong")
    assert project.operator.code == "operator-fangsong-station"  # the code seed_demo uses


def test_reloading_restores_edited_seed_values() -> None:
    call_command("load_registry", stdout=io.StringIO())
    ServiceProject.objects.filter(code="street-chedun").update(name="改过的名字")
    OrgUnit.objects.filter(code="310117004").update(name="x")
    call_command("load_registry", stdout=io.StringIO())
    assert ServiceProject.objects.get(code="street-chedun").name.startswith("车墩镇党建引领食品产业")
    assert OrgUnit.objects.get(code="310117004").name == "中山街道"
