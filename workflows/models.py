"""Engine tables: models and their immutable versions, instances, and the human-task index."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessModel(models.Model):
    """A named process (e.g. service_case); its diagrams live in versions."""

    key = models.SlugField(_("key"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # A process admin can stop new instances of a model (studio/availability.py); running ones go
    # on. db_default: statements that insert models by hand need not name it.
    enabled = models.BooleanField(_("enabled"), default=True, db_default=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    def latest_version(self) -> ProcessModelVersion | None:
        return self.versions.order_by("-number").first()


class ProcessModelVersion(models.Model):
    """One deployed set of files. Never updated: a changed diagram is a new version."""

    process_model = models.ForeignKey(ProcessModel, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(max_length=64)
    # {filename: text} for .bpmn, .dmn and form .json files, exactly as deployed.
    files = models.JSONField()
    main_process_id = models.CharField(max_length=200)
    # {calledElement: version id} for the call activities bound to the callee version deployed at
    # the time (calledElementBinding="deployment"; workflows/callees.py). Calls bound to the
    # latest version are resolved when they start and need nothing here.
    callees = models.JSONField(default=dict, blank=True)
    deployed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    deployed_at = models.DateTimeField(auto_now_add=True)
    # What changed, in the deployer's words (the studio asks for it).
    change_note = models.CharField(_("change note"), max_length=500, blank=True, default="", db_default="")

    class Meta:
        ordering = ["process_model", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["process_model", "number"], name="version_number_unique"),
            models.UniqueConstraint(fields=["process_model", "content_hash"], name="version_content_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.process_model.key} v{self.number}"


class InstanceStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    WAITING = "waiting", _("Waiting")
    SUSPENDED = "suspended", _("Suspended")
    ERROR = "error", _("Error")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


OPEN_STATUSES = (
    InstanceStatus.RUNNING,
    InstanceStatus.WAITING,
    InstanceStatus.SUSPENDED,
    InstanceStatus.ERROR,
)
# Where an instance takes turns: its tasks are completed, its timers fired, its messages caught.
WORKABLE_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.WAITING)


class ProcessInstance(models.Model):
    version = models.ForeignKey(ProcessModelVersion, on_delete=models.PROTECT, related_name="instances")
    status = models.CharField(max_length=16, choices=InstanceStatus.choices, default=InstanceStatus.RUNNING)
    # Spiff keeps task data as diffs that must stay in parent-first key order; jsonb re-sorts keys
    # and silently corrupts it, so the state is plain text holding JSON.
    state = models.TextField()
    row_version = models.PositiveIntegerField(default=1)
    next_timer_at = models.DateTimeField(null=True, blank=True)
    business_key = models.CharField(max_length=100, blank=True, db_index=True)
    subject = models.CharField(max_length=300, blank=True)
    org_unit_code = models.CharField(max_length=64, blank=True, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    error_task_spec = models.CharField(max_length=200, blank=True)
    suspended_from = models.CharField(max_length=16, blank=True)
    # A long-lived cycle continues as a fresh instance so that state stays small (docs/design.md D7).
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="continuation"
    )
    cycle = models.PositiveIntegerField(default=1)
    # How many MessageWait rows the instance has: a turn rewrites them only when it had some or
    # has some now, so instances that never wait for a message pay nothing for them.
    message_waits = models.PositiveSmallIntegerField(default=0)
    # The activities whose timers the instance waits for (set with next_timer_at by each turn):
    # what the studio counts per activity without reading the state.
    timer_specs = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # A process admin's test run (workflows/test_runs.py): excluded from every count and list.
    is_test = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_timer_at"],
                name="instance_timer_due",
                condition=models.Q(next_timer_at__isnull=False),
            ),
            models.Index(fields=["status", "version"], name="instance_status_version"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.business_key or self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def suspended_from_label(self) -> str:
        """The status a suspended instance will return to, in the reader's language."""
        return str(InstanceStatus(self.suspended_from).label) if self.suspended_from else ""


class HumanTask(models.Model):
    """One row per ready (or finished) human task: the inbox reads this, never the state blob."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        # 退回: its holder sent the instance back to an earlier task (workflows/returns.py).
        RETURNED = "returned", _("Returned")
        # Its holder has submitted, and added signers (后加签, or 并加签 still open) must sign
        # before the engine moves on (workflows/added_signers.py); the submission is held.
        AWAITING = "awaiting", _("Awaiting added signers")

    class AddedMode(models.TextChoices):
        """加签: how an added signer's part relates to the task it was added to."""

        BEFORE = "before", _("Sign before")  # 前加签
        AFTER = "after", _("Sign after")  # 后加签
        PARALLEL = "parallel", _("Sign alongside")  # 并加签

    # Unindexed on their own: human_task_unique (instance, spiff_task_id) and htask_done_by
    # (completed_by, completed_at) lead with these columns and serve every lookup by them, so a
    # separate index would only cost each task insert and completion another index write.
    instance = models.ForeignKey(
        ProcessInstance, on_delete=models.CASCADE, related_name="human_tasks", db_index=False
    )
    spiff_task_id = models.UUIDField()
    task_spec = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    lane = models.CharField(max_length=100, blank=True)
    candidate_role = models.CharField(max_length=32)
    candidate_org_unit = models.CharField(max_length=64)
    candidate_group = models.CharField(max_length=100)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(default=50)
    form_file = models.CharField(max_length=200, blank=True)
    instructions = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # A countersign instance (workflows/countersign.py): the Spiff id of its multi-instance task,
    # shared by all its signers' rows, and this row's signer (a user name or role@org-unit).
    countersign = models.UUIDField(null=True, blank=True)
    signer = models.CharField(max_length=150, blank=True)
    # 审批意见: what the person who completed the task said (workflows/task_settings.py).
    opinion = models.TextField(blank=True)
    # 催办: when someone last urged the task (workflows/urging.py); at most once an hour.
    urged_at = models.DateTimeField(null=True, blank=True)
    # A return or recall (workflows/rewind.py) runs a completed Spiff task again under the same
    # id: its new row is the current one (0); the row it replaced keeps the history, numbered
    # 1, 2, … in the order they were replaced.
    superseded = models.PositiveSmallIntegerField(default=0)
    # 委派: who delegated the task (workflows/handover.py); it comes back to them to complete.
    # Unindexed: nothing looks tasks up by it, and an index would cost every task insert.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # 加签 (workflows/added_signers.py). An added signer's row: the task it was added to, by
    # whom and how; it has no Spiff task of its own (its spiff_task_id is a fresh uuid).
    added_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    added_mode = models.CharField(max_length=8, choices=AddedMode.choices, blank=True)
    # On a task with added signers still to sign: their mode (one round at a time), read from the
    # locked row by every completion, so that a task without any costs no query.
    awaiting = models.CharField(max_length=8, choices=AddedMode.choices, blank=True)
    # An added signer's 同意 (True) or 不同意 (False).
    approved = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "spiff_task_id", "superseded"], name="human_task_unique"
            ),
            # One person signs one part of a countersign, whatever its list says: enforced here too,
            # beneath the service's check, so no path can record two signatures of one person.
            models.UniqueConstraint(
                fields=["countersign", "completed_by"],
                name="htask_one_signature",
                condition=models.Q(countersign__isnull=False),
            ),
        ]
        indexes = [
            # "mine": open tasks assigned to a user
            models.Index(
                fields=["assignee", "-priority", "id"],
                name="htask_mine",
                condition=models.Q(status="open"),
            ),
            # "my groups": open, unclaimed tasks of a candidate group
            models.Index(
                fields=["candidate_group", "-priority", "id"],
                name="htask_claimable",
                condition=models.Q(status="open", assignee__isnull=True),
            ),
            # "overdue"
            models.Index(fields=["due_at"], name="htask_due", condition=models.Q(status="open")),
            # "overdue among my groups": only the overdue part of a group's range is read
            models.Index(
                fields=["candidate_group", "due_at"],
                name="htask_group_due",
                condition=models.Q(status="open", assignee__isnull=True),
            ),
            models.Index(fields=["completed_by", "-completed_at"], name="htask_done_by"),
            models.Index(
                fields=["added_to"], name="htask_added_to", condition=models.Q(added_to__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.instance_id})"


class EventKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    SIGNAL = "signal", _("Signal")


class MessageWait(models.Model):
    """A message or signal an instance is waiting for now (workflows/message_waits.py): rewritten
    in the transaction of every turn that changes them, so that a sender finds the one instance by
    name and correlation keys through an index, never by reading state blobs."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=8, choices=EventKind.choices)
    name = models.CharField(max_length=200)
    # The correlation properties the instance waits with, {property: value}; {} for none.
    correlation = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "name", "correlation"], name="message_wait_lookup"),
            models.Index(fields=["instance"], name="message_wait_instance"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} {self.correlation} ({self.instance_id})"


class MessageDelivery(models.Model):
    """What became of each message or signal sent (workflows/messages.py), by its id: the record
    that makes sending idempotent, and the buffer of messages that arrived before anyone waited."""

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        STARTED = "started", _("Started a process")
        BUFFERED = "buffered", _("Buffered")
        EXPIRED = "expired", _("Expired")
        BROADCAST = "broadcast", _("Broadcast")

    message_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=8, choices=EventKind.choices)
    name = models.CharField(max_length=200)
    # A message's correlation keys; a signal's scope (workflows/sending.SCOPES).
    correlation = models.JSONField(default=dict)
    payload = models.JSONField(default=dict)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    # The instance it reached; none for a buffered message or a signal's own record.
    instance = models.ForeignKey(
        ProcessInstance, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A message id is recorded once per target: a second send with the id is a replay.
            models.UniqueConstraint(
                fields=["kind", "message_id", "instance"],
                name="message_delivery_once",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(
                fields=["kind", "name", "correlation"],
                name="message_buffered",
                condition=models.Q(outcome="buffered"),
            ),
            models.Index(fields=["instance"], name="message_delivery_instance"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} #{self.message_id}: {self.outcome}"


class SavedPhrase(models.Model):
    """常用语: an opinion a person uses often, offered on the task page (workflows/phrases.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["user", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "text"], name="saved_phrase_once")]

    def __str__(self) -> str:
        return self.text


# The approval operations' own tables (issue 17), defined apart to keep this module readable;
# imported here so that Django registers them with the app, and re-exported for the services.
from .approval_models import HeldCompletion as HeldCompletion  # noqa: E402
from .approval_models import TaskCopy as TaskCopy  # noqa: E402
