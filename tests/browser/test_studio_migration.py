"""Batch migration in a real browser: after a new version is deployed, the admin picks the open
cases, dry-runs their moves, starts the batch and watches it finish (the job itself is run here
in the test process; tests/studio/test_batches.py runs it on a real worker)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from studio import batches
from studio.models import MigrationBatch
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import OPERATOR_A, Cast
from tests.workflows.test_lifecycle import open_task
from tests.workflows.test_migration import deploy_variant, with_legal_review
from workflows import human_tasks, instances
from workflows.models import ProcessInstance, ProcessModelVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]


def test_an_admin_dry_runs_and_migrates_the_open_cases(
    page: Page,
    live_server: Any,
    cast: Cast,
    shoot: Shoot,
    deploy_fixture: Callable[[str], ProcessModelVersion],
) -> None:
    v1 = deploy_fixture("approval")
    for n in range(2):
        case = instances.start_instance(
            "approval", actor=cast.operator_a, business_key=f"SQ-{n}", org_unit_code=OPERATOR_A
        )
        human_tasks.complete(open_task(case).pk, actor=cast.operator_a, data={"title": "校准", "amount": 1})
    deploy_variant(v1, with_legal_review)
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    page.goto(f"{base}/studio/approval/")
    page.get_by_test_id("migrate-model").click()
    expect(page.locator('[data-testid="migration-candidates"] tbody tr')).to_have_count(2)
    page.get_by_test_id("migration-dry-run").click()
    expect(page.locator('[data-testid="rehearsal"][data-moved="1"]')).to_have_count(2)
    shoot("01-dry-run")
    assert not ProcessInstance.objects.filter(version__number=2).exists()

    page.get_by_test_id("migration-reason").fill("启用新版：增加法制审核")
    page.get_by_test_id("migration-start").click()
    expect(page.get_by_test_id("batch-progress")).to_have_attribute("data-status", "running")
    batches.run(MigrationBatch.objects.get().pk)  # the job, as a worker would run it
    # The page follows the batch by itself until it finishes.
    expect(page.get_by_test_id("batch-progress")).to_have_attribute("data-status", "finished", timeout=10_000)
    expect(page.locator('[data-item-status="moved"]')).to_have_count(2)
    shoot("02-finished")
    assert ProcessInstance.objects.filter(version__number=2).count() == 2
