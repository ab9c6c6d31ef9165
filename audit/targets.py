"""What an audit event is about, in words: the target types the services record, labelled for
the audit pages (the code stays in the tooltip and in exports)."""

from __future__ import annotations

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
