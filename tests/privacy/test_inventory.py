"""The personal-data inventory (docs/personal-data.md) names every model field that looks like
personal data, and nothing that is gone (issue 19, item 1)."""

from __future__ import annotations

import pytest

from .inventory import (
    listed_fields,
    looks_personal,
    model_fields,
    stale,
    stale_message,
    unlisted,
    unlisted_message,
)


def test_every_field_that_looks_personal_is_in_the_inventory() -> None:
    missing = unlisted(model_fields(), listed_fields())
    assert not missing, unlisted_message(missing)


def test_every_field_the_inventory_names_still_exists() -> None:
    gone = stale(listed_fields())
    assert not gone, stale_message(gone)


def test_the_inventory_is_read_from_its_own_section_only() -> None:
    text = (
        "# Doc\n\n## Inventory\n\n| field | why |\n|---|---|\n| `casemgmt.ServiceCase.contact_phone` | x |\n"
        "Prose naming `casemgmt.Enterprise.phone` outside a table.\n\n"
        "## Retention\n\n| `casemgmt.Enterprise.address` | y |\n"
    )
    assert listed_fields(text) == {"casemgmt.ServiceCase.contact_phone"}
    # The real document lists the fields it is about.
    assert {"casemgmt.ServiceCase.contact_phone", "auth.User.email"} <= listed_fields()


def test_a_new_personal_field_that_is_not_listed_fails_with_its_name() -> None:
    fields = [*model_fields(), "casemgmt.ServiceCase.contact_mobile", "casemgmt.ServiceCase.stage_note"]
    missing = unlisted(fields, listed_fields())
    assert missing == ["casemgmt.ServiceCase.contact_mobile"]
    assert "casemgmt.ServiceCase.contact_mobile" in unlisted_message(missing)


def test_a_row_for_a_field_that_is_gone_fails_with_its_name() -> None:
    listed = listed_fields() | {"casemgmt.ServiceCase.fax_number", "casemgmt.NoSuchModel.phone"}
    gone = stale(listed)
    assert gone == ["casemgmt.NoSuchModel.phone", "casemgmt.ServiceCase.fax_number"]
    assert "casemgmt.ServiceCase.fax_number" in stale_message(gone)


@pytest.mark.parametrize(
    ("name", "personal"),
    [
        ("phone", True),
        ("complaint_phone", True),
        ("mobile", True),
        ("tel", True),
        ("office_tel", True),
        ("name", True),
        ("contact_name", True),
        ("name_en", True),
        ("username", True),
        ("address", True),
        ("ip_address", True),
        ("id_number", True),
        ("id_card", True),
        ("identity_no", True),
        ("email", True),
        ("e_mail", True),
        ("contact", True),
        ("rename", False),
        ("hotel", False),
        ("stage", False),
        ("need", False),
        ("telemetry", False),
    ],
)
def test_what_counts_as_a_personal_looking_name(name: str, personal: bool) -> None:
    assert looks_personal(f"app.Model.{name}") is personal
