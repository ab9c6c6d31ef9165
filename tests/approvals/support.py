"""The approval diagram of the engine tests, with task settings (workflows/task_settings.py) set
per test: the office review may require an opinion, and any task may list its operations."""

from __future__ import annotations

from tests.conftest import BPMN_DIR
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion

OFFICE_REVIEW_PROPS = '<spiffworkflow:property name="priority" value="70" />'
SUBMIT_PROPS = '<spiffworkflow:property name="dueInDays" value="3" />'


def _props(props: dict[str, str] | None) -> str:
    return "".join(
        f'<spiffworkflow:property name="{name}" value="{value}" />' for name, value in (props or {}).items()
    )


def approval_files(
    office_review: dict[str, str] | None = None, submit: dict[str, str] | None = None
) -> dict[str, str]:
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    text = files["approval.bpmn"]
    assert OFFICE_REVIEW_PROPS in text and text.count(SUBMIT_PROPS) == 1
    text = text.replace(OFFICE_REVIEW_PROPS, OFFICE_REVIEW_PROPS + _props(office_review))
    files["approval.bpmn"] = text.replace(SUBMIT_PROPS, SUBMIT_PROPS + _props(submit))
    return files


def deploy_approval(
    office_review: dict[str, str] | None = None, submit: dict[str, str] | None = None
) -> ProcessModelVersion:
    outcome = deploy(approval_files(office_review, submit), actor=None, model_key="approval")
    assert outcome.version is not None
    return outcome.version


def open_task(instance: ProcessInstance) -> HumanTask:
    return instance.human_tasks.get(status=HumanTask.Status.OPEN)
