"""What is hashed is what jsonb gives back, for any JSON value (property tests on the real column).

Each example records a real audit event (audit_append() hashes it in PostgreSQL and stores
before/after as jsonb), reads the row back with a fresh query and recomputes its hash in Python,
as audit_verify does. The examples share one test transaction (pytest-django's `db`): the rows
go through the real jsonb columns all the same, the chain grows across examples and is walked
whole after each one, and everything rolls back at the end, so the append-only triggers never
meet a flush.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.actions import Action
from audit.chain import event_hash
from audit.jsonb import as_stored, stored_float
from audit.models import AuditEvent
from audit.services import record
from audit.verify import check_events

# Text PostgreSQL can store: anything but NUL and lone surrogates; astral characters included.
STORABLE_CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
ODD_CHARS = st.sampled_from(["😀", "𠀀", "\u2028", "\u2029", '"', "\\", "\x01", "\x7f", "\ufeff", "é"])
# Plus strings that look like what the fast path watches for in the encoded text.
TEXT = st.text(STORABLE_CHARS | ODD_CHARS, max_size=12) | st.sampled_from(["e+", "-0.0", "1e+16", "\\u0000"])
KEYS = TEXT | st.sampled_from(["", "id", "occurred_at", "after", "a" * 300]) | st.integers(-5, 5)
FLOATS = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [-0.0, 0.0, 1e16, -1e16, 1e22, 1e23, 1e100, 1.7976931348623157e308, 5e-324, -5e-324, 1.5e-7, 1e-5,
     9007199254740993.0, 0.1, -0.001, 123456789.125]
)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**60), max_value=10**60)
    | st.sampled_from([2**63, -(2**63) - 1, 10**100])
    | FLOATS
    | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=25,
)

# No example database: nothing written into the working tree (and CI runs start fresh anyway).
PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _exact(value: Any) -> str:
    """Tells apart what == does not: -0.0 from 0.0, 1 from 1.0 and True."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _meaning(value: Any) -> Any:
    """The value with every number as the decimal it spells: what a JSON reader may rely on."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, list):
        return [_meaning(item) for item in value]
    return {key: _meaning(item) for key, item in value.items()}


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(value=JSON)
def test_any_json_value_reads_back_exactly_as_it_was_hashed(value: Any) -> None:
    with transaction.atomic():
        event = record(
            Action.TASK_COMPLETED, target_type="task", target_id="1", before={"wrapped": [value]}, after=value
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    # Stored == hashed: the jsonb columns give back exactly the JSON the hash was computed over.
    assert _exact(stored.after) == _exact(event.after)
    assert _exact(stored.before) == _exact(event.before)
    assert event_hash(stored.prev_hash, stored) == stored.hash == event.hash
    # And the normalisation kept the meaning of what was given (as Python's JSON spells it).
    assert _meaning(stored.after) == _meaning(json.loads(json.dumps(value)))
    assert check_events(AuditEvent.objects.order_by("id").iterator()).ok


def _bad_leaves() -> st.SearchStrategy[Any]:
    nul = st.tuples(TEXT, TEXT).map(lambda parts: parts[0] + "\x00" + parts[1])
    surrogate = st.tuples(TEXT, st.integers(0xD800, 0xDFFF), TEXT).map(lambda p: p[0] + chr(p[1]) + p[2])
    bad_text = nul | surrogate
    return (
        st.sampled_from([math.nan, math.inf, -math.inf])
        | bad_text
        | st.builds(lambda key, item: {key: item}, bad_text, JSON)
    )


BAD_JSON = st.recursive(
    _bad_leaves(),
    lambda inner: (
        st.tuples(st.lists(JSON, max_size=3), inner, st.integers(0, 3)).map(
            lambda t: [*t[0][: t[2]], t[1], *t[0][t[2] :]]
        )
        | st.tuples(st.dictionaries(TEXT, JSON, max_size=3), TEXT, inner).map(lambda t: {**t[0], t[1]: t[2]})
    ),
    max_leaves=4,
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=BAD_JSON)
def test_what_jsonb_cannot_hold_is_refused_and_nothing_is_written(value: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="audit field 'after'"), transaction.atomic():
        record(Action.TASK_COMPLETED, target_type="task", target_id="1", after=value)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("given_value", "stored"),
    [
        (-0.0, 0.0),
        (1e16, 10**16),
        (-1e16, -(10**16)),
        (1e23, 10**23),  # the decimal Python writes, not int(1e23) == 99999999999999991611392
        (1e100, 10**100),
        (1.7976931348623157e308, 17976931348623157 * 10**292),
        (9999999999999998.0, 9999999999999998.0),  # below 1e16 Python writes no exponent
        (1.5e-7, 1.5e-7),
        (5e-324, 5e-324),
        (-0.001, -0.001),
    ],
)
def test_floats_become_what_numeric_gives_back(given_value: float, stored: float | int) -> None:
    result = stored_float(given_value)
    assert _exact(result) == _exact(stored)


def test_values_that_already_round_trip_are_left_as_they_are() -> None:
    value = {"title": "校准 😀", "n": [1, 2.5, -3, 10**30, None, True], "e+": "-0.0", "x": -0.05}
    assert _exact(as_stored("after", value)) == _exact(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"a": float("nan")}, "not JSON-serializable"),
        ([float("-inf")], "not JSON-serializable"),
        ({"text": "a\x00b"}, r"at \$\.text contains a NUL character"),
        ({"k\x00": 1}, r"at \$ key 'k\\x00' contains a NUL character"),
        ([["\ud800"]], r"at \$\[0\]\[0\] contains a lone surrogate \(U\+D800\)"),
    ],
)
def test_unstorable_values_get_a_clear_error(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        as_stored("after", value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {"reason": "a\x00b"},
        {"business_key": "K-\udc00"},
        {"target_id": "1\x00"},
        {"actor_org_unit": "所\x00"},
    ],
)
def test_text_columns_postgresql_refuses_are_refused_first(overrides: dict[str, str]) -> None:
    field = next(iter(overrides))
    fields: dict[str, Any] = {"target_type": "t", "target_id": "1", **overrides}
    with pytest.raises(ValueError, match=f"audit field '{field}' contains"), transaction.atomic():
        record(Action.TASK_CREATED, **fields)
    assert not AuditEvent.objects.exists()
