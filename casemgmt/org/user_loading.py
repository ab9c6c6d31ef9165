"""A request's user, loaded with its memberships and visible area in the one query authentication
runs anyway.

Every request asks who the user is (session: casemgmt.org.auth_backend; API token:
core.http.api_tokens through core.user_loading) and then, almost always, which memberships it
holds and which org units it may see (casemgmt.org.directory). Asking both in one statement saves
a round trip on every request, and the recursive area query on every request that checks a scope.
What is loaded primes the request cache on the new user object (directory.prime), so it lives
exactly as long as the request: a revoked membership or a moved org unit counts on the next one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, F, Func, OuterRef, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from casemgmt.models import Membership
from casemgmt.org import directory

# Annotation names: prefixed so they cannot shadow a user field; removed once the cache is primed.
_MEMBERSHIPS = "_nqi_loaded_memberships"
_AREA = "_nqi_loaded_area"


class _MembershipRow(Func):
    """ARRAY[role, org unit code, org unit kind]: one membership as directory.memberships keeps it."""

    template = "ARRAY[%(expressions)s]"
    output_field = ArrayField(CharField())


class _VisibleArea(Func):
    """The codes at or below the outer user's org units, NULL for a district-wide user
    (directory.visible_area_sql), correlated with the user row being loaded."""

    output_field = ArrayField(CharField())

    def __init__(self) -> None:
        super().__init__(F("pk"))

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, Any]:
        user_id, params = compiler.compile(self.get_source_expressions()[0])
        return directory.visible_area_sql(user_id, params)


def _memberships_of_outer_user() -> ArraySubquery:
    rows = (
        Membership.objects.filter(user_id=OuterRef("pk"))
        # directory.describe() reports the first membership: keep a stable order (creation order).
        .order_by("pk")
        .values_list(_MembershipRow(F("role"), F("org_unit__code"), F("org_unit__kind")))
    )
    return ArraySubquery(rows)


def with_memberships(users: QuerySet[Any]) -> QuerySet[Any]:
    """`users` with each user's memberships and visible area as two array columns."""
    return users.annotate(**{_MEMBERSHIPS: _memberships_of_outer_user(), _AREA: _VisibleArea()})


def load(users: QuerySet[Any]) -> User | None:
    """The first user of `users` (the caller's lookup matches one at most), its memberships and
    area primed for this request; None if there is none. One statement."""
    user: User | None = next(iter(with_memberships(users)[:1]), None)
    if user is not None:
        found = user.__dict__.pop(_MEMBERSHIPS)
        area = user.__dict__.pop(_AREA)
        directory.prime(user, found, area)
    return user


def load_user(**lookup: Any) -> User | None:
    """The user matching `lookup` (e.g. pk=…), loaded with its memberships (see `load`)."""
    return load(get_user_model()._default_manager.filter(**lookup))
