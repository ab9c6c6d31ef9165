"""The notifications page, the header badge, opening and marking read, and the e-mail settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Notification, Preference
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def client_for(user: Any, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["django_language"] = language
    return client


def notify(user: Any, event_id: int, title: str = "市场监管所审核", link: str = "/inbox/") -> Notification:
    return Notification.objects.create(
        recipient=user, kind=Notification.Kind.TASK_AVAILABLE, event_id=event_id, title=title, link=link
    )


def test_the_header_counts_unread_and_the_page_lists_them(cast: Cast) -> None:
    notify(cast.office_a, 1, "第一件")
    notify(cast.office_a, 2, "第二件")
    notify(cast.office_b, 3, "别人的")
    client = client_for(cast.office_a)
    page = client.get(reverse("notification-list")).content.decode()
    assert page.index("第二件") < page.index("第一件"), "newest first"
    assert "别人的" not in page
    assert 'data-testid="unread-notifications">消息通知 <span class="badge">2</span>' in page


def test_opening_one_marks_it_read_and_follows_its_link(cast: Cast) -> None:
    mine = notify(cast.office_a, 1, link="/inbox/")
    client = client_for(cast.office_a)
    response = client.post(reverse("notification-open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_link_off_the_site_is_not_followed(cast: Cast) -> None:
    odd = notify(cast.office_a, 1, link="https://evil.example/")
    response = client_for(cast.office_a).post(reverse("notification-open", args=[odd.pk]))
    assert response["Location"] == reverse("notification-list")


def test_someone_elses_notification_is_not_found_and_stays_unread(cast: Cast) -> None:
    theirs = notify(cast.office_b, 1)
    assert client_for(cast.office_a).post(reverse("notification-open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_mine(cast: Cast) -> None:
    notify(cast.office_a, 1)
    notify(cast.office_a, 2)
    theirs = notify(cast.office_b, 3)
    client_for(cast.office_a).post(reverse("notification-read-all"))
    assert not Notification.objects.filter(recipient=cast.office_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_email_settings_are_saved_and_an_account_without_address_is_told(cast: Cast) -> None:
    client = client_for(cast.office_a)
    page = client.get(reverse("notification-preferences")).content.decode()
    assert 'data-testid="no-email"' in page
    response = client.post(reverse("notification-preferences"), {"email_new_tasks": "on"})
    assert response.status_code == 302
    saved = Preference.objects.get(user=cast.office_a)
    assert saved.email_new_tasks and not saved.email_assignments and not saved.email_errors
