"""Revealing one personal value of one record, with a reason, recorded as an access.

The order of the checks is the page's: a record the user may not see is "not found" whatever
else is wrong (nothing about it leaks), then the pair must be revealable and the user staff, then
the reason must be given. Only a reveal that returns the value records an access, exactly one,
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from audit.access import record_access
from core.disclosure import checked_reason
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.service import write_transaction

from . import fields

REVEAL = "reveal"


@dataclass(frozen=True)
class Revealed:
    subject: str
    subject_id: int
    field: str
    value: str  # the full value as the page shows it
    back: str  # the page it belongs to

    @property
    def dom_id(self) -> str:
        return f"personal-{self.subject}-{self.subject_id}-{self.field}"


def _not_found(subject: str, pk: Any) -> NotFound:
    return NotFound(f"No such record: {subject} {pk}.", f"记录不存在：{subject} {pk}。")


def reveal(
    user: Any, subject: str, subject_id: Any, field: str, reason: Any, *, request: HttpRequest | None = None
) -> Revealed:
    """The full value of `field` of the `subject` record `subject_id`, for `user`, who gave `reason`."""
    pk = record_id(subject_id)
    record = fields.find(subject, pk) if subject in fields.SUBJECTS and pk is not None else None
    if record is None or not fields.may_see(user, subject, record):
        raise _not_found(subject, subject_id)
    entry = fields.REVEALABLE.get((subject, field))
    if entry is None:
        raise InvalidInput.on_field(
            "field", "not_revealable", "该信息不能单独查看。", "This value cannot be revealed."
        )
    if not fields.may_reveal(user, subject, record):
        raise PermissionDenied(
            "Only staff may reveal personal information.", "只有工作人员可以查看完整个人信息。"
        )
    given = checked_reason(reason)
    with write_transaction():
        record_access(user, REVEAL, subject, record.pk, reason=given, detail=field, request=request)
    return Revealed(subject, record.pk, field, entry.full(record), fields.page_url(user, subject, record))


def record_id(raw: Any) -> int | None:
    """A record id as posted, or None when it is not a plain number of sensible size."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)
