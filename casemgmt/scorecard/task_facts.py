"""How an evaluation reads as a fact beside a task (casemgmt.inbox.task_facts).

The scorecard registers no provider of its own: its evaluations belong to a promotion
assessment, whose provider (casemgmt/promotion/task_facts.py) lists them with this helper, so the
scorecard's URL and permission names stay in the scorecard.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from casemgmt.inbox.task_facts import Fact

from .models import Evaluation


def evaluation_fact(user: Any, label: str, evaluation: Evaluation, testid: str) -> Fact:
    """The evaluation's score and status, linked to its sheet when the viewer may read it."""
    score = _("%(total)s points (%(status)s)") % {
        "total": evaluation.total,
        "status": evaluation.get_status_display(),
    }
    url = ""
    if user.has_perm("scorecard.view_evaluation", evaluation):
        url = reverse("scorecard-detail", args=[evaluation.pk])
    return Fact(label, score, url, testid)
