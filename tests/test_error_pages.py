"""Error pages: the site's layout and language for 400/403/404/500 and CSRF failures, JSON under
/api/, never Django's debug pages, and a 500 handler that cannot itself fail."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse

from config.urls import urlpatterns as site_urlpatterns
from core.http import error_views
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# This module doubles as a URLconf for the 500 tests: the site's URLs plus one view that fails.
urlpatterns = [path("boom/", boom), *site_urlpatterns]
handler500 = "core.http.error_views.server_error"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def error_page(response: Any, status: int) -> str:
    """The body, after checking it is our error page (in the site's layout) for `status`."""
    assert response.status_code == status
    html: str = response.content.decode()
    assert f'data-testid="error-page" data-status="{status}"' in html, html[:500]
    assert "css/app.css" in html and 'class="topbar"' in html  # base.html's layout
    # Never Django's debug pages, which list the URL configuration or the settings.
    assert "URLconf" not in html and "DEBUG = True" not in html and "Traceback" not in html
    return html


def test_404_is_the_sites_page_in_chinese_by_default() -> None:
    html = error_page(Client().get("/no-such-page/"), 404)
    assert "页面不存在" in html and '<html lang="zh-hans">' in html


def test_404_in_english_when_chosen() -> None:
    html = error_page(Client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/"), 404)
    assert "Page not found" in html and '<html lang="en">' in html


def test_403_page_keeps_the_signed_in_header(cast: Cast) -> None:
    html = error_page(signed_in(cast.enterprise_a).get(reverse("board")), 403)
    assert "无权访问" in html
    assert 'data-testid="current-user"' in html  # the header, from the context processors


def test_403_offers_sign_in_to_an_anonymous_visitor() -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    html = error_views.permission_denied(request, PermissionDenied("internal wording")).content.decode()
    assert reverse("login") + "?next=/somewhere/" in html
    assert "internal wording" not in html  # the exception's text is not for the visitor


def test_400_for_a_suspicious_request_is_the_sites_page() -> None:
    # A Host header not in ALLOWED_HOSTS raises DisallowedHost (a SuspiciousOperation) -> handler400.
    html = error_page(Client(HTTP_HOST="evil.example").get(reverse("login")), 400)
    assert "请求有误" in html


def test_csrf_failure_is_the_sites_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    html = error_page(response, 403)
    assert "表单已过期" in html


@pytest.mark.parametrize("user", [None, "operator_a"])
def test_unknown_api_path_answers_the_apis_json_error(user: str | None, cast: Cast) -> None:
    client = signed_in(getattr(cast, user)) if user else Client()
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "code": "not_found",
        "message": "未找到该对象。",
        "message_en": "Not found.",
        "fields": [],
    }


@override_settings(ROOT_URLCONF=__name__)
def test_500_is_the_sites_page() -> None:
    client = Client(raise_request_exception=False)
    html = error_page(client.get("/boom/"), 500)
    assert "服务器错误" in html
    assert "a bug" not in html


def test_500_under_api_is_json() -> None:
    answer = error_views.server_error(RequestFactory().get("/api/anything/"))
    assert answer.status_code == 500 and answer["Content-Type"] == "application/json"
    assert json.loads(answer.content)["code"] == "server_error"


def test_500_page_needs_no_database(django_assert_num_queries: Any) -> None:
    # The database may be what failed: rendering the page must not touch it.
    request = RequestFactory().get("/anything/")
    with django_assert_num_queries(0):
        response = error_views.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500 and "服务器错误" in html
    # No request, so no CSRF token: no language form that could only fail.
    assert 'action="/i18n/setlang/"' not in html


def test_500_handler_survives_a_broken_template(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("template engine broken")

    monkeypatch.setattr(error_views.loader, "render_to_string", broken)
    response = error_views.server_error(RequestFactory().get("/anything/"))
    assert response.status_code == 500
    assert response.content.decode() == error_views.FALLBACK_500
