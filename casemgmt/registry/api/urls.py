"""REST endpoints of the registry area."""

from django.urls import path

from casemgmt.registry.api import proposals, views

urlpatterns = [
    path("registry/projects/", views.ProjectList.as_view(), name="registry-api-projects"),
    path("registry/projects/<slug:code>/", views.ProjectDetail.as_view(), name="registry-api-project"),
    path("registry/stations/", views.StationListCreate.as_view(), name="registry-api-stations"),
    path("registry/stations/<int:pk>/", views.StationDetail.as_view(), name="registry-api-station"),
    path("registry/enterprises/", views.EnterpriseListCreate.as_view(), name="registry-api-enterprises"),
    path(
        "registry/enterprises/<str:credit_code>/",
        views.EnterpriseDetail.as_view(),
        name="registry-api-enterprise",
    ),
    path(
        "registry/enterprises/<str:credit_code>/proposals/",
        proposals.EnterpriseProposalList.as_view(),
        name="registry-api-enterprise-proposals",
    ),
    path(
        "registry/enterprises/<str:credit_code>/proposals/<int:pk>/accept/",
        proposals.EnterpriseProposalAccept.as_view(),
        name="registry-api-enterprise-proposal-accept",
    ),
    path(
        "registry/enterprises/<str:credit_code>/proposals/<int:pk>/reject/",
        proposals.EnterpriseProposalReject.as_view(),
        name="registry-api-enterprise-proposal-reject",
    ),
    path("registry/institutions/", views.InstitutionSearch.as_view(), name="registry-api-institutions"),
]
