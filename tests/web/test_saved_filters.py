"""Saved inbox filters: personal or shared with a candidate group; only known keys; only the owner
deletes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from casemgmt.models import SavedFilter
from casemgmt.models.saved_filter import normalize_query
from tests.personas import Cast

pytestmark = pytest.mark.django_db

SHARED_A = "office_staff@office-fangsong"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def save(client: Client, name: str, query: str, group: str = "") -> Any:
    return client.post(
        reverse("inbox-filter-save"), {"name": name, "query": query, "shared_with_group": group}
    )


def panel_names(client: Client) -> list[str]:
    html = client.get(reverse("inbox")).content.decode()
    return re.findall(r'<li data-testid="saved-filter">\s*<a href="[^"]*">([^<]+)</a>', html)


def test_normalize_query_keeps_known_keys_in_a_stable_order() -> None:
    assert normalize_query("?q=计量&tab=overdue&page=3&office=&sort=due") == (
        "tab=overdue&q=%E8%AE%A1%E9%87%8F&sort=due"
    )
    assert normalize_query("") == ""
    with pytest.raises(ValidationError, match="evil"):
        normalize_query("tab=mine&evil=1")
    with pytest.raises(ValidationError):
        normalize_query("q=" + "x" * 1000)
    with pytest.raises(ValidationError):
        normalize_query("q=a%00b")


def test_personal_filter_is_seen_by_its_owner_only(cast: Cast) -> None:
    owner = client_for(cast.office_a)
    response = save(owner, "我的逾期", "tab=overdue&q=SQ&page=4")
    saved = SavedFilter.objects.get()
    assert saved.query == "tab=overdue&q=SQ" and saved.shared_with_group == ""
    assert response.status_code == 302 and response["Location"] == reverse("inbox") + "?tab=overdue&q=SQ"
    assert panel_names(owner) == ["我的逾期"]
    assert panel_names(client_for(cast.office_a2)) == []
    assert panel_names(client_for(cast.office_b)) == []


def test_shared_filter_is_seen_by_the_group(cast: Cast) -> None:
    save(client_for(cast.office_a), "本所待办", "tab=claimable", SHARED_A)
    assert SavedFilter.objects.get().shared_with_group == SHARED_A
    colleague = client_for(cast.office_a2)
    assert panel_names(colleague) == ["本所待办"]
    html = colleague.get(reverse("inbox")).content.decode()
    assert 'action="/inbox/filters/' not in html.split("本所待办", 1)[1].split("</li>", 1)[0], (
        "no delete button for someone else's filter"
    )
    for outsider in ("office_b", "operator_a", "reviewer", "auditor", "stranger"):
        assert panel_names(client_for(getattr(cast, outsider))) == [], outsider


def test_applying_a_saved_filter(cast: Cast) -> None:
    client = client_for(cast.office_a)
    save(client, "搜索", "tab=mine&q=SQ-77")
    html = client.get(reverse("inbox")).content.decode()
    link = re.search(r'<li data-testid="saved-filter">\s*<a href="([^"]+)"', html)
    assert link and link.group(1).replace("&amp;", "&") == "/inbox/?tab=mine&q=SQ-77"
    applied = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert 'value="SQ-77"' in applied and 'data-testid="tab-mine" aria-current="page"' in applied
    # The form saves the page's known filter keys only, whatever else the address carries.
    crafted = client.get(reverse("inbox"), {"tab": "mine", "evil": "1", "page": "2"}).content.decode()
    assert '<input type="hidden" name="query" value="tab=mine">' in crafted


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"name": "x", "query": "tab=mine&evil=1"}, "Unknown filter keys: evil"),
        ({"name": "x", "query": "tab=mine", "shared_with_group": "office_staff@office-yueyang"}, "valid"),
        ({"name": "x", "query": "tab=mine", "shared_with_group": "process_admin@district"}, "valid"),
        ({"name": "  ", "query": "tab=mine"}, "required"),
        ({"name": "n" * 101, "query": "tab=mine"}, "at most 100"),
    ],
)
def test_invalid_filters_are_refused(cast: Cast, data: dict[str, str], problem: str) -> None:
    client = client_for(cast.office_a)
    response = client.post(reverse("inbox-filter-save"), data)
    assert response.status_code == 302
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(notes) == 1 and "not saved" in notes[0] and problem in notes[0], notes
    assert not SavedFilter.objects.exists()


def test_saving_under_the_same_name_replaces(cast: Cast) -> None:
    client = client_for(cast.office_a)
    save(client, "常用", "tab=mine")
    save(client, "常用", "tab=overdue", SHARED_A)
    saved = SavedFilter.objects.get()
    assert (saved.query, saved.shared_with_group) == ("tab=overdue", SHARED_A)
    # Another user's filter of the same name is a different filter.
    save(client_for(cast.office_a2), "常用", "tab=mine")
    assert SavedFilter.objects.count() == 2


def test_only_the_owner_deletes(cast: Cast) -> None:
    save(client_for(cast.office_a), "本所待办", "tab=claimable", SHARED_A)
    saved = SavedFilter.objects.get()
    url = reverse("inbox-filter-delete", kwargs={"pk": saved.pk})
    assert client_for(cast.office_a2).post(url).status_code == 403  # sees it, may not delete it
    assert client_for(cast.office_b).post(url).status_code == 404  # does not even see it
    assert client_for(cast.office_a).get(url).status_code == 405
    assert Client().post(url).status_code == 302  # to the login page
    assert SavedFilter.objects.exists()
    deleted = client_for(cast.office_a).post(url)
    assert deleted.status_code == 302 and not SavedFilter.objects.exists()
    assert client_for(cast.office_a).post(url).status_code == 404
