"""The user's own account page."""

from django.urls import path

from . import account

urlpatterns = [
    path("account/", account.account, name="account"),
    path("account/api-token/revoke/", account.revoke_token, name="account-token-revoke"),
]
