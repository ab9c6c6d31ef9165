"""API shapes of models, versions, instances and tasks."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from audit.api.serializers import AuditEventSerializer
from audit.services import events_for_instance

from ..call_tree import calls_of
from ..human_tasks import form_schema
from ..models import HumanTask, ProcessInstance, ProcessModel, ProcessModelVersion, SavedPhrase
from ..runtime import load_workflow
from ..task_settings import OPINION_MAX_LENGTH, settings_for
from ..urging import NOTE_MAX_LENGTH


class VersionSerializer(serializers.ModelSerializer):
    deployed_by = serializers.CharField(
        source="deployed_by.username", default=None, read_only=True, allow_null=True
    )
    files = serializers.SerializerMethodField()

    class Meta:
        model = ProcessModelVersion
        fields = [
            "id",
            "number",
            "content_hash",
            "main_process_id",
            "deployed_by",
            "deployed_at",
            "change_note",
            "files",
        ]

    def get_files(self, version: ProcessModelVersion) -> list[str]:
        return sorted(version.files)


class ProcessModelSerializer(serializers.ModelSerializer):
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = ProcessModel
        fields = ["key", "name", "created_at", "enabled", "latest_version"]

    def get_latest_version(self, model: ProcessModel) -> int | None:
        return getattr(model, "latest_number", None)


class DeploySerializer(serializers.Serializer):
    model_key = serializers.SlugField(required=False, max_length=100)
    name = serializers.CharField(required=False, max_length=200, allow_blank=True)
    validate_only = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, max_length=500, allow_blank=True, default="")
    files = serializers.DictField(
        child=serializers.CharField(allow_blank=False, trim_whitespace=False), allow_empty=False
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class MigrateSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, allow_null=True, default=None)
    dry_run = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    # The dry run's fingerprint: the move is refused (409 plan_changed) if the plan is not that one.
    plan = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)
    # Waiting timers keep the time they fall due unless this asks them to start over.
    restart_timers = serializers.BooleanField(required=False, default=False)


class BlockerSerializer(serializers.Serializer):
    code = serializers.CharField()
    message_en = serializers.CharField()
    message_zh = serializers.CharField()


class MigrationPlanSerializer(serializers.Serializer):
    instance_id = serializers.IntegerField()
    model_key = serializers.CharField()
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    open_tasks = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())
    restarted_timers = serializers.ListField(child=serializers.CharField())
    kept_timers = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    blockers = BlockerSerializer(many=True)
    can_migrate = serializers.BooleanField()
    fingerprint = serializers.CharField()


# Named apart from the promotion API's StartSerializer: two components called "Start" collide.
@extend_schema_serializer(component_name="InstanceStart")
class StartSerializer(serializers.Serializer):
    model = serializers.SlugField(max_length=100)
    version = serializers.IntegerField(required=False, min_value=1)
    business_key = serializers.CharField(required=False, max_length=100, allow_blank=True, default="")
    subject = serializers.CharField(required=False, max_length=300, allow_blank=True, default="")
    org_unit = serializers.CharField(required=False, max_length=64, allow_blank=True, default="")

    def get_fields(self) -> dict[str, serializers.Field]:
        # A declared attribute named `data` would shadow Serializer.data.
        fields = super().get_fields()
        fields["data"] = serializers.DictField(required=False, default=dict)
        return fields


class TaskSerializer(serializers.ModelSerializer):
    assignee = serializers.CharField(
        source="assignee.username", default=None, read_only=True, allow_null=True
    )
    completed_by = serializers.CharField(
        source="completed_by.username", default=None, read_only=True, allow_null=True
    )
    instance_business_key = serializers.CharField(source="instance.business_key", read_only=True)
    instance_subject = serializers.CharField(source="instance.subject", read_only=True)
    process = serializers.CharField(source="instance.version.process_model.key", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = HumanTask
        fields = [
            "id",
            "instance",
            "instance_business_key",
            "instance_subject",
            "process",
            "task_spec",
            "title",
            "lane",
            "candidate_role",
            "candidate_org_unit",
            "candidate_group",
            "assignee",
            "status",
            "due_at",
            "overdue",
            "priority",
            "form_file",
            "created_at",
            "claimed_at",
            "completed_at",
            "completed_by",
            "signer",
            "added_to",
            "added_mode",
            "awaiting",
            "approved",
        ]

    def get_overdue(self, task: HumanTask) -> bool:
        return bool(task.status == HumanTask.Status.OPEN and task.due_at and task.due_at < timezone.now())


class TaskDetailSerializer(TaskSerializer):
    form_schema = serializers.SerializerMethodField()
    instructions = serializers.CharField(read_only=True)
    opinion = serializers.CharField(read_only=True)
    urged_at = serializers.DateTimeField(read_only=True, allow_null=True)
    opinion_required = serializers.SerializerMethodField()
    operations = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [
            *TaskSerializer.Meta.fields,
            "form_schema",
            "instructions",
            "opinion",
            "urged_at",
            "opinion_required",
            "operations",
        ]

    def get_form_schema(self, task: HumanTask) -> dict[str, Any] | None:
        return form_schema(task)

    def get_opinion_required(self, task: HumanTask) -> bool:
        return settings_for(task).opinion_required

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_operations(self, task: HumanTask) -> list[str]:
        """The approval operations the task's model offers (workflows/task_settings.py)."""
        return sorted(settings_for(task).operations)


class CompleteSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["data"] = serializers.DictField(required=False, default=dict)
        fields["opinion"] = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=OPINION_MAX_LENGTH, trim_whitespace=True
        )
        fields["copy_to"] = serializers.ListField(
            child=serializers.CharField(max_length=150),
            required=False,
            default=list,
            help_text="User names to send a copy to (抄送), where the task offers it.",
        )
        fields["after_signers"] = serializers.ListField(
            child=serializers.CharField(max_length=150),
            required=False,
            default=list,
            help_text="User names who must also sign before the process moves on (后加签).",
        )
        return fields


class UrgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)


class PhraseSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedPhrase
        fields = ["id", "text", "position"]
        read_only_fields = ["id", "position"]


class AssignSerializer(serializers.Serializer):
    assignee = serializers.CharField(max_length=150)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class InstanceSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="version.process_model.key", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    # Instances started by the system (a timer, a continued cycle) have no starter.
    started_by = serializers.CharField(
        source="started_by.username", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = ProcessInstance
        fields = [
            "id",
            "model",
            "version_number",
            "status",
            "business_key",
            "subject",
            "org_unit_code",
            "started_by",
            "started_at",
            "ended_at",
            "next_timer_at",
            "last_error",
            "error_task_spec",
            "row_version",
            "cycle",
            "previous",
        ]


class CallTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task_spec = serializers.CharField()
    title = serializers.CharField()
    candidate_group = serializers.CharField()
    assignee = serializers.CharField(allow_null=True)


class CallSerializer(serializers.Serializer):
    """One call the instance made (workflows/call_tree.py): `depth` 1 for a call of the instance's
    own process, 2 for a call made inside that one, and so on; listed in the order of the process."""

    call_activity = serializers.CharField()
    name = serializers.CharField()
    called_element = serializers.CharField()
    model_key = serializers.CharField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    depth = serializers.IntegerField()
    open_tasks = CallTaskSerializer(many=True)


class InstanceDetailSerializer(InstanceSerializer):
    open_tasks = serializers.SerializerMethodField()
    audit_events = serializers.SerializerMethodField()
    variables = serializers.SerializerMethodField()
    calls = serializers.SerializerMethodField()

    class Meta(InstanceSerializer.Meta):
        fields = [*InstanceSerializer.Meta.fields, "open_tasks", "audit_events", "variables", "calls"]

    def _workflow(self, instance: ProcessInstance) -> BpmnWorkflow:
        # Loaded once for the variables and the calls.
        loaded: dict[int, BpmnWorkflow] = self.__dict__.setdefault("_loaded", {})
        if instance.pk not in loaded:
            loaded[instance.pk] = load_workflow(instance)
        return loaded[instance.pk]

    def get_open_tasks(self, instance: ProcessInstance) -> list[dict[str, Any]]:
        rows = instance.human_tasks.filter(status=HumanTask.Status.OPEN).select_related(
            "assignee", "completed_by", "instance__version__process_model"
        )
        return list(TaskSerializer(rows, many=True).data)

    def get_audit_events(self, instance: ProcessInstance) -> list[dict[str, Any]]:
        return list(AuditEventSerializer(events_for_instance(instance.pk)[:200], many=True).data)

    def get_variables(self, instance: ProcessInstance) -> dict[str, Any]:
        if not instance.state or instance.state == "{}":
            return {}
        workflow = self._workflow(instance)
        last = workflow.last_task
        return dict(last.data) if last is not None else dict(workflow.data)

    @extend_schema_field(CallSerializer(many=True))
    def get_calls(self, instance: ProcessInstance) -> list[dict[str, Any]]:
        if not instance.state or instance.state == "{}":
            return []
        return [call.as_dict() for call in calls_of(instance, self._workflow(instance))]


class ProcessModelVersionsSerializer(serializers.Serializer):
    """GET /api/process-models/{key}/: the model and its versions, newest first."""

    key = serializers.CharField()
    name = serializers.CharField()
    versions = VersionSerializer(many=True)


class DeployResultSerializer(serializers.Serializer):
    """A deployment (`created`, `model_key`, `version`) or a validation only (`valid`,
    `model_key`, `main_process_id`, `content_hash`)."""

    created = serializers.BooleanField(required=False)
    valid = serializers.BooleanField(required=False)
    model_key = serializers.CharField()
    version = VersionSerializer(required=False)
    main_process_id = serializers.CharField(required=False)
    content_hash = serializers.CharField(required=False)


class TaskPageSerializer(serializers.Serializer):
    """One page of the task inbox; `count` stops at 1000 (`count_capped` then says so)."""

    count = serializers.IntegerField()
    count_capped = serializers.BooleanField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TaskSerializer(many=True)
