"""Pages of the cases area."""

from django.urls import path

from casemgmt.cases.web import intake as cases_intake
from casemgmt.cases.web import pages as cases_pages

urlpatterns = [
    path("cases/", cases_pages.case_list, name="cases-list"),
    path("cases/new/", cases_intake.case_intake, name="cases-intake"),
    path("cases/<int:pk>/", cases_pages.case_detail, name="cases-detail"),
    path("cases/<int:pk>/receipt/", cases_pages.case_receipt, name="cases-receipt"),
    path("cases/<int:pk>/withdraw/", cases_pages.case_withdraw, name="cases-withdraw"),
    path("cases/<int:pk>/cancel/", cases_pages.case_cancel, name="cases-cancel"),
]
