"""The shipped service process in English (issue 18): the inbox, the task page (title, form title,
field titles, choice labels), the timeline, the case page and the board name the process, its
steps and its forms in English on an English page, and stay Chinese on a Chinese one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from casemgmt.models import ServiceProject
from tests.personas import Cast
from tests.web.inbox_support import client_for

from .support import open_task, submit, work

pytestmark = pytest.mark.django_db

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


def text(user: Any, language: str, url: str) -> str:
    response = client_for(user, language).get(url)
    assert response.status_code == 200, response.content[:300]
    return str(response.content.decode())


def test_the_service_process_reads_in_english_on_an_english_page(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = submit(projects[0], cast.operator_a)
    inbox_en = text(cast.operator_a, "en", reverse("inbox"))
    assert "Accept the request" in inbox_en and "Enterprise service case" in inbox_en
    inbox_zh = text(cast.operator_a, "zh-hans", reverse("inbox"))
    assert "需求受理" in inbox_zh and "企业服务办件" in inbox_zh
    assert "Accept the request" not in inbox_zh and "Enterprise service case" not in inbox_zh

    work(case, "review", cast.operator_a, {})
    task = open_task(case, "match")
    url = reverse("task-detail-page", args=[task.pk])
    page_en = text(cast.operator_a, "en", url)
    for shown in (
        '<h1 data-testid="task-title">Service matching',
        '<span data-testid="form-title">Service matching</span>',
        "How matched",  # a field's title
        "A technical institution",  # a choice's label
        "Required for a technical institution: search by name",  # a field's help
        "Matching notes",
    ):
        assert shown in page_en, shown
    # The timeline names the step completed before, in English too.
    timeline = page_en[page_en.index('data-testid="timeline"') :]
    assert "Accept the request" in timeline and "需求受理" not in timeline
    # What the page says, not the diagram's XML it hands to the viewer (which holds both names).
    page_zh = text(cast.operator_a, "zh-hans", url).split('id="task-diagram-data"')[0]
    assert '<h1 data-testid="task-title">服务对接' in page_zh and "对接技术机构" in page_zh
    assert "A technical institution" not in page_zh and "How matched" not in page_zh

    case_en = text(cast.operator_a, "en", reverse("cases-detail", args=[case.pk]))
    assert 'data-spec="match">Service matching</a>' in case_en
    case_zh = text(cast.operator_a, "zh-hans", reverse("cases-detail", args=[case.pk]))
    assert 'data-spec="match">服务对接</a>' in case_zh
    board_en = text(cast.office_a, "en", reverse("board"))
    assert "Service matching" in board_en


def test_every_shipped_form_names_its_fields_and_choices_in_english() -> None:
    """What the task page would show in English is there for every form the set-up deploys."""

    def missing(node: Any, where: str) -> list[str]:
        found = []
        if isinstance(node, dict):
            for key, english in (("title", "x-title-en"), ("description", "x-description-en")):
                if key in node and not node.get(english):
                    found.append(f"{where}/{key}")
            for key, value in node.items():
                if key not in ("allOf", "if", "then", "else"):  # rules, never shown
                    found += missing(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                found += missing(value, f"{where}/{index}")
        return found

    for path in sorted(BPMN.glob("*.json")):
        schema = json.loads(path.read_text("utf-8"))
        assert missing(schema, path.name) == []
        assert not any("enum" in prop for prop in schema["properties"].values()), path.name
