"""The 服务情况统计表: the XLSX reopened with openpyxl and checked cell by cell, the period rule,
sheet names, formula injection, and the printable page."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from casemgmt.archive.exports.period import today
from casemgmt.archive.exports.service_sheet import unique_sheet_names
from casemgmt.models import ServiceCase
from casemgmt.models.service_case import CaseStage
from tests.factories import make_case, make_enterprise, make_record

from .conftest import Area, shanghai

pytestmark = pytest.mark.django_db

TITLE = "质量基础设施“一站式”服务情况统计表"
COLUMNS = [
    "序号",
    "服务需求",
    "服务时间及方式",
    "服务成效",
    "其他成效（新增就业岗位数、拉动投资、增加产值、为企业节约费用、为企业增长利润等）",
]
NOTE_1 = "1.“服务方式”包括：集中培训、上门指导、专家授课和其他方式（需写明具体内容）；"
NOTE_2 = (
    "2.“服务成效”包括：提高产品合格率、通过管理体系认证、荣获各类荣誉、提高质量管理水平、"
    "支撑制定企业标准或团体标准、其他（需注明具体内容）。"
)
PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}


def client_for(user: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the sheet is the notice's Chinese in any language
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    return client


def submitted(case: ServiceCase, *moment: int) -> None:
    ServiceCase.objects.filter(pk=case.pk).update(submitted_at=shanghai(*moment))


@pytest.fixture
def served(area: Area) -> Area:
    """Project A served the enterprise twice in Q1 2026 (and once before, once after)."""
    e = area.enterprise
    e.address, e.contact_name, e.phone = "上海市松江区方松街道测试路8号", "李四", "+8613912345678"
    e.save()
    case = area.case_a
    ServiceCase.objects.filter(pk=case.pk).update(
        catalogue_items=["metrology.1"],
        need="产品计量校准",
        stage=CaseStage.CLOSED,
        effects=["pass_rate", "certification", "other"],
        effect_other="缩短交货周期",
        new_jobs=3,
        cost_saved=Decimal("12.5"),
        profit_added=Decimal("0"),
    )
    submitted(case, 2026, 1, 1, 0, 5)  # the first minutes of the period, Shanghai time
    make_record(case=case, served_at=shanghai(2026, 1, 5, 10, 0), mode="on_site", content="上门校准")
    make_record(
        case=case,
        served_at=shanghai(2026, 4, 2, 9, 0),
        mode="other",
        mode_description="线上视频会议",
        content="回访",
    )
    second = make_case(project=area.project_a, enterprise=e, case_no="FS-2026-00002", need='=HYPERLINK("x")')
    submitted(second, 2026, 3, 31, 23, 59)  # the last minute of the period
    make_record(case=second, served_at=shanghai(2026, 3, 31, 23, 59), mode="group_training", content="培训")
    before = make_case(project=area.project_a, enterprise=e, case_no="FS-2025-00009", need="去年的需求")
    submitted(before, 2025, 12, 31, 23, 59)
    after = make_case(project=area.project_a, enterprise=e, case_no="FS-2026-00003", need="四月的需求")
    submitted(after, 2026, 4, 1, 0, 0)
    submitted(area.case_b, 2026, 2, 1, 9, 0)  # project B's case of the same enterprise
    return area


def workbook(response: object) -> Workbook:
    assert response.status_code == 200, response.content[:300]  # type: ignore[attr-defined]
    assert response["Content-Type"] == (  # type: ignore[index]
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]


def values(ws: Worksheet) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


# The enterprise's address, contact and phone: masked by default, in full for a reason.
MASKED_CONTACT = ["上海市松江区方松街道****", "李*", "139****5678"]
FULL_CONTACT = ["上海市松江区方松街道测试路8号", "李四", "139 1234 5678"]


def check_enterprise_sheet(
    ws: Worksheet, area: Area, projects: str, rows: list[list[object]], contact: list[str] = MASKED_CONTACT
) -> None:
    grid = values(ws)
    assert grid[0][0] == TITLE
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert [r[:2] for r in grid[1:7]] == [
        ["企业名称", "上海方松精密制造有限公司"],
        ["企业地址", contact[0]],
        ["联系人", contact[1]],
        ["联系电话", contact[2]],
        ["服务项目", projects],
        ["统计期间", "2026-01-01 至 2026-03-31"],
    ]
    assert grid[7] == [None] * 5
    assert grid[8] == COLUMNS
    assert grid[9 : 9 + len(rows)] == rows
    tail = grid[9 + len(rows) :]
    assert tail[0] == [None] * 5
    assert [row[0] for row in tail[1:]] == ["填表说明：", NOTE_1, NOTE_2]


FIRST_ROW = [
    1,
    "产品计量校准\n计量服务1：提供法定计量机构检定能力查询服务；",
    # every record of a case in the period, even one served after the period
    "2026-01-05 上门指导\n2026-04-02 其他（线上视频会议）",
    "提高产品合格率、通过管理体系认证、其他：缩短交货周期",
    "新增就业岗位数：3个\n为企业节约费用：12.50万元\n为企业增长利润：0.00万元",
]
SECOND_ROW = [2, '\'=HYPERLINK("x")', "2026-03-31 集中培训", None, None]


def test_the_enterprise_sheet_cell_by_cell(served: Area) -> None:
    url = reverse("archive-sheet-enterprise-xlsx", kwargs={"pk": served.enterprise.pk})
    book = workbook(client_for(served.cast.operator_a).get(url, PERIOD))
    assert book.sheetnames == ["上海方松精密制造有限公司"]
    ws = book.worksheets[0]
    # operator_a sees project A only, so project B's case is not on their sheet.
    check_enterprise_sheet(ws, served, "方松项目", [FIRST_ROW, SECOND_ROW])
    # The injected formula stays text: no cell holds a formula.
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    # In full for a reason: the same sheet, the contact unmasked (tests/privacy: watermark, record).
    full = workbook(client_for(served.cast.operator_a).post(url, {**PERIOD, "reason": "年度报送"}))
    check_enterprise_sheet(full.worksheets[0], served, "方松项目", [FIRST_ROW, SECOND_ROW], FULL_CONTACT)


def test_a_district_user_sees_every_project_on_the_enterprise_sheet(served: Area) -> None:
    url = reverse("archive-sheet-enterprise-xlsx", kwargs={"pk": served.enterprise.pk})
    ws = workbook(client_for(served.cast.reviewer).get(url, PERIOD)).worksheets[0]
    b_row = [2, "检验检测需求", None, None, None]  # submitted 02-01, between the two project A cases
    check_enterprise_sheet(ws, served, "岳阳项目、方松项目", [FIRST_ROW, b_row, [3, *SECOND_ROW[1:]]])


def test_the_project_workbook_has_a_summary_and_a_sheet_per_enterprise(served: Area) -> None:
    other = served.other
    other.contact_name, other.phone = "王五", "+862157812345"
    other.save()
    third = make_case(project=served.project_a, enterprise=other, case_no="FS-2026-00010", need="+SUM(A1)")
    submitted(third, 2026, 2, 10, 9, 0)
    make_record(case=third, served_at=shanghai(2026, 2, 11, 9, 0), mode="expert_lecture", content="讲座")
    url = reverse("archive-sheet-project-xlsx", kwargs={"pk": served.project_a.pk})
    book = workbook(client_for(served.cast.office_a).get(url, PERIOD))
    assert book.sheetnames == ["汇总", "上海岳阳电子有限公司", "上海方松精密制造有限公司"]
    summary = values(book["汇总"])
    assert summary[0][0] == TITLE + "（项目汇总）"
    assert [r[:2] for r in summary[1:4]] == [
        ["服务项目", "方松项目"],
        ["运营机构", "方松驿站"],
        ["统计期间", "2026-01-01 至 2026-03-31"],
    ]
    assert summary[5] == ["序号", "企业名称", "统一社会信用代码", "服务需求数", "服务次数", "工作表"]
    assert summary[6] == [1, "上海岳阳电子有限公司", other.credit_code, 1, 1, "上海岳阳电子有限公司"]
    assert summary[7] == [
        2,
        "上海方松精密制造有限公司",
        served.enterprise.credit_code,
        2,
        3,
        "上海方松精密制造有限公司",
    ]
    assert summary[8] == ["合计", "2 家企业", None, 3, 4, None]
    check_enterprise_sheet(book["上海方松精密制造有限公司"], served, "方松项目", [FIRST_ROW, SECOND_ROW])
    other_sheet = values(book["上海岳阳电子有限公司"])
    assert [r[:2] for r in other_sheet[1:5]] == [
        ["企业名称", "上海岳阳电子有限公司"],
        ["企业地址", "上海市松江区****"],
        ["联系人", "王*"],
        ["联系电话", "021****2345"],
    ]
    full = workbook(client_for(served.cast.office_a).post(url, {**PERIOD, "reason": "项目验收"}))
    assert [r[1] for r in values(full["上海岳阳电子有限公司"])[2:5]] == [
        "上海市松江区测试路1号",
        "王五",
        "021 5781 2345",
    ]
    assert other_sheet[9] == [1, "'+SUM(A1)", "2026-02-11 专家授课", None, None]


def test_formula_injection_is_neutralised_in_every_text_cell(area: Area) -> None:
    hostile = make_enterprise(name="@evil", address="=cmd|' /C calc'!A0", contact_name="-2+3")
    case = make_case(project=area.project_a, enterprise=hostile, need="+1", case_no="FS-2026-00077")
    ServiceCase.objects.filter(pk=case.pk).update(effects=["other"], effect_other="=1+1")
    make_record(case=case, mode="other", mode_description="=danger", content="x")
    url = reverse("archive-sheet-enterprise-xlsx", kwargs={"pk": hostile.pk})
    # In full, so that the hostile address and contact reach their cells as typed.
    ws = workbook(client_for(area.cast.admin).post(url, {"reason": "核对"})).worksheets[0]
    grid = values(ws)
    assert grid[1][1] == "'@evil"
    assert grid[2][1] == "'=cmd|' /C calc'!A0"
    assert grid[3][1] == "'-2+3"
    assert grid[9][1] == "'+1"
    assert grid[9][3] == "其他：=1+1"  # not at the start of the cell: harmless
    assert str(grid[9][2]).endswith("其他（=danger）")
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    assert ws.title == "@evil"  # sheet names are never evaluated


def test_sheet_names_are_valid_unique_and_short() -> None:
    long = "上海" + "很长的企业名称" * 6 + "有限公司"
    names = unique_sheet_names(
        ["a/b:c*d?e[f]g\\h", long, long, "'quoted'", "", "Same", "same", "汇总"], taken=["汇总"]
    )
    assert names[0] == "a_b_c_d_e_f_g_h"
    assert names[1] == long[:31] and len(names[1]) == 31
    assert names[2] == long[:27] + " (2)" and len(names[2]) == 31
    assert names[3] == "quoted"
    assert names[4] == "Sheet"
    assert names[5:] == ["Same", "same (2)", "汇总 (2)"]
    assert len({n.casefold() for n in names} | {"汇总"}) == len(names) + 1


def test_enterprises_with_the_same_long_name_get_distinct_sheets(area: Area) -> None:
    base = "上海松江" + "精密机械制造" * 5
    twins = [make_enterprise(name=base + suffix) for suffix in ("甲公司", "乙公司")]
    for n, twin in enumerate(twins):
        make_case(project=area.project_a, enterprise=twin, case_no=f"FS-2026-0010{n}")
    url = reverse("archive-sheet-project-xlsx", kwargs={"pk": area.project_a.pk})
    book = workbook(client_for(area.cast.operator_a).get(url))
    assert len(book.sheetnames) == 4  # 汇总, the two twins, enterprise_a's case_a
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert len({name.casefold() for name in book.sheetnames}) == 4
    summary = values(book["汇总"])
    assert [row[5] for row in summary[6:9]] == book.sheetnames[1:]


def test_a_bad_period_is_refused(area: Area) -> None:
    client = client_for(area.cast.admin)
    url = reverse("archive-sheet-enterprise-xlsx", kwargs={"pk": area.enterprise.pk})
    assert client.get(url, {"from": "2026-13-01"}).status_code == 400
    assert client.get(url, {"from": "2026-03-01", "to": "2026-02-01"}).status_code == 400
    assert client.get(url, {"from": "2026-03-01", "to": "9999-12-31"}).status_code == 400
    assert client.get(url, {"from": "0001-01-01"}).status_code == 400
    page = client.get(reverse("archive-sheet-enterprise", kwargs={"pk": area.enterprise.pk}), {"to": "x"})
    assert page.status_code == 400
    assert "YYYY-MM-DD" in page.content.decode()


def test_the_printable_enterprise_page(served: Area) -> None:
    url = reverse("archive-sheet-enterprise", kwargs={"pk": served.enterprise.pk})
    page = client_for(served.cast.operator_a).get(url, PERIOD)
    assert page.status_code == 200
    text = page.content.decode()
    for expected in [
        TITLE,
        *COLUMNS,
        "填表说明：",
        NOTE_1,
        NOTE_2,
        "139****5678",
        "2026-01-01 至 2026-03-31",
    ]:
        assert expected in text, expected
    assert "139 1234 5678" not in text and "李四" not in text
    full = client_for(served.cast.operator_a).post(url, {**PERIOD, "reason": "打印存档"}).content.decode()
    assert "139 1234 5678" in full and "上海市松江区方松街道测试路8号" in full and "FS-2026-00002" in full
    assert (
        "2026-01-05 上门指导" in text and "其他：缩短交货周期" in text and "为企业节约费用：12.50万元" in text
    )
    assert 'data-case="FS-2026-00001"' in text and 'data-case="FS-2026-00002"' in text
    # Outside the period, or another project's: not on operator_a's sheet.
    assert "FS-2025-00009" not in text and "FS-2026-00003" not in text and "YY-2026-00001" not in text
    assert "/static/css/archive.css" in text  # its @media print rules (moved out of an inline <style>: CSP)
    assert (
        reverse("archive-sheet-enterprise-xlsx", kwargs={"pk": served.enterprise.pk}) + "?from=2026-01-01"
        in text
    )


def test_the_printable_project_page(served: Area) -> None:
    url = reverse("archive-sheet-project", kwargs={"pk": served.project_a.pk})
    page = client_for(served.cast.office_a).get(url, PERIOD)
    assert page.status_code == 200
    text = page.content.decode()
    assert TITLE + "（项目汇总）" in text
    assert text.count('data-testid="service-sheet"') == 1  # one enterprise served in the period
    assert served.enterprise.credit_code in text
    assert NOTE_2 in text
    # office B never sees project A's sheets.
    assert client_for(served.cast.office_b).get(url, PERIOD).status_code == 404


def test_the_default_period_is_this_year(area: Area) -> None:
    page = client_for(area.cast.admin).get(
        reverse("archive-sheet-enterprise", kwargs={"pk": area.enterprise.pk})
    )
    assert f"{today().year}-01-01 至 " in page.content.decode()
