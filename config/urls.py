from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from core.http.api_token_views import token_view

# The API first: Django tries patterns in order, and the web pages' are many (no web pattern
# matches a path under api/, so the order changes nothing else).
urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # The split view serves Swagger UI's start-up script as a file of its own (?script):
        # the Content-Security-Policy allows no inline script.
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[IsAuthenticated]),
        name="api-docs",
    ),
    path("api/auth/token/", token_view, name="api-token"),  # POST obtain, DELETE revoke
    path("api/", include("workflows.api.urls")),
    path("api/", include("studio.api.urls")),
    path("api/", include("audit.api.urls")),
    path("api/", include("casemgmt.api.urls")),
    path("api/", include("casemgmt.scorecard.api.urls")),
    path("api/", include("casemgmt.promotion.api.urls")),
    path("", include("casemgmt.web.urls")),
    path("", include("workflows.web.urls")),
    path("", include("audit.web.urls")),
    path("", include("casemgmt.scorecard.web.urls")),
    path("", include("casemgmt.promotion.web.urls")),
    path("", include("notifications.web.urls")),
    path("", include("studio.web.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Error pages in the site's layout and language; JSON under /api/ (core/http/error_views.py).
handler400 = "core.http.error_views.bad_request"
handler403 = "core.http.error_views.permission_denied"
handler404 = "core.http.error_views.page_not_found"
handler500 = "core.http.error_views.server_error"
