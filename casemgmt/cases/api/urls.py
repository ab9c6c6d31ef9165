"""REST endpoints of the cases area."""

from django.urls import path

from casemgmt.cases.api import views

urlpatterns = [
    path("cases/", views.CaseList.as_view(), name="cases-api-list"),
    path("cases/intake/", views.CaseCreate.as_view(), name="cases-api-create"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="cases-api-detail"),
    path("cases/<int:pk>/withdraw/", views.CaseWithdraw.as_view(), name="cases-api-withdraw"),
    path("cases/<int:pk>/cancel/", views.CaseCancel.as_view(), name="cases-api-cancel"),
]
