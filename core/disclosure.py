"""What a full personal value needs before it leaves masking: a reason, and on a file a watermark.

A reveal on a page (casemgmt/reveal) and a full-value export (the 服务情况统计表, the audit
export) both ask the person for a reason (required, at most REASON_MAX characters) and record it
with the access (audit.access.record_access). A full export also carries a watermark naming who
exported it and when, so a copy found later tells where it came from: in an XLSX the header and
footer of every sheet (printed on every page) and the document's properties; on a printable page
a line at its top and bottom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from .errors import InvalidInput

REASON_MAX = 200
SHANGHAI = ZoneInfo("Asia/Shanghai")
FULL_VALUES_ZH = "含完整个人信息"


def checked_reason(raw: Any) -> str:
    """The reason as given, stripped; refused when it is missing or too long."""
    reason = raw.strip() if isinstance(raw, str) else ""
    if not reason:
        raise InvalidInput.on_field(
            "reason",
            "required",
            "查看或导出完整个人信息须填写原因。",
            "Give a reason to see or export the full personal information.",
        )
    if len(reason) > REASON_MAX:
        raise InvalidInput.on_field(
            "reason",
            "max_length",
            f"原因不能超过 {REASON_MAX} 个字。",
            f"The reason may be at most {REASON_MAX} characters long.",
        )
    return reason


@dataclass(frozen=True)
class Disclosure:
    """How an export shows personal values: masked (the default), or in full for a reason and
    with a watermark."""

    full: bool = False
    reason: str = ""
    mark: str = ""  # the watermark text; "" when masked

    @property
    def label(self) -> str:
        """For the access record's detail: which of the two it was."""
        return "full" if self.full else "masked"


MASKED = Disclosure()


def full_disclosure(user: Any, raw_reason: Any) -> Disclosure:
    """A full-value export for `user`: the reason checked (InvalidInput when missing or too
    long, before anything is built), the watermark stamped now."""
    reason = checked_reason(raw_reason)
    return Disclosure(full=True, reason=reason, mark=watermark(user))


def who(user: Any) -> str:
    """How the watermark names the person: their full name and user name, or the user name."""
    username = user.get_username() if user is not None else ""
    full = user.get_full_name().strip() if user is not None and hasattr(user, "get_full_name") else ""
    return f"{full}（{username}）" if full and full != username else username


def watermark(user: Any, moment: datetime | None = None) -> str:
    """ "导出人 张三（zhangsan） · 2026-05-01 14:03 · 含完整个人信息": who, when (Shanghai time)."""
    at = timezone.localtime(moment or timezone.now(), SHANGHAI)
    return f"导出人 {who(user)} · {at:%Y-%m-%d %H:%M} · {FULL_VALUES_ZH}"


def mark_workbook(workbook: Any, text: str) -> None:
    """Put the watermark on an openpyxl workbook: the document's properties (title, subject,
    description, creator) and the header and footer of every sheet, so every printed page and
    the file's own details carry it. Works on write-only workbooks too (before saving)."""
    properties = workbook.properties
    properties.creator = text[:255]
    properties.subject = text[:255]
    properties.description = text
    properties.keywords = FULL_VALUES_ZH
    for sheet in workbook.worksheets:
        for side in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
            side.center.text = _header_text(text)
        for side in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
            side.center.text = _header_text(text)


def _header_text(text: str) -> str:
    # Header codes start with "&": a literal ampersand is written twice.
    return text.replace("&", "&&")[:250]
