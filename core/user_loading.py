"""How a request's user is loaded: one hook the domain may fill (casemgmt fills it in ready()).

Authentication (here: the API token, core.http.api_tokens) runs a query for the user anyway; the
domain knows what every request will ask of that user next (memberships, visible area) and can
load it in the same statement, priming the per-request cache (core.request_cache). Core cannot
import the domain, so the domain registers its loader with `set_user_loader`; without one, the
user row alone is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

# loader(users) -> the first user of `users` (loaded with whatever the domain adds), or None.
UserLoader = Callable[[QuerySet[Any]], Any]


def _plain(users: QuerySet[Any]) -> Any:
    return next(iter(users[:1]), None)


_loader: UserLoader = _plain


def set_user_loader(loader: UserLoader | None) -> None:
    """Register how users are loaded (None: back to the plain user row)."""
    global _loader
    _loader = loader or _plain


def load(users: QuerySet[Any]) -> Any:
    """The first user of `users`, through the registered loader; None if there is none.

    `users` is a queryset of the user model narrowed to one user (by pk, by token key...); the
    loader may annotate it, so it must still be unevaluated."""
    return _loader(users)
