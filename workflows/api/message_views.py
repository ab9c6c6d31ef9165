"""Sending messages and signals into processes: parse, call the one service, answer its outcome."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import messages
from ..sending import request_from


class MessageSend(APIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses=OpenApiTypes.OBJECT,
        summary="Send a message by name and correlation keys: delivered (200), buffered (202), "
        "no receiver (404 with the keys), several receivers (409); the same message_id again is a replay",
    )
    def post(self, request: Request) -> Response:
        sent = messages.send_message(request_from(request.data), actor=request.user)
        code = status.HTTP_202_ACCEPTED if sent.outcome == "buffered" else status.HTTP_200_OK
        return Response(sent.as_dict(), status=code)


class SignalSend(APIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses=OpenApiTypes.OBJECT,
        summary="Broadcast a signal to every process waiting for it (202; delivered by a job)",
    )
    def post(self, request: Request) -> Response:
        sent = messages.send_signal(request_from(request.data), actor=request.user)
        return Response(sent.as_dict(), status=status.HTTP_202_ACCEPTED)
