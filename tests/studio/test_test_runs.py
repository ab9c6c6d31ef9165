"""Test runs: a process admin walks a model through every lane; service steps write nothing; the
run appears in no inbox, count or list but the admin's own; waiting timers counted per activity."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from casemgmt.models import OrgUnit
from core.errors import PermissionDenied
from studio import catalog, trial_runs
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances, timer_backfill
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion
from workflows.queries.instances import InstanceFilter, filter_instances
from workflows.queries.tasks import view_tasks

pytestmark = pytest.mark.django_db

Deploy = Callable[[str], ProcessModelVersion]


def admin_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


def open_task(instance: ProcessInstance) -> HumanTask:
    return instance.human_tasks.get(status=HumanTask.Status.OPEN)


def test_an_admin_walks_a_test_run_through_every_lane_and_it_counts_nowhere(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    version = deploy_fixture("approval")
    real = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    response = admin_client(cast).post(reverse("studio-test-run", args=["approval"]), {"version": "1"})
    run = ProcessInstance.objects.get(is_test=True)
    first = open_task(run)
    assert response.status_code == 302 and response["Location"] == reverse(
        "task-detail-page", args=[first.pk]
    )
    assert run.started_by == cast.admin and run.version == version
    # Every step goes to the admin, whichever lane it is in; the lane still shows on the row.
    steps = []
    for data in ({"title": "试运行", "amount": 1}, {"approved": True}, {"approved": True}, {}):
        task = open_task(run)
        assert task.assignee == cast.admin and task.candidate_group == f"test-run:{cast.admin.pk}"
        steps.append(task.lane)
        human_tasks.complete(task.pk, actor=cast.admin, data=data)
    run.refresh_from_db()
    assert run.status == InstanceStatus.COMPLETED
    assert steps == ["operator", "市场监管所", "district_reviewer", "operator"]
    # Nobody else saw it: the operator's inbox holds the real instance's task only.
    assert [t.instance_id for t in view_tasks(cast.operator_a, "inbox")] == [real.pk]
    assert not HumanTask.objects.filter(instance=run, status=HumanTask.Status.OPEN).exists()


def test_test_runs_are_left_out_of_counts_and_lists(cast: Cast, deploy_fixture: Deploy) -> None:
    version = deploy_fixture("approval")
    real = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    run = trial_runs.start("approval", None, actor=cast.admin)
    assert sum(catalog.open_counts([version.pk])[version.pk].values()) == 1
    assert catalog.activity_counts(version) == {"submit": {"tasks": 1}}
    everything = ProcessInstance.objects.all()
    assert list(filter_instances(everything, InstanceFilter())) == [real]
    assert list(filter_instances(everything, InstanceFilter(test=True))) == [run]
    page = admin_client(cast).get(reverse("instance-admin"), {"test": "1"})
    assert page.status_code == 200 and f"/instances/{run.pk}/" in page.content.decode()
    assert f"/instances/{real.pk}/" not in page.content.decode()
    api = admin_client(cast)
    listed = api.get(reverse("instance-list"), {"test": "1"}).json()
    assert [row["id"] for row in listed["results"]] == [run.pk]
    assert api.get(reverse("instance-list"), {"test": "yes"}).status_code == 400
    model_page = admin_client(cast).get(reverse("studio-model", args=["approval"]))
    assert list(model_page.context["test_runs"]) == [run]


def test_service_steps_write_nothing_in_a_test_run(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("service_step")
    run = trial_runs.start("service_step", None, actor=cast.admin)
    human_tasks.complete(open_task(run).pk, actor=cast.admin, data={"label": "试", "fail": True})
    run.refresh_from_db()
    # The handler would have written an org unit (and failed on request): it did not run.
    assert run.status != InstanceStatus.ERROR
    assert not OrgUnit.objects.filter(code__startswith="side-effect-").exists()
    assert open_task(run).task_spec == "confirm"


def test_only_process_admins_start_test_runs(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("approval")
    with pytest.raises(PermissionDenied):
        instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, test=True)
    response = admin_client(cast).post(reverse("studio-test-run", args=["nothing"]), {"version": "1"})
    assert response.status_code == 404 and not ProcessInstance.objects.exists()


def test_waiting_timers_are_counted_per_activity(cast: Cast, deploy_fixture: Deploy) -> None:
    version = deploy_fixture("timer")
    for _ in range(2):
        instances.start_instance(
            "timer", actor=cast.operator_a, org_unit_code=OPERATOR_A, data={"timeout": "P3D"}
        )
    instances.start_instance(
        "timer", actor=cast.admin, org_unit_code=OPERATOR_A, data={"timeout": "P3D"}, test=True
    )
    counts = catalog.activity_counts(version)
    assert counts["too_slow"] == {"timers": 2}
    assert counts["match"] == {"tasks": 2}
    first = ProcessInstance.objects.filter(is_test=False).first()
    assert first is not None and first.timer_specs == ["too_slow"]
    instances.terminate(first.pk, actor=cast.admin, reason="试")
    assert catalog.activity_counts(version)["too_slow"] == {"timers": 1}


def test_instances_that_waited_before_timer_specs_are_filled_in(cast: Cast, deploy_fixture: Deploy) -> None:
    version = deploy_fixture("timer")
    waiting = instances.start_instance(
        "timer", actor=cast.operator_a, org_unit_code=OPERATOR_A, data={"timeout": "P3D"}
    )
    ProcessInstance.objects.filter(pk=waiting.pk).update(timer_specs=[])  # as before migration 0011
    assert "too_slow" not in catalog.activity_counts(version)
    call_command("backfill_timer_specs", stdout=io.StringIO())
    waiting.refresh_from_db()
    assert waiting.timer_specs == ["too_slow"]
    assert catalog.activity_counts(version)["too_slow"] == {"timers": 1}
    assert timer_backfill.backfill() == 0  # nothing left to do
