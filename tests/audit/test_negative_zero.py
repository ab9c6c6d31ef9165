"""Regression: a negative zero reaching an audit event must not read as tampering.

jsonb has no negative zero (numeric's -0.0 prints as 0.0): an event hashed over `-0.0` and
stored as `0.0` failed audit_verify although nobody changed it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from audit.actions import Action
from audit.chain import event_hash
from audit.models import AuditEvent
from audit.verify import verify_chain
from casemgmt.cases.feedback import clean_feedback, form_data
from casemgmt.models import ServiceCase
from tests.factories import make_institution
from tests.personas import OPERATOR_A, Cast
from tests.public.support import advance_to_feedback, deploy_service_case, intake_body, make_public_project
from workflows import human_tasks, instances
from workflows.models import HumanTask, ProcessModelVersion

pytestmark = pytest.mark.django_db


def test_negative_zero_in_task_data_keeps_the_chain_intact(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    deploy_fixture("approval")
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-NZ-1", subject="负零", org_unit_code=OPERATOR_A
    )
    task = instance.human_tasks.get(status=HumanTask.Status.OPEN)
    # "minimum": 0 lets -0.0 through: it is not less than 0.
    human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": -0.0})

    completed = AuditEvent.objects.get(action=Action.TASK_COMPLETED, target_id=str(task.pk))
    assert completed.after is not None and completed.after["data"]["amount"] == 0
    assert event_hash(completed.prev_hash, completed) == completed.hash
    result = verify_chain()
    assert result.ok, result.message


def test_public_feedback_with_minus_zero_amounts_keeps_the_chain_intact() -> None:
    deploy_service_case()
    project = make_public_project()
    submitter = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = submitter.post("/public/intake/", intake_body(project))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = ServiceCase.objects.get(case_no=response["Location"].split("/")[3])
    case = advance_to_feedback(case, make_institution(name="松江计量所"))

    body = {
        "rating": "5",
        "effects": ["pass_rate"],
        "investment_drawn": "-0",
        "output_added": "-0.00",
        "cost_saved": "-0",
        "profit_added": "0",
    }
    done = submitter.post(f"/public/status/{case.case_no}/feedback/", body)
    assert done.status_code == 302, done.content.decode()[:3000]
    case.refresh_from_db()
    assert case.stage == ServiceCase.Stage.CLOSED
    assert str(case.investment_drawn) == "0.00" and str(case.cost_saved) == "0.00"
    result = verify_chain()
    assert result.ok, result.message


def test_feedback_amount_minus_zero_is_cleaned_to_plain_zero() -> None:
    values, errors = clean_feedback({"rating": "4", "effects": [], "cost_saved": "-0", "profit_added": -0.0})
    assert not errors and values is not None
    for name in ("cost_saved", "profit_added"):
        amount = values.amounts[name]
        assert amount is not None and str(amount) == "0.00" and not amount.is_signed()
    assert json.dumps(form_data(values)["cost_saved"]) == "0.0"
