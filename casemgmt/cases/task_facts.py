"""The cases' facts beside a task (casemgmt.inbox.task_facts): the service case the instance runs,
with a link the viewer may follow (a link they could not open is left out).

Registered from CasemgmtConfig.ready(), before the nested apps register theirs.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from casemgmt.inbox.task_facts import Fact
from casemgmt.models import ServiceCase
from workflows.models import ProcessInstance


def case_facts(user: Any, instance: ProcessInstance) -> list[Fact] | None:
    case = ServiceCase.objects.select_related("enterprise", "project").filter(instance_id=instance.pk).first()
    if case is None:
        return None
    url = reverse("cases-detail", args=[case.pk]) if user.has_perm("cases.view_case", case) else ""
    return [
        Fact(_("Service case"), case.case_no, url, "related-case"),
        Fact(_("Enterprise"), case.enterprise.name),
        Fact(_("Stage"), str(case.get_stage_display())),
        Fact(_("Need"), case.need[:200]),
    ]
