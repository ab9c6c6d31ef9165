"""常用语: each person keeps their own saved phrases; nobody reads or changes another's."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from core.errors import InvalidInput, NotFound
from tests.personas import Cast
from tests.web.inbox_support import client_for
from workflows import phrases
from workflows.models import SavedPhrase

pytestmark = pytest.mark.django_db


def test_defaults_until_one_saves_ones_own(cast: Cast) -> None:
    assert phrases.offered(cast.office_a) == list(phrases.DEFAULT_PHRASES)
    phrases.add(cast.office_a, "  同意，  请区局审核。 ")
    assert phrases.offered(cast.office_a) == ["同意， 请区局审核。"]
    assert phrases.offered(cast.office_a2) == list(phrases.DEFAULT_PHRASES)


def test_blank_duplicate_and_overlong_phrases_are_refused(cast: Cast) -> None:
    phrases.add(cast.office_a, "同意。")
    for text, code in (("  ", "required"), ("同意。", "duplicate"), ("长" * 501, "max_length")):
        with pytest.raises(InvalidInput) as caught:
            phrases.add(cast.office_a, text)
        assert caught.value.fields[0].code == code
    assert SavedPhrase.objects.count() == 1


def test_at_most_fifty(cast: Cast) -> None:
    for n in range(phrases.MAX_PHRASES):
        phrases.add(cast.office_a, f"意见{n}")
    with pytest.raises(InvalidInput) as caught:
        phrases.add(cast.office_a, "再来一条")
    assert caught.value.fields[0].code == "too_many"


def test_another_persons_phrase_is_not_found(cast: Cast) -> None:
    mine = phrases.add(cast.office_a, "同意。")
    with pytest.raises(NotFound):
        phrases.edit(cast.office_a2, mine.pk, "改掉")
    with pytest.raises(NotFound):
        phrases.remove(cast.office_a2, mine.pk)
    mine.refresh_from_db()
    assert mine.text == "同意。"


def test_the_api_lists_adds_edits_and_deletes_ones_own(cast: Cast, api: Any) -> None:
    client = api(cast.office_a)
    created = client.post(reverse("phrase-list"), {"text": "同意。"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.get(reverse("phrase-list")).json() == [{"id": pk, "text": "同意。", "position": 1}]
    assert api(cast.office_a2).get(reverse("phrase-list")).json() == []
    assert api(cast.office_a2).delete(reverse("phrase-detail", args=[pk])).status_code == 404
    changed = client.patch(reverse("phrase-detail", args=[pk]), {"text": "同意办理。"}, format="json")
    assert changed.status_code == 200 and changed.json()["text"] == "同意办理。"
    assert client.post(reverse("phrase-list"), {"text": ""}, format="json").status_code == 400
    assert client.delete(reverse("phrase-detail", args=[pk])).status_code == 204
    assert not SavedPhrase.objects.exists()


def test_the_page_adds_edits_and_deletes(cast: Cast) -> None:
    client = client_for(cast.office_a, "zh-hans")
    assert client.get(reverse("phrases")).status_code == 200
    assert client.post(reverse("phrases"), {"text": "材料齐全，同意。"}).status_code == 302
    phrase = SavedPhrase.objects.get(user=cast.office_a)
    refused = client.post(reverse("phrases"), {"text": "材料齐全，同意。"})
    assert refused.status_code == 400 and "已有相同的常用语" in refused.content.decode()
    client.post(reverse("phrase-edit", args=[phrase.pk]), {"text": "同意。"})
    phrase.refresh_from_db()
    assert phrase.text == "同意。"
    assert client_for(cast.office_a2).post(reverse("phrase-delete", args=[phrase.pk])).status_code == 404
    client.post(reverse("phrase-delete", args=[phrase.pk]))
    assert not SavedPhrase.objects.exists()
