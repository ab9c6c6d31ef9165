from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.permissions import IsAuthenticated

# The API first: Django tries patterns in order, and the web pages' are many (no web pattern
# matches a path under api/, so the order changes nothing else).
urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[IsAuthenticated]),
        name="api-docs",
    ),
    path("api/auth/token/", obtain_auth_token, name="api-token"),
    path("api/", include("workflows.api.urls")),
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
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
