"""常用语 (saved phrases): the opinions a person gives often, kept per person and offered on the
task page. Only their owner reads or changes them, so there is no permission rule beyond that:
every function takes the user and touches only that user's rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from core.errors import InvalidInput, NotFound
from core.service import write_transaction

from .models import SavedPhrase

MAX_PHRASES = 50
MAX_LENGTH = SavedPhrase._meta.get_field("text").max_length or 500

# Offered until a person saves phrases of their own.
DEFAULT_PHRASES = ("同意。", "情况属实，同意办理。", "材料不全，请补充后重新提交。", "不同意，理由如下：")


def phrases_of(user: Any) -> list[SavedPhrase]:
    return list(SavedPhrase.objects.filter(user=user))


def offered(user: Any) -> list[str]:
    """What the task page offers: the person's phrases, else the defaults."""
    own = [p.text for p in phrases_of(user)]
    return own or list(DEFAULT_PHRASES)


def _invalid(code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput.on_field("text", code, zh, en)


def _cleaned(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise _invalid("required", "请填写常用语", "the phrase is empty")
    if len(text) > MAX_LENGTH:
        raise _invalid("max_length", f"常用语不能超过 {MAX_LENGTH} 字", f"at most {MAX_LENGTH} characters")
    return text


def _duplicate() -> InvalidInput:
    return _invalid("duplicate", "已有相同的常用语", "you already have this phrase")


def add(user: Any, text: str) -> SavedPhrase:
    text = _cleaned(text)
    with write_transaction():
        # Locked, so that two tabs adding at once cannot pass the limit together.
        mine = list(SavedPhrase.objects.select_for_update().filter(user=user))
        if any(p.text == text for p in mine):
            raise _duplicate()
        if len(mine) >= MAX_PHRASES:
            raise _invalid("too_many", f"常用语最多 {MAX_PHRASES} 条", f"at most {MAX_PHRASES} phrases")
        last = SavedPhrase.objects.filter(user=user).aggregate(last=Max("position"))["last"]
        return SavedPhrase.objects.create(user=user, text=text, position=(last or 0) + 1)


def edit(user: Any, phrase_id: int, text: str) -> SavedPhrase:
    text = _cleaned(text)
    with write_transaction():
        phrase = SavedPhrase.objects.select_for_update().filter(user=user, pk=phrase_id).first()
        if phrase is None:
            raise NotFound(f"Phrase {phrase_id} does not exist.", f"常用语 {phrase_id} 不存在。")
        if SavedPhrase.objects.filter(user=user, text=text).exclude(pk=phrase_id).exists():
            raise _duplicate()
        phrase.text = text
        phrase.save(update_fields=["text"])
        return phrase


def remove(user: Any, phrase_id: int) -> None:
    with write_transaction():
        deleted, _rows = SavedPhrase.objects.filter(user=user, pk=phrase_id).delete()
        if not deleted:
            raise NotFound(f"Phrase {phrase_id} does not exist.", f"常用语 {phrase_id} 不存在。")
