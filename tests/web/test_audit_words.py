"""The audit pages speak in words: an event's target by its kind ("任务 16", the code in the
tooltip), and a verified chain by the translated status only (the engine's message when broken)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.targets import target_label
from tests.approvals.support import deploy_approval
from tests.personas import OPERATOR_A, Cast
from tests.web.inbox_support import client_for
from workflows import instances

pytestmark = pytest.mark.django_db


def test_targets_are_named_by_their_kind() -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        assert target_label("task", "16") == "任务 16"
        assert target_label("instance", "3") == "流程实例 3"
    assert target_label("something_new", "9") == "something_new:9"


def test_the_review_shows_words_and_keeps_the_code_in_the_tooltip(cast: Cast) -> None:
    deploy_approval()
    case = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    html = client_for(cast.auditor, "zh-hans").get(reverse("audit-review")).content.decode()
    assert f'title="instance:{case.pk}">流程实例 {case.pk}<' in html


def test_a_verified_chain_shows_no_engine_message(cast: Cast) -> None:
    html = client_for(cast.auditor, "zh-hans").post(reverse("audit-verify"), follow=True).content.decode()
    assert 'data-ok="true"' in html and "events verified" not in html
