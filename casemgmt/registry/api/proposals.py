"""Registry endpoints for the enterprise changes intakes proposed: list, accept, reject.

Thin views over casemgmt.registry.enterprise_changes. Staff only (enterprise users and strangers: 403);
an enterprise outside the reader's scope is 404, as elsewhere in the registry; deciding needs
casemgmt.registry_change_enterprise (the enterprise's own area: the auditor and another project's
staff who filed the case read but get 403).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casemgmt.models import Enterprise, EnterpriseChangeProposal
from casemgmt.org.scopes import registry_enterprises
from casemgmt.registry import enterprise_changes
from casemgmt.registry.api.serializers import (
    RegistryProposalAcceptSerializer,
    RegistryProposalRejectSerializer,
    RegistryProposalSerializer,
)
from core.errors import NotFound, PermissionDenied
from core.http.pagination import limit_and_offset, openapi_parameters

STAFF = "casemgmt.registry_view_enterprise_list"


def _staff(request: Request) -> None:
    if not request.user.has_perm(STAFF):
        raise PermissionDenied(f"You are not allowed to do this ({STAFF}).", f"您无权执行此操作（{STAFF}）。")


def _enterprise(request: Request, credit_code: str) -> Enterprise:
    _staff(request)
    found = registry_enterprises(request.user).filter(credit_code=credit_code.strip().upper()).first()
    if found is None:
        raise NotFound(f"Enterprise {credit_code} does not exist.", f"企业 {credit_code} 不存在。")
    return found


def _fresh(proposal: EnterpriseChangeProposal) -> EnterpriseChangeProposal:
    return EnterpriseChangeProposal.objects.select_related("enterprise", "case", "decided_by").get(
        pk=proposal.pk
    )


class EnterpriseProposalList(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["pending", "accepted", "rejected"]),
            *openapi_parameters(),
        ],
        responses=RegistryProposalSerializer(many=True),
        summary="Changes to an enterprise's details proposed by intakes, newest first",
        description="Contact person, phone and address values are masked (139****0000).",
    )
    def get(self, request: Request, credit_code: str) -> Response:
        enterprise = _enterprise(request, credit_code)
        # Paged like every list: `limit` (at most 200; more is a 400) and `offset`.
        limit, offset = limit_and_offset(request.query_params)
        found = enterprise_changes.visible_proposals(enterprise, request.user)
        wanted = request.query_params.get("status")
        if wanted:
            found = found.filter(status=wanted)
        return Response(RegistryProposalSerializer(found[offset : offset + limit], many=True).data)


class EnterpriseProposalAccept(APIView):
    @extend_schema(
        request=RegistryProposalAcceptSerializer,
        responses=RegistryProposalSerializer,
        summary="Accept a proposed change: the values are applied to the enterprise (409 when stale "
        "unless confirm_stale, 409 when already decided)",
    )
    def post(self, request: Request, credit_code: str, pk: int) -> Response:
        _staff(request)
        body = RegistryProposalAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = enterprise_changes.accept_proposal(
            credit_code,
            pk,
            actor=request.user,
            reason=body.validated_data["reason"],
            confirm_stale=body.validated_data["confirm_stale"],
        )
        return Response(RegistryProposalSerializer(_fresh(proposal)).data)


class EnterpriseProposalReject(APIView):
    @extend_schema(
        request=RegistryProposalRejectSerializer,
        responses=RegistryProposalSerializer,
        summary="Reject a proposed change (a reason is required); the enterprise stays as it is",
    )
    def post(self, request: Request, credit_code: str, pk: int) -> Response:
        _staff(request)
        body = RegistryProposalRejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = enterprise_changes.reject_proposal(
            credit_code, pk, actor=request.user, reason=body.validated_data["reason"]
        )
        return Response(RegistryProposalSerializer(_fresh(proposal)).data)
