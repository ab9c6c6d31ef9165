"""The fixed vocabulary of audited actions.

Reviewers filter and count by action, so the set is closed: adding an action is a code change
(and a migration, because the choices live on the column), never a free-form string.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    MODEL_DEPLOYED = "model.deployed", _("Process model deployed")
    MODEL_VALIDATED = "model.validated", _("Process model validated")
    MODEL_ENABLED = "model.enabled", _("Process model enabled for new instances")
    MODEL_DISABLED = "model.disabled", _("Process model disabled for new instances")
    INSTANCE_STARTED = "instance.started", _("Process instance started")
    INSTANCE_COMPLETED = "instance.completed", _("Process instance completed")
    INSTANCE_CONTINUED = "instance.continued", _("Process instance continued")
    INSTANCE_SUSPENDED = "instance.suspended", _("Process instance suspended")
    INSTANCE_RESUMED = "instance.resumed", _("Process instance resumed")
    INSTANCE_TERMINATED = "instance.terminated", _("Process instance terminated")
    INSTANCE_ERROR = "instance.error", _("Process instance failed")
    INSTANCE_RETRIED = "instance.retried", _("Process instance retried")
    INSTANCE_MIGRATED = "instance.migrated", _("Process instance migrated to a new version")
    BPMN_ERROR_CAUGHT = "instance.bpmn_error_caught", _("Business error caught by the process")
    TIMER_FIRED = "timer.fired", _("Timer fired")
    MESSAGE_DELIVERED = "message.delivered", _("Message delivered")
    MESSAGE_BUFFERED = "message.buffered", _("Message buffered until a process waits for it")
    SIGNAL_SENT = "signal.sent", _("Signal sent")
    SIGNAL_DELIVERED = "signal.delivered", _("Signal delivered")
    TASK_CREATED = "task.created", _("Task created")
    TASK_CLAIMED = "task.claimed", _("Task claimed")
    TASK_UNCLAIMED = "task.unclaimed", _("Task released for claiming")
    TASK_ASSIGNED = "task.assigned", _("Task assigned")
    TASK_MOVED = "task.moved", _("Task moved to another group by a new process version")
    TASK_COMPLETED = "task.completed", _("Task completed")
    TASK_CANCELLED = "task.cancelled", _("Task cancelled")
    USER_LOGIN = "user.login", _("User signed in")
    USER_LOGIN_FAILED = "user.login_failed", _("User sign-in failed")
    USER_TOKEN_ISSUED = "user.token_issued", _("API token issued")
    USER_TOKEN_REVOKED = "user.token_revoked", _("API token revoked")
    CASE_SUBMITTED = "case.submitted", _("Service case submitted")
    CASE_UPDATED = "case.updated", _("Service case updated")
    CASE_MATCHED = "case.matched", _("Service case matched to an institution")
    CASE_ESCALATED = "case.escalated", _("Service case escalated to the office")
    CASE_SERVICE_RECORDED = "case.service_recorded", _("Service record added")
    CASE_FEEDBACK_RECEIVED = "case.feedback_received", _("Service feedback received")
    CASE_CLOSED = "case.closed", _("Service case closed")
    CASE_WITHDRAWN = "case.withdrawn", _("Service case withdrawn")
    CASE_CANCELLED = "case.cancelled", _("Service case cancelled")
    OUTCOME_RECORDED = "outcome.recorded", _("Service outcome recorded")
    OUTCOME_CORRECTED = "outcome.corrected", _("Service outcome corrected")
    ENTERPRISE_REGISTERED = "enterprise.registered", _("Enterprise registered")
    ENTERPRISE_UPDATED = "enterprise.updated", _("Enterprise details updated")
    ENTERPRISE_CHANGE_PROPOSED = "enterprise.change_proposed", _("Enterprise details change proposed")
    ENTERPRISE_CHANGE_ACCEPTED = "enterprise.change_accepted", _("Enterprise details change accepted")
    ENTERPRISE_CHANGE_REJECTED = "enterprise.change_rejected", _("Enterprise details change rejected")
    REGISTRY_CHANGED = "registry.changed", _("Registry entry changed")
    SCORECARD_SUBMITTED = "scorecard.submitted", _("Scorecard submitted")
    SCORECARD_EVALUATED = "scorecard.evaluated", _("Scorecard evaluated")
    SCORECARD_ADJUSTED = "scorecard.adjusted", _("Scorecard indicator adjusted")
    PROMOTION_DECIDED = "promotion.decided", _("Promotion decision recorded")
    PROJECT_NAMED = "project.named", _("Project named at a level")
    TYPICAL_CASE_SUBMITTED = "typical_case.submitted", _("Typical case submitted")
    TYPICAL_CASE_REVIEWED = "typical_case.reviewed", _("Typical case reviewed")
    CAMPAIGN_OPENED = "campaign.opened", _("Assessment campaign opened")
