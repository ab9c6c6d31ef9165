"""REST endpoints of the archive area."""

from django.urls import path

from casemgmt.archive.api import views

urlpatterns = [
    path("archive/outcomes/", views.OutcomeList.as_view(), name="archive-api-outcome-list"),
    path("archive/outcomes/<int:pk>/", views.OutcomeDetail.as_view(), name="archive-api-outcome-detail"),
    path(
        "archive/outcomes/<int:pk>/correct/",
        views.OutcomeCorrect.as_view(),
        name="archive-api-outcome-correct",
    ),
    path("archive/enterprises/<int:pk>/", views.EnterpriseArchive.as_view(), name="archive-api-enterprise"),
    path(
        "archive/enterprises/<int:pk>/sheet.xlsx",
        views.EnterpriseSheetXlsx.as_view(),
        name="archive-api-sheet-enterprise",
    ),
    path(
        "archive/projects/<int:pk>/sheet.xlsx",
        views.ProjectSheetXlsx.as_view(),
        name="archive-api-sheet-project",
    ),
]
