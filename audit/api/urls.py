from django.urls import path

from .views import AuditEventListView, ChainVerificationView

urlpatterns = [
    path("audit-events/", AuditEventListView.as_view(), name="audit-event-list"),
    path("audit-events/verification/", ChainVerificationView.as_view(), name="audit-chain-verification"),
]
