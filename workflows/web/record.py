"""The printable approval record (审批单) of one process instance: government files keep a
printed copy. Anyone who may see the instance may print its record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import copies
from ..approval_record import steps_of
from ..queries.instances import visible_instances


@login_required
@require_safe
def approval_record(request: HttpRequest, pk: int) -> HttpResponse:
    instance = (
        visible_instances(request.user)
        .select_related("version__process_model", "started_by")
        .filter(pk=pk)
        .first()
    )
    if instance is None:
        raise Http404  # hidden and missing read alike
    copies.mark_read(request.user, instance)  # a copy (抄送) to the reader has been read
    context = {"instance": instance, "record": steps_of(instance)}
    return render(request, "workflows/approval_record_page.html", context)
