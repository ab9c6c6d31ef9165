"""core.request_cache: values kept on the request's user object, once per key, nowhere else."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.utils.functional import SimpleLazyObject

from core.request_cache import ATTRIBUTE, forget, per_user


class _Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_computes_once_per_user_object_and_key() -> None:
    user, compute = User(username="u"), _Counter()
    assert per_user(user, "a", compute) == 1
    assert per_user(user, "a", compute) == 1
    assert per_user(user, ("b", 1), compute) == 2
    assert compute.calls == 2
    # Every value sits in one dict under one attribute.
    assert set(getattr(user, ATTRIBUTE)) == {"a", ("b", 1)}


def test_falsy_values_are_kept_too() -> None:
    user, calls = User(username="u"), []

    def nothing() -> frozenset[str]:
        calls.append(1)
        return frozenset()

    per_user(user, "empty", nothing)
    per_user(user, "empty", nothing)
    assert len(calls) == 1


def test_a_new_user_object_is_a_new_request() -> None:
    compute = _Counter()
    per_user(User(pk=1, username="u"), "a", compute)
    per_user(User(pk=1, username="u"), "a", compute)
    assert compute.calls == 2


def test_no_user_is_never_cached() -> None:
    compute = _Counter()
    per_user(None, "a", compute)
    per_user(None, "a", compute)
    assert compute.calls == 2


def test_forget_starts_afresh() -> None:
    user, compute = User(username="u"), _Counter()
    per_user(user, "a", compute)
    forget(user)
    assert per_user(user, "a", compute) == 2
    forget(user)
    forget(user)  # nothing kept: no error
    forget(None)


def test_works_through_the_lazy_request_user() -> None:
    real, compute = User(username="u"), _Counter()
    lazy = SimpleLazyObject(lambda: real)
    per_user(lazy, "a", compute)
    per_user(lazy, "a", compute)
    assert compute.calls == 1
    assert per_user(real, "a", compute) == 1  # the value sits on the user the proxy stands for


def test_anonymous_users_get_their_own_cache() -> None:
    anonymous, compute = AnonymousUser(), _Counter()
    per_user(anonymous, "a", compute)
    per_user(anonymous, "a", compute)
    assert compute.calls == 1
    assert per_user(AnonymousUser(), "a", compute) == 2
