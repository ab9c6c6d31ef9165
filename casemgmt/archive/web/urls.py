"""Pages of the archive area: the enterprise archive (一企一档), outcomes, the 服务情况统计表."""

from django.urls import path

from casemgmt.archive.web import outcomes as archive_outcomes
from casemgmt.archive.web import pages as archive_pages
from casemgmt.archive.web import sheet_exports as archive_sheets

urlpatterns = [
    path("archive/", archive_pages.archive_home, name="archive-home"),
    path("archive/enterprises/<int:pk>/", archive_pages.enterprise_archive, name="archive-enterprise"),
    path(
        "archive/enterprises/<int:pk>/outcomes/new/",
        archive_outcomes.record_for_enterprise,
        name="archive-outcome-new-enterprise",
    ),
    path(
        "archive/enterprises/<int:pk>/sheet/",
        archive_sheets.enterprise_sheet_page,
        name="archive-sheet-enterprise",
    ),
    path(
        "archive/enterprises/<int:pk>/sheet.xlsx",
        archive_sheets.enterprise_sheet_xlsx,
        name="archive-sheet-enterprise-xlsx",
    ),
    path(
        "archive/cases/<int:pk>/outcomes/new/",
        archive_outcomes.record_for_case,
        name="archive-outcome-new-case",
    ),
    path(
        "archive/projects/<int:pk>/outcomes/", archive_pages.project_outcomes, name="archive-project-outcomes"
    ),
    path(
        "archive/projects/<int:pk>/outcomes/new/",
        archive_outcomes.record_for_project,
        name="archive-outcome-new-project",
    ),
    path("archive/projects/<int:pk>/sheet/", archive_sheets.project_sheet_page, name="archive-sheet-project"),
    path(
        "archive/projects/<int:pk>/sheet.xlsx",
        archive_sheets.project_sheet_xlsx,
        name="archive-sheet-project-xlsx",
    ),
    path("archive/outcomes/<int:pk>/correct/", archive_outcomes.correct, name="archive-outcome-correct"),
]
