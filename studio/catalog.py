"""The studio's one definition of what the models page shows: every model with its versions and,
per version, how many of its instances are running, waiting, suspended or in error."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count

from workflows.models import (
    OPEN_STATUSES,
    WORKABLE_STATUSES,
    HumanTask,
    InstanceStatus,
    ProcessInstance,
    ProcessModel,
    ProcessModelVersion,
)

# The columns of the models page: where instances of a version stand that an admin must weigh
# before changing or disabling it.
SHOWN_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR)


@dataclass
class VersionRow:
    version: ProcessModelVersion
    # {status: count} of its open instances (workflows.models.OPEN_STATUSES).
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def open_total(self) -> int:
        return sum(self.counts.values())

    @property
    def shown(self) -> list[tuple[str, int]]:
        return [(status, self.counts.get(status, 0)) for status in SHOWN_STATUSES]


@dataclass
class ModelRow:
    model: ProcessModel
    versions: list[VersionRow] = field(default_factory=list)

    @property
    def latest(self) -> VersionRow | None:
        return self.versions[0] if self.versions else None

    @property
    def open_total(self) -> int:
        return sum(row.open_total for row in self.versions)

    @property
    def shown(self) -> list[tuple[str, int]]:
        return [
            (status, sum(row.counts.get(status, 0) for row in self.versions)) for status in SHOWN_STATUSES
        ]


def open_counts(version_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """{version id: {status: count}} of open instances; grouped in the database on the
    (status, version) index, never by loading instances."""
    rows = ProcessInstance.objects.filter(status__in=OPEN_STATUSES, is_test=False)
    if version_ids is not None:
        rows = rows.filter(version_id__in=version_ids)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for version_id, status, n in (
        rows.order_by()
        .values_list("version_id", "status")
        .annotate(n=Count("id"))
        .values_list("version_id", "status", "n")
    ):
        counts[version_id][status] = n
    return counts


def _versions() -> list[ProcessModelVersion]:
    # The files are the heavy part of a version and the list does not show them.
    return list(
        ProcessModelVersion.objects.select_related("deployed_by")
        .defer("files", "callees")
        .order_by("process_model_id", "-number")
    )


def model_rows() -> list[ModelRow]:
    counts = open_counts()
    rows = {model.pk: ModelRow(model) for model in ProcessModel.objects.order_by("key")}
    for version in _versions():
        rows[version.process_model_id].versions.append(VersionRow(version, counts.get(version.pk, {})))
    return list(rows.values())


def model_row(key: str) -> ModelRow | None:
    model = ProcessModel.objects.filter(key=key).first()
    if model is None:
        return None
    versions = list(
        model.versions.select_related("deployed_by").defer("files", "callees").order_by("-number")
    )
    counts = open_counts([version.pk for version in versions])
    return ModelRow(model, [VersionRow(version, counts.get(version.pk, {})) for version in versions])


# Instances waiting for timers, per activity: timer_specs unnested (a set-returning function in
# FROM, which the ORM does not group by).
_INSTANCES = ProcessInstance._meta.db_table
_TIMER_COUNTS = (
    f"SELECT spec, count(*) FROM {_INSTANCES}, unnest(timer_specs) AS spec "  # noqa: S608 (our table)
    "WHERE version_id = %s AND next_timer_at IS NOT NULL AND NOT is_test AND status = ANY(%s) GROUP BY spec"
)


def activity_counts(version: ProcessModelVersion) -> dict[str, dict[str, int]]:
    """{activity id: {"tasks": open human tasks, "timers": instances waiting for a timer there,
    "errors": instances failed there}} for the version's instances (test runs left out), as the
    diagram shows them; grouped in the database."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    tasks = (
        HumanTask.objects.filter(
            status=HumanTask.Status.OPEN, instance__version=version, instance__is_test=False
        )
        .order_by()
        .values_list("task_spec")
        .annotate(n=Count("id"))
    )
    for spec, n in tasks:
        counts[spec]["tasks"] = n
    with connection.cursor() as cursor:
        cursor.execute(_TIMER_COUNTS, [version.pk, [str(s) for s in WORKABLE_STATUSES]])
        for spec, n in cursor.fetchall():
            counts[spec]["timers"] = n
    errors = (
        ProcessInstance.objects.filter(version=version, status=InstanceStatus.ERROR, is_test=False)
        .exclude(error_task_spec="")
        .order_by()
        .values_list("error_task_spec")
        .annotate(n=Count("id"))
    )
    for spec, n in errors:
        counts[spec]["errors"] = n
    return dict(counts)
