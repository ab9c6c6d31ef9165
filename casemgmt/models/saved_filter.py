"""Inbox filters a user saved under a name, for themself or shared with one of their candidate groups."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

# The inbox's filter parameters; a saved query may hold nothing else (no page number, no stray keys
# that could smuggle meaning into a shared link).
FILTER_KEYS = (
    "tab",
    "process",
    "project",
    "office",
    "stage",
    "due_after",
    "due_before",
    "q",
    "sort",
    "per_page",
)
MAX_QUERY_LENGTH = 1000


def normalize_query(raw: str) -> str:
    """The query string with known keys only, empty values dropped, in a stable order.

    Raises ValidationError naming any unknown key, so a saved filter always re-applies cleanly.
    """
    raw = (raw or "").lstrip("?")
    if len(raw) > MAX_QUERY_LENGTH:
        raise ValidationError(_("The filter is too long."), code="too_long")
    params = QueryDict(raw)
    unknown = sorted(key for key in params if key not in FILTER_KEYS and key != "page")
    if unknown:
        raise ValidationError(
            _("Unknown filter keys: %(keys)s"), code="unknown_key", params={"keys": ", ".join(unknown)}
        )
    clean = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        value = params.get(key, "").strip()
        if value:
            if "\x00" in value:
                raise ValidationError(_("The filter contains invalid characters."), code="null")
            clean[key] = value
    return clean.urlencode()


class SavedFilter(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_filters",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("query"), max_length=MAX_QUERY_LENGTH, blank=True)
    # A candidate-group key ("office_staff@office-fangsong"); blank means only the owner sees it.
    shared_with_group = models.CharField(_("shared with group"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_owner_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.query = normalize_query(self.query)
        except ValidationError as exc:
            raise ValidationError({"query": exc.messages}) from exc

    @property
    def is_shared(self) -> bool:
        return bool(self.shared_with_group)

    @classmethod
    def visible_to(cls, user_id: int | None, groups: frozenset[str] | set[str]) -> QuerySet[SavedFilter]:
        """The user's own filters and those shared with a group they belong to."""
        shared = Q(shared_with_group__in=sorted(groups)) & ~Q(shared_with_group="")
        return cls.objects.filter(Q(owner_id=user_id) | shared).select_related("owner")
