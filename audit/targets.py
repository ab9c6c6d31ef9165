"""What an audit event is about, in words: the target types the services record, labelled for
the audit pages (the code stays in the tooltip and in exports)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

TARGET_LABELS = {
    "task": _("Task"),
    "instance": _("Process instance"),
    "case": _("Service case"),
    "enterprise": _("Enterprise"),
    "station_staff": _("Station staff"),
    "process_model": _("Process model"),
    "process_model_version": _("Process model version"),
    "model_change": _("Process change"),
    "user": _("User"),
    "typical_case": _("Typical case"),
    "service_station": _("Service station"),
    "service_project": _("Service project"),
    "scorecard_evaluation": _("Scorecard"),
    "outcome": _("Service outcome"),
    "migration_batch": _("Batch migration"),
    "message": _("Message"),
    "assessment_campaign": _("Assessment campaign"),
}


def target_label(target_type: str, target_id: str) -> str:
    """ "任务 16" for ("task", "16"); an unknown type keeps its code."""
    label = TARGET_LABELS.get(target_type)
    return f"{label} {target_id}" if label is not None else f"{target_type}:{target_id}"


# The model whose fields a target's payload records ("app_label.ModelName"), so that the audit
# pages can label a payload key by the field's verbose name. Named, never imported: audit sits
# below the apps that own these models; a name that does not resolve labels nothing.
TARGET_MODELS = {
    "task": "workflows.HumanTask",
    "instance": "workflows.ProcessInstance",
    "case": "casemgmt.ServiceCase",
    "enterprise": "casemgmt.Enterprise",
    "station_staff": "casemgmt.StationStaff",
    "process_model": "workflows.ProcessModel",
    "process_model_version": "workflows.ProcessModelVersion",
    "model_change": "studio.ModelChange",
    "user": settings.AUTH_USER_MODEL,
    "typical_case": "scorecard.TypicalCase",
    "service_station": "casemgmt.ServiceStation",
    "service_project": "casemgmt.ServiceProject",
    "scorecard_evaluation": "scorecard.Evaluation",
    "outcome": "casemgmt.Outcome",
    "migration_batch": "studio.MigrationBatch",
    "assessment_campaign": "promotion.AssessmentCampaign",
}


def target_model(target_type: str) -> type[Model] | None:
    name = TARGET_MODELS.get(target_type)
    if name is None:
        return None
    try:
        return apps.get_model(name)
    except (LookupError, ValueError):
        return None
