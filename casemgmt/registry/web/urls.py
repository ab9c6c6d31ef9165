"""Pages of the registry area: projects, stations and staff, enterprises, institutions, and the
public directory and institution lookups (no sign-in)."""

from django.urls import path

from casemgmt.registry.web import enterprises as registry_enterprises
from casemgmt.registry.web import institutions as registry_institutions
from casemgmt.registry.web import projects as registry_projects
from casemgmt.registry.web import public_directory as registry_public
from casemgmt.registry.web import stations as registry_stations

urlpatterns = [
    path("registry/projects/", registry_projects.project_list, name="registry-projects"),
    path("registry/projects/<slug:code>/", registry_projects.project_detail, name="registry-project"),
    path(
        "registry/projects/<slug:code>/stations/new/",
        registry_stations.station_create,
        name="registry-station-create",
    ),
    path("registry/stations/<int:pk>/edit/", registry_stations.station_edit, name="registry-station-edit"),
    path("registry/stations/<int:pk>/staff/new/", registry_stations.staff_add, name="registry-staff-add"),
    path("registry/staff/<int:pk>/edit/", registry_stations.staff_edit, name="registry-staff-edit"),
    path("registry/staff/<int:pk>/remove/", registry_stations.staff_remove, name="registry-staff-remove"),
    path("registry/enterprises/", registry_enterprises.enterprise_list, name="registry-enterprises"),
    path(
        "registry/enterprises/<str:credit_code>/",
        registry_enterprises.enterprise_detail,
        name="registry-enterprise",
    ),
    path(
        "registry/enterprises/<str:credit_code>/proposals/<int:pk>/accept/",
        registry_enterprises.proposal_accept,
        name="registry-enterprise-proposal-accept",
    ),
    path(
        "registry/enterprises/<str:credit_code>/proposals/<int:pk>/reject/",
        registry_enterprises.proposal_reject,
        name="registry-enterprise-proposal-reject",
    ),
    path(
        "registry/enterprises/<str:credit_code>/edit/",
        registry_enterprises.enterprise_edit,
        name="registry-enterprise-edit",
    ),
    path("registry/institutions/", registry_institutions.institution_search, name="registry-institutions"),
    path("directory/", registry_public.public_directory, name="registry-public-directory"),
    path(
        "directory/institutions/",
        registry_institutions.public_institution_lookup,
        name="registry-public-institutions",
    ),
]
