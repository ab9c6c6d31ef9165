"""The signed-in menu: grouped by job, each entry shown only where its page would let the user in
(so the menu offers no dead ends), and the section the user is in marked as current."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casemgmt.rights.holdings import is_enterprise_user

Shown = Callable[[Any, bool], bool]  # (user, has any role) → whether the entry is offered


def _perm(name: str) -> Shown:
    return lambda user, _has_role: bool(user.has_perm(name))


def _has_role(_user: Any, has_role: bool) -> bool:
    return has_role


def _everyone(_user: Any, _has_role: bool) -> bool:
    return True


def _enterprise_user(user: Any, _has_role: bool) -> bool:
    return is_enterprise_user(user)


# (group label, [(URL name, label, test id, shown)]): the order of the menu.
MENU: list[tuple[Any, list[tuple[str, Any, str, Shown]]]] = [
    (
        _("Work"),
        [
            ("home", _("Home"), "nav-home", _everyone),
            ("inbox", _("Inbox"), "nav-inbox", _has_role),
            ("board", _("Board"), "nav-board", _perm("casemgmt.view_board")),
            ("cases-list", _("Service cases"), "nav-cases", _has_role),
        ],
    ),
    (
        _("Records"),
        [
            ("archive-home", _("Enterprise archive"), "nav-archive", _has_role),
            ("registry-projects", _("Service projects"), "nav-projects", _perm("casemgmt.registry_view")),
            (
                "registry-enterprises",
                _("Enterprises"),
                "nav-enterprises",
                _perm("casemgmt.registry_view_enterprise_list"),
            ),
            (
                "registry-institutions",
                _("Technical institutions"),
                "nav-institutions",
                _perm("casemgmt.registry_search_institutions"),
            ),
            # PIPL: the enterprise's own personal data and its correction requests.
            ("rights-personal-data", _("My personal data"), "nav-personal-data", _enterprise_user),
        ],
    ),
    (
        _("Assessment"),
        [
            ("scorecard-list", _("Scorecards"), "nav-scorecards", _perm("scorecard.view_evaluation_list")),
            (
                "scorecard-typical-cases",
                _("Typical cases"),
                "nav-typical-cases",
                _perm("scorecard.view_typical_case_list"),
            ),
            ("promotion-report", _("Promotion"), "nav-promotion", _perm("promotion.view_report")),
        ],
    ),
    (
        _("Administration"),
        [
            ("studio-models", _("Process studio"), "nav-studio", _perm("workflows.deploy_model")),
            ("instance-admin", _("Instances"), "nav-instances", _perm("workflows.manage_instance")),
            ("audit-review", _("Audit"), "nav-audit", _perm("audit.view_events")),
            # The API's documentation is for those who build on it: the process admins.
            ("api-docs", _("API"), "nav-api", _perm("workflows.deploy_model")),
        ],
    ),
]


@dataclass(frozen=True)
class NavLink:
    label: Any
    url: str
    testid: str
    current: bool


@dataclass(frozen=True)
class NavGroup:
    label: Any
    links: list[NavLink]


def menu(user: Any, has_role: bool, path: str) -> list[NavGroup]:
    """The groups with something to offer; the entry whose URL is the longest prefix of `path` is
    current (the home page only on itself)."""
    offered = [
        (
            label,
            [(reverse(name), text, testid) for name, text, testid, shown in entries if shown(user, has_role)],
        )
        for label, entries in MENU
    ]
    urls = [url for _label, links in offered for url, _text, _testid in links]
    matching = [url for url in urls if (path == url if url == "/" else path.startswith(url))]
    current = max(matching, key=len, default=None)
    return [
        NavGroup(label, [NavLink(text, url, testid, url == current) for url, text, testid in links])
        for label, links in offered
        if links
    ]
