"""Searching technical institutions (技术机构) by text, kind and capability.

Matching is ILIKE '%…%', written out as ILIKE (not Django's `icontains`, which compiles to
UPPER(col) LIKE UPPER(…) and so cannot use the trigram indexes migration 0005 creates where the
server has pg_trgm). Trigrams index any characters, so Chinese substrings ("检定" in "计量检定")
are matched and indexed alike. The user's %, _ and \\ are escaped: they are searched literally.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup, Q, QuerySet, TextField
from django.db.models.sql.compiler import SQLCompiler

from casemgmt.models import InstitutionKind, TechnicalInstitution

# The columns free text is searched in: the trigram-indexed ones first.
TEXT_COLUMNS = ("name", "capabilities", "scope", "cma_number", "cnas_number", "approval_number")
# Capabilities of a certification body are its scope (认证范围); of the others their capabilities.
CAPABILITY_COLUMNS = ("capabilities", "scope")
MAX_QUERY_LENGTH = 100


class ILikeContains(Lookup):
    """`field__ilike_contains=text`: col ILIKE '%text%' with text's wildcards escaped."""

    lookup_name = "ilike_contains"

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [f"%{escape_like(str(value))}%"]


CharField.register_lookup(ILikeContains)
TextField.register_lookup(ILikeContains)


def escape_like(text: str) -> str:
    """The text with LIKE's wildcards and escape character taken literally (backslash escapes)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _any_column(columns: tuple[str, ...], text: str) -> Q:
    condition = Q()
    for column in columns:
        condition |= Q(**{f"{column}__ilike_contains": text})
    return condition


def search_institutions(
    text: str = "", kind: str = "", capability: str = ""
) -> QuerySet[TechnicalInstitution]:
    """Active institutions matching every given criterion; an unknown kind matches nothing.

    `text` is split on whitespace and every word must appear in one of TEXT_COLUMNS, so
    "计量 长度" finds an institution whose name says 计量 and whose capabilities say 长度.
    """
    found = TechnicalInstitution.objects.filter(active=True)
    kind = (kind or "").strip()
    if kind:
        if kind not in InstitutionKind.values:
            return found.none()
        found = found.filter(kind=kind)
    for word in (text or "").strip()[:MAX_QUERY_LENGTH].split():
        found = found.filter(_any_column(TEXT_COLUMNS, word))
    capability = (capability or "").strip()[:MAX_QUERY_LENGTH]
    if capability:
        found = found.filter(_any_column(CAPABILITY_COLUMNS, capability))
    return found.order_by("kind", "name")
