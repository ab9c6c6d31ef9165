"""The signed-in user's own account page: the password (Django's change form) and the API token,
with its expiry and a button that revokes it (core/http/api_tokens.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.http import api_tokens


@login_required
@require_http_methods(["GET", "HEAD"])
def account(request: HttpRequest) -> HttpResponse:
    token = api_tokens.live_token(request.user)
    context = {
        "token": token,
        "token_expires_at": api_tokens.expires_at(token) if token is not None else None,
    }
    return render(request, "casemgmt/account.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest) -> HttpResponse:
    if api_tokens.revoke(request.user):
        messages.success(request, _("Your API token was revoked. Programs using it must sign in again."))
    else:
        messages.info(request, _("You have no API token."))
    return redirect("account")
