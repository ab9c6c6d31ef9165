"""`/api/auth/token/`: POST obtains the user's API token (with its expiry), DELETE revokes it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from . import api_tokens

_TOKEN_ANSWER = inline_serializer(
    "ApiToken", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
)


class TokenView(ObtainAuthToken):
    def get_permissions(self) -> list[BasePermission]:
        # Obtaining is how a client signs in (credentials in the body); revoking needs a user.
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(
        request=ObtainAuthToken.serializer_class,
        responses={200: _TOKEN_ANSWER},
        summary="Obtain an API token (valid for NQI_API_TOKEN_DAYS days)",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = api_tokens.obtain(serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": api_tokens.expires_at(token)})

    @extend_schema(request=None, responses={204: None}, summary="Revoke my API token")
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        api_tokens.revoke(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


token_view = TokenView.as_view()
