"""Twenty intakes at once: case numbers 1..20, no gap, no duplicate; one key twice at once: one case."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from audit.verify import verify_chain
from casemgmt.cases.lifecycle import withdraw_case
from casemgmt.cases.numbering import case_year
from casemgmt.consent.notice import current_version
from casemgmt.models import CaseNumberSequence, CaseStage, ServiceCase
from core.errors import ServiceError
from tests.concurrency import run_concurrently
from tests.personas import Cast
from workflows import human_tasks
from workflows.models import HumanTask, InstanceStatus

from .conftest import projects_for
from .support import deploy_service_case, instance_of, open_task, request_for, submit

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 20


def test_twenty_parallel_intakes_get_numbers_one_to_twenty(cast: Cast) -> None:
    deploy_service_case()
    project, _ = projects_for(cast)
    operator = User.objects.get(username="operator_a")

    results = run_concurrently(lambda i: submit(project, User.objects.get(pk=operator.pk), 100 + i).case_no)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    year = case_year()
    assert sorted(results) == [f"FS-{year}-{n:05d}" for n in range(1, WORKERS + 1)]
    assert ServiceCase.objects.filter(project=project).count() == WORKERS
    assert CaseNumberSequence.objects.get(project=project, year=year).last_number == WORKERS
    assert ServiceCase.objects.filter(project=project, instance__isnull=True).count() == 0
    assert verify_chain().ok


def test_one_idempotency_key_submitted_twenty_times_at_once_makes_one_case(cast: Cast) -> None:
    deploy_service_case()
    project, _ = projects_for(cast)

    results = run_concurrently(
        lambda i: submit(project, None, 5, channel="online", idempotency_key="same").pk
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert len(set(results)) == 1
    assert ServiceCase.objects.count() == 1
    assert CaseNumberSequence.objects.get(project=project).last_number == 1


def test_one_key_posted_at_once_through_the_api_is_created_once_and_replayed_to_the_rest(
    cast: Cast,
) -> None:
    """Exactly one caller hears 201 Created; every other one hears 200 with the same case."""
    from django.urls import reverse
    from rest_framework.test import APIClient

    deploy_service_case()
    project, _ = projects_for(cast)
    body = {
        "project_code": project.code,
        "credit_code": request_for(project, 77).credit_code,
        "enterprise_name": "接口并发企业",
        "contact_name": "赵六",
        "contact_phone": "021-57812345",
        "need": "计量校准",
        "catalogue_items": [],
        "idempotency_key": "api-race",
        "consent": {"notice_version": current_version()},
    }

    def post(_: int) -> tuple[int, int]:
        client = APIClient()
        client.force_authenticate(User.objects.get(username="operator_a"))
        response = client.post(reverse("cases-api-create"), body, format="json")
        return response.status_code, response.json()["id"]

    results = run_concurrently(post, workers=8)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert sorted(code for code, _ in results) == [200] * 7 + [201]
    assert len({case_id for _, case_id in results}) == 1
    assert ServiceCase.objects.count() == 1


def test_withdrawals_racing_task_completions_end_consistently(cast: Cast) -> None:
    """Half the threads complete the review task, half withdraw the case: no deadlock, no
    half-done state; whichever came first decides, the rest are refused cleanly."""
    deploy_service_case()
    project, _ = projects_for(cast)
    case = submit(project, User.objects.get(username="operator_a"), 60)
    task_id = open_task(case, "review").pk

    def act(i: int) -> str:
        user = User.objects.get(username="operator_a")
        if i % 2:
            human_tasks.complete(task_id, actor=user, data={})
            return "completed"
        withdraw_case(case.pk, actor=user, reason=f"撤回 {i}")
        return "withdrawn"

    results = run_concurrently(act)

    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, ServiceError)]
    assert not unexpected, unexpected
    case.refresh_from_db()
    assert case.stage == CaseStage.WITHDRAWN
    assert results.count("withdrawn") == 1
    assert results.count("completed") <= 1
    instance = instance_of(case)
    assert instance.status == InstanceStatus.TERMINATED
    assert not HumanTask.objects.filter(instance=instance, status="open").exists()
    assert verify_chain().ok


def test_first_intakes_of_a_new_code_at_once_register_it_once_and_never_overwrite(cast: Cast) -> None:
    """Eight intakes of one unknown credit code with eight names: one registers the enterprise
    with its name, the other seven leave it alone and each propose their own name."""
    from casemgmt.models import Enterprise, EnterpriseChangeProposal

    deploy_service_case()
    project, _ = projects_for(cast)
    operator = User.objects.get(username="operator_a")

    results = run_concurrently(
        lambda i: submit(project, User.objects.get(pk=operator.pk), 55, enterprise_name=f"并发企业{i}").pk,
        workers=8,
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    enterprise = Enterprise.objects.get()
    proposals = EnterpriseChangeProposal.objects.filter(enterprise=enterprise)
    assert proposals.count() == 7
    names = {p.proposed["name"] for p in proposals} | {enterprise.name}
    assert names == {f"并发企业{i}" for i in range(8)}
    assert all(p.current["name"] == enterprise.name for p in proposals)
    assert verify_chain().ok
