"""What the registry pages share: permission gates, field specs for forms, errors in the page's language."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from casemgmt.registry import catalogue
from casemgmt.registry.catalogue import CatalogueItem
from casemgmt.registry.validators import display_phone  # noqa: F401 (used here and re-exported)
from casemgmt.web.form_fields import Field, attach_errors  # noqa: F401 (re-exported for the registry views)
from core.errors import ServiceError
from core.http.page_errors import in_english, page_errors


def require_perm(request: HttpRequest, permission: str, obj: Any = None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def field_errors(error: ServiceError) -> dict[str, str]:
    """{field: message} in the page's language, for showing next to each input."""
    return page_errors(error).first()


def item_text(item: CatalogueItem) -> str:
    return item.text_en if in_english() else item.text_zh


def published_items(keys: list[str]) -> list[dict[str, str]]:
    """The published catalogue items with their category and text, in the page's language."""
    out = []
    for key in keys:
        try:
            found = catalogue.item(key)
        except KeyError:
            continue  # an item dropped from the catalogue stays stored but is no longer shown
        category = catalogue.category(found.category)
        out.append(
            {
                "key": key,
                "category": category.name_en if in_english() else category.name_zh,
                "text": item_text(found),
            }
        )
    return out


def catalogue_choices() -> list[dict[str, Any]]:
    """Categories with their items, for the published-items checkboxes."""
    english = in_english()
    return [
        {
            "name": category.name_en if english else category.name_zh,
            "items": [(item.key, item_text(item)) for item in category.items],
        }
        for category in catalogue.CATEGORIES
    ]


def url_if_exists(name: str, **kwargs: Any) -> str:
    """The URL of a page another area provides, or "" while it does not exist."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""
