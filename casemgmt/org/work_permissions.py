"""Work permissions come from the rules alone: superuser status grants none of them.

Django's `User.has_perm` answers True for any active superuser before it asks a single backend,
so a Django-admin account could claim and complete an operator's task, score a self-assessment or
decide a promotion: nothing in casemgmt/rules*.py was ever consulted. Every permission the
project defines is a django-rules rule (casemgmt/rules.py and the rules modules of the scorecard
and promotion apps), and every service, view and serializer asks `user.has_perm(name, obj)`.

The check is therefore changed in the one place all of them pass through: for a name registered
with django-rules, `has_perm` evaluates that rule and nothing else (not the superuser
short-circuit, not ModelBackend's model permissions); for every other name (Django's own model
permissions, which the admin site asks for) Django's behaviour is unchanged. Fixing the call
sites instead would mean ~80 of them across every app, each one a chance to miss one, and a new
page calling `user.has_perm` would silently reopen the hole; here a new rule is covered the
moment it is registered. The rules themselves never look at `is_superuser` either
(tests/test_superuser_has_no_work_permissions.py walks every registered rule).

An inactive account has no work permission at all (ModelBackend refuses them too).

Five older rule names are also Django model permissions ("scorecard.view_evaluation",
"casemgmt.view_outcome", ...). The admin site asks for those without an object; that question
(may this account use the admin page of the model?) stays Django's. Every work check of the
project passes the object, and there the rule alone decides.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import rules
from django.apps import apps
from django.contrib.auth.models import PermissionsMixin

_INSTALLED_MARK = "_nqi_rules_only"


@lru_cache(maxsize=256)
def is_model_permission(perm: str) -> bool:
    """True for "<app>.<add|change|delete|view>_<model>" of an installed model (the admin's names)."""
    app_label, _, codename = perm.partition(".")
    action, _, model_name = codename.partition("_")
    if action not in ("add", "change", "delete", "view") or not model_name:
        return False
    try:
        apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return False
    return True


def rule_governs(perm: str, obj: Any = None) -> bool:
    """True when the rule named `perm` alone decides (see the module docstring)."""
    if not rules.perm_exists(perm):
        return False
    return obj is not None or not is_model_permission(perm)


def check(user: Any, perm: str, obj: Any = None) -> bool:
    """The rule's answer for an active user; False for an inactive one."""
    return bool(getattr(user, "is_active", False)) and bool(rules.has_perm(perm, user, obj))


def install() -> None:
    """Route `has_perm` for rule-defined permissions to the rule (idempotent)."""
    if getattr(PermissionsMixin.has_perm, _INSTALLED_MARK, False):
        return
    django_has_perm = PermissionsMixin.has_perm
    django_ahas_perm = PermissionsMixin.ahas_perm

    def has_perm(self: Any, perm: str, obj: Any = None) -> bool:
        if rule_governs(perm, obj):
            return check(self, perm, obj)
        return bool(django_has_perm(self, perm, obj))

    async def ahas_perm(self: Any, perm: str, obj: Any = None) -> bool:
        if rule_governs(perm, obj):
            from asgiref.sync import sync_to_async

            return bool(await sync_to_async(check)(self, perm, obj))
        return bool(await django_ahas_perm(self, perm, obj))

    setattr(has_perm, _INSTALLED_MARK, True)
    setattr(ahas_perm, _INSTALLED_MARK, True)
    PermissionsMixin.has_perm = has_perm  # type: ignore[method-assign]
    PermissionsMixin.ahas_perm = ahas_perm  # type: ignore[method-assign]
