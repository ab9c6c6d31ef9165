"""The approval diagram of the engine tests, with task settings (workflows/task_settings.py) set
per test: the office review may require an opinion, and any task may list its operations."""

from __future__ import annotations

from tests.conftest import BPMN_DIR
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion

OFFICE_REVIEW_PROPS = '<spiffworkflow:property name="priority" value="70" />'


def approval_files(office_review: dict[str, str] | None = None) -> dict[str, str]:
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    extra = "".join(
        f'<spiffworkflow:property name="{name}" value="{value}" />'
        for name, value in (office_review or {}).items()
    )
    assert OFFICE_REVIEW_PROPS in files["approval.bpmn"]
    files["approval.bpmn"] = files["approval.bpmn"].replace(OFFICE_REVIEW_PROPS, OFFICE_REVIEW_PROPS + extra)
    return files


def deploy_approval(office_review: dict[str, str] | None = None) -> ProcessModelVersion:
    outcome = deploy(approval_files(office_review), actor=None, model_key="approval")
    assert outcome.version is not None
    return outcome.version


def open_task(instance: ProcessInstance) -> HumanTask:
    return instance.human_tasks.get(status=HumanTask.Status.OPEN)
