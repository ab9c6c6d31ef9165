"""The privacy notice (个人信息处理告知) and the check every intake's consent must pass.

The notice's words are in one template (casemgmt/consent/_notice_text.html, English msgids with
their Chinese in the catalogue); what varies by deployment is here: its version, the processing
authority's contact and the retention period, all settings. A consent is a notice version: the
intake must carry the version it showed, and a version other than the current one is refused, so
a changed notice is always shown and accepted again before anything is stored.

The check appends a field error named `consent` (as the API's body field is) in the words of the
channel: the public form asks to tick the box, the window form asks the operator to confirm that
the enterprise was informed, the API names the field and the version expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from core.errors import FieldError

from ..models import ConsentChannel
from ..models.service_case import Channel

FIELD = "consent"
MAX_VERSION = 32
# Shown until the deployment sets NQI_PRIVACY_CONTACT(_EN) to the bureau's published address and
# telephone: saying so, rather than inventing a number.
PLACEHOLDER_CONTACT = (
    "上海市松江区市场监督管理局（地址、电话以本局公布为准；部署时由 NQI_PRIVACY_CONTACT 设置）"
)
PLACEHOLDER_CONTACT_EN = (
    "Songjiang District Administration for Market Regulation, Shanghai (address and telephone as "
    "published by the bureau; set NQI_PRIVACY_CONTACT_EN when deploying)"
)


@dataclass(frozen=True)
class Notice:
    version: str
    contact: str  # in the reader's language
    retention_years: int
    url: str  # the full notice, public
    address: str  # the same, absolute: printed on receipts, where a link cannot be followed


def current_version() -> str:
    return str(settings.NQI_PRIVACY_NOTICE_VERSION)


def current(language: str | None = None) -> Notice:
    """The notice in force, its contact in `language` (the request's by default)."""
    english = (language or get_language() or "").startswith("en")
    url = reverse("privacy-notice")
    return Notice(
        version=current_version(),
        contact=(
            str(settings.NQI_PRIVACY_CONTACT_EN or PLACEHOLDER_CONTACT_EN)
            if english
            else str(settings.NQI_PRIVACY_CONTACT or PLACEHOLDER_CONTACT)
        ),
        retention_years=int(settings.NQI_RETENTION_CASE_YEARS),
        url=url,
        address=f"{str(settings.NQI_PUBLIC_URL).rstrip('/')}{url}",
    )


def _missing(channel: str, version: str) -> FieldError:
    if channel == Channel.WINDOW:
        return FieldError(
            FIELD,
            "required",
            "请确认已向企业告知个人信息处理规则并取得其同意。",
            "Confirm that the enterprise was informed of the privacy notice and gave its consent.",
        )
    if channel == Channel.API:
        return FieldError(
            FIELD,
            "required",
            f"缺少 consent：请提交企业已同意的《个人信息处理告知》版本，"
            f'即 "consent": {{"notice_version": "{version}"}}（告知全文见 /privacy/）。',
            f"consent is missing: send the version of the privacy notice the enterprise accepted, "
            f'"consent": {{"notice_version": "{version}"}} (the notice in full: /privacy/).',
        )
    return FieldError(
        FIELD,
        "required",
        "请阅读并勾选同意《个人信息处理告知》。",
        "Read the privacy notice and tick the box to accept it.",
    )


def _outdated(channel: str, given: str, version: str) -> FieldError:
    if channel == Channel.API:
        return FieldError(
            FIELD,
            "outdated",
            f"consent.notice_version“{given[:MAX_VERSION]}”不是现行的《个人信息处理告知》版本（{version}），"
            f"请向企业告知现行版本并取得同意后提交该版本号。",
            f"consent.notice_version {given[:MAX_VERSION]!r} is not the current privacy notice "
            f"({version}): show the enterprise the current notice and send its version.",
            extra={"current_version": version},
        )
    return FieldError(
        FIELD,
        "outdated",
        f"《个人信息处理告知》已更新为 {version} 版，请阅读新版本后重新确认同意。",
        f"The privacy notice has changed (now version {version}): read the new version and accept it again.",
        extra={"current_version": version},
    )


def check(given: Any, channel: str, errors: list[FieldError]) -> str:
    """The notice version the intake accepted, or "" with a field error appended: nothing given
    (None or blank), something that is not a version, or another version than the current one."""
    version = current_version()
    text = given.strip() if isinstance(given, str) else ""
    if not text:
        errors.append(_missing(channel, version))
        return ""
    if text != version:
        errors.append(_outdated(channel, text, version))
        return ""
    return text


def consent_channel(channel: str, signed_in: bool) -> str:
    """How the consent reached us: the online form is one channel of the case, two of consent
    (whether the enterprise's own user was signed in says who stands behind it)."""
    if channel == Channel.ONLINE:
        return ConsentChannel.ONLINE if signed_in else ConsentChannel.PUBLIC
    return ConsentChannel.WINDOW if channel == Channel.WINDOW else ConsentChannel.API
