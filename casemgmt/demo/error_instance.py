"""An instance in error, and the fixed version that repairs it, for the process admins' pages.

The demo process (diagrams/, not the shipped catalogue in bpmn/) has the office enter a quarter,
then counts the office's typical cases of that quarter with the real handler
`promotion.check_typical_cases`. Version 1 has a design error: the count's parameter reads
`quarter_code`, a variable the form never sets, so the step fails on the office's real input and
the instance stops in error at 核对已提交案例 (a retry fails the same way). Version 2, deployed by
the process admin afterwards through the same deploy path as the studio, reads `quarter`: moving
the instance to version 2 on its page and retrying it carries it on to 确认核对结果.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from casemgmt.models import OrgUnit
from workflows import human_tasks, instances
from workflows.deploy import deploy
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion

from . import dates
from .people import People

MODEL = "demo_quarter_check"
BUSINESS_KEY = "DEMO-QCHECK-FS"
OFFICE_UNIT = "office-fangsong"
DIAGRAMS = Path(__file__).resolve().parent / "diagrams"
FILE = f"{MODEL}.bpmn"  # the same name in both versions, so that the studio diffs them
FORM = "quarter_check.json"
NOTES = {
    1: "演示流程首版：市场监管所填写季度，系统核对本所已提交的典型案例数。",
    2: "修正“核对已提交案例”的参数：季度取表单字段 quarter（第 1 版误写为 quarter_code，实例在该步出错）。",
}


def _files(version: int) -> dict[str, str]:
    return {
        FILE: (DIAGRAMS / f"quarter_check_v{version}.bpmn").read_text(encoding="utf-8"),
        FORM: (DIAGRAMS / FORM).read_text(encoding="utf-8"),
    }


def deploy_version(version: int, people: People) -> ProcessModelVersion:
    """Deploy the demo diagram's `version` (the same content again is that version, not a new one)."""
    outcome = deploy(_files(version), actor=people.admin, model_key=MODEL, note=NOTES[version], via="command")
    assert outcome.version is not None
    return outcome.version


def load_error_instance(people: People) -> ProcessInstance | None:
    if ProcessInstance.objects.filter(business_key=BUSINESS_KEY, version__process_model__key=MODEL).exists():
        return None
    office = people.fangsong.office
    unit = OrgUnit.objects.get(code=OFFICE_UNIT)
    quarter = dates.current_quarter()
    with transaction.atomic():
        first = deploy_version(1, people)
        instance = instances.start_instance(
            MODEL,
            actor=office,
            business_key=BUSINESS_KEY,
            subject=f"{unit.name} {quarter} 典型案例报送核对",
            org_unit_code=OFFICE_UNIT,
            version_number=first.number,
        )
        task = HumanTask.objects.get(instance=instance, task_spec="fill", status=HumanTask.Status.OPEN)
        human_tasks.complete(task.pk, actor=office, data={"quarter": quarter})
        deploy_version(2, people)
        instance.refresh_from_db()
        return instance
