"""Instance administration pages for process admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..api.queries import filter_instances, visible_instances


@login_required
def instance_admin(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("workflows.manage_instance"):
        raise PermissionDenied
    instances = filter_instances(visible_instances(request.user), request.GET)[:50]
    return render(request, "workflows/instance_admin.html", {"instances": instances})
