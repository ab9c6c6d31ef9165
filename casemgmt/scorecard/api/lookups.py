"""Objects named in a request body: found, or refused as a field error (never a bare 404, since the
caller named them in a form-like body)."""

from __future__ import annotations

from typing import Any

from casemgmt.models import ServiceProject
from core.errors import FieldError, InvalidInput


def named_project(**lookup: Any) -> ServiceProject:
    project = ServiceProject.objects.select_related("operator").filter(**lookup).first()
    if project is None:
        raise InvalidInput(
            "No such project.",
            "项目不存在。",
            fields=[FieldError("project", "not_found", "项目不存在。", "No such project.")],
        )
    return project
