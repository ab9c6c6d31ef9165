"""The pages' one error helper (core/http/page_errors.py): a service refusal in the page's language,
and a 403/404 refusal handed to Django's handlers, as every page module now uses it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.errors import Conflict, FieldError, InvalidInput, NotFound, ServiceError
from core.errors import PermissionDenied as ServicePermissionDenied
from core.http.page_errors import (
    field_message,
    in_english,
    page_errors,
    page_message,
    raise_for_refusal,
    raise_for_status,
)
from tests.personas import Cast


def _refusal() -> InvalidInput:
    return InvalidInput(
        "The request has errors.",
        "申请信息有误。",
        fields=[
            FieldError("name", "required", "请填写名称。", "Enter a name."),
            FieldError("phone", "invalid", "电话格式不正确。", "The phone number is not valid."),
            FieldError("name", "too_long", "名称过长。", "The name is too long."),
        ],
    )


def test_page_errors_are_chinese_unless_the_page_is_english() -> None:
    with translation.override("zh-hans"):
        chinese = page_errors(_refusal())
    assert chinese.message == "申请信息有误。"
    assert chinese.fields == {"name": ["请填写名称。", "名称过长。"], "phone": ["电话格式不正确。"]}
    with translation.override("en"):
        english = page_errors(_refusal())
    assert english.message == "The request has errors."
    assert english.fields["name"] == ["Enter a name.", "The name is too long."]


def test_an_explicit_language_wins_over_the_active_one_and_empty_means_chinese() -> None:
    with translation.override("zh-hans"):
        assert page_errors(_refusal(), "en").message == "The request has errors."
        assert page_message(_refusal(), "en-us") == "The request has errors."
    with translation.override("en"):
        assert page_errors(_refusal(), "").message == "申请信息有误。"
        assert field_message(_refusal().fields[0], "zh-hans") == "请填写名称。"
        assert in_english() and not in_english("")


def test_first_keeps_one_message_per_field_and_details_keep_the_service_order() -> None:
    with translation.override("en"):
        errors = page_errors(_refusal())
    assert errors.first() == {"name": "Enter a name.", "phone": "The phone number is not valid."}
    assert errors.details == ["Enter a name.", "The phone number is not valid.", "The name is too long."]


def test_a_refusal_without_fields_has_only_its_message() -> None:
    errors = page_errors(Conflict("Taken.", "已被占用。"), "zh-hans")
    assert (errors.message, errors.fields, errors.details, errors.first()) == ("已被占用。", {}, [], {})


def test_permission_and_not_found_refusals_become_the_site_error_pages() -> None:
    with pytest.raises(PermissionDenied):
        raise_for_refusal(ServicePermissionDenied("No.", "无权。"))
    with pytest.raises(Http404):
        raise_for_refusal(NotFound("Gone.", "不存在。"))
    # A plain ServiceError answered with a 403/404 status counts the same as the subclasses.
    with pytest.raises(PermissionDenied):
        raise_for_refusal(ServiceError("No.", "无权。", status=403))


def test_other_refusals_are_left_to_the_page() -> None:
    # Returning (no exception) is the whole contract: the page then shows the refusal itself.
    raise_for_refusal(_refusal())
    raise_for_refusal(Conflict("Taken.", "已被占用。"))
    # A page that explains "not found" itself narrows the statuses it hands over.
    raise_for_refusal(NotFound("Gone.", "不存在。"), statuses=(403,))
    raise_for_status(400, "bad")
    with pytest.raises(Http404):
        raise_for_status(404, "gone")


@pytest.mark.django_db
def test_promotion_application_refusal_is_all_english_on_an_english_page(cast: Cast) -> None:
    """The application form used to put the Chinese field messages on the English page."""
    from casemgmt.promotion.services import start_assessment
    from tests.promotion.support import open_task, project_in, score_stage, setup_promotion

    setup_promotion()
    project = project_in()
    instance = start_assessment(
        project.pk,
        actor=cast.office_a,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    score_stage(instance, "self", "80.0", cast.operator_a)
    score_stage(instance, "office", "75.0", cast.office_a)
    task = open_task(instance, "apply")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("promotion-apply", args=[task.pk]), {"proposed_name": "x" * 201, "statement": ""}
    )
    assert response.status_code == 400
    error = response.content.decode().split('class="field-error" role="alert">', 1)[1].split("</p>", 1)[0]
    assert error and not any("\u4e00" <= char <= "\u9fff" for char in error), error
