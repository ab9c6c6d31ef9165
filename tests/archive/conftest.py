"""The archive tests' world: two projects in two areas serving one enterprise (enterprise_a's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from casemgmt.models import Enterprise, OrgUnit, ServiceCase, ServiceProject
from tests.factories import make_case, make_enterprise, make_project
from tests.personas import AREA_A, AREA_B, ENTERPRISE_A, OPERATOR_A, OPERATOR_B, Cast

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Area:
    cast: Cast
    project_a: ServiceProject  # operator-fs, coordinated by office A
    project_b: ServiceProject  # operator-yy, coordinated by office B
    enterprise: Enterprise  # enterprise_a's own
    other: Enterprise  # served by project B only
    case_a: ServiceCase
    case_b: ServiceCase


@pytest.fixture
def area(cast: Cast) -> Area:
    unit = {
        code: OrgUnit.objects.get(code=code)
        for code in (AREA_A, AREA_B, OPERATOR_A, OPERATOR_B, ENTERPRISE_A)
    }
    project_a = make_project(
        code="fs-project",
        case_prefix="FS",
        name="方松项目",
        coordinating_office=unit[AREA_A],
        operator=unit[OPERATOR_A],
    )
    project_b = make_project(
        code="yy-project",
        case_prefix="YY",
        name="岳阳项目",
        coordinating_office=unit[AREA_B],
        operator=unit[OPERATOR_B],
    )
    enterprise = make_enterprise(name="上海方松精密制造有限公司", org_unit=unit[ENTERPRISE_A])
    other = make_enterprise(name="上海岳阳电子有限公司")
    case_a = make_case(project=project_a, enterprise=enterprise, case_no="FS-2026-00001", need="产品计量校准")
    case_b = make_case(project=project_b, enterprise=enterprise, case_no="YY-2026-00001", need="检验检测需求")
    return Area(cast, project_a, project_b, enterprise, other, case_a, case_b)
