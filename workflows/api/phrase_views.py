"""常用语 (saved phrases) in the API: each person reads and edits only their own."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import phrases
from .serializers import PhraseSerializer


class PhraseList(APIView):
    @extend_schema(responses=PhraseSerializer(many=True), summary="My saved phrases (常用语)")
    def get(self, request: Request) -> Response:
        return Response(PhraseSerializer(phrases.phrases_of(request.user), many=True).data)

    @extend_schema(request=PhraseSerializer, responses=PhraseSerializer, summary="Save a phrase")
    def post(self, request: Request) -> Response:
        body = PhraseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        phrase = phrases.add(request.user, body.validated_data["text"])
        return Response(PhraseSerializer(phrase).data, status=status.HTTP_201_CREATED)


class PhraseDetail(APIView):
    @extend_schema(request=PhraseSerializer, responses=PhraseSerializer, summary="Change a saved phrase")
    def patch(self, request: Request, pk: int) -> Response:
        body = PhraseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(PhraseSerializer(phrases.edit(request.user, pk, body.validated_data["text"])).data)

    @extend_schema(request=None, responses={204: None}, summary="Delete a saved phrase")
    def delete(self, request: Request, pk: int) -> Response:
        phrases.remove(request.user, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
