"""Case numbers (办件编号): "<project prefix>-<year>-<5-digit sequence>", gapless per project and year.

The counter row of (project, year) is created and incremented by one upsert statement, which
takes the row lock a SELECT … FOR UPDATE would take and also covers the first case of a year (the
INSERT … ON CONFLICT waits on a concurrent first insert instead of failing). The lock is held until
the intake transaction ends, so the number commits or rolls back together with its case: a
refused or failed intake leaves no hole, and two intakes never get the same number.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from casemgmt.org.calendar import SHANGHAI

from ..models import CaseNumberSequence, ServiceProject

SEQUENCE_DIGITS = 5


def case_year(moment: datetime | None = None) -> int:
    """The year a case is numbered in: the calendar year in Shanghai (not UTC's at New Year)."""
    return (moment or timezone.now()).astimezone(SHANGHAI).year


def format_case_no(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:0{SEQUENCE_DIGITS}d}"


def allocate_case_no(project: ServiceProject, *, moment: datetime | None = None) -> str:
    """The next number of this project's year. Must run inside the intake's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("case numbers are allocated inside the transaction that creates the case")
    year = case_year(moment)
    table = connection.ops.quote_name(CaseNumberSequence._meta.db_table)
    # The table name is our model's (quoted), never input; the values are parameters.
    sql = (
        f"INSERT INTO {table} AS seq (project_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
        "ON CONFLICT (project_id, year) DO UPDATE SET last_number = seq.last_number + 1 "
        "RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [project.pk, year])
        row = cursor.fetchone()
    assert row is not None
    return format_case_no(project.case_prefix, year, int(row[0]))
