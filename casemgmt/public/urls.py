"""Pages of the public area: online intake and status lookup, open to everyone without sign-in."""

from django.urls import URLPattern, path

from casemgmt.public import intake as public_intake
from casemgmt.public import status as public_status

urlpatterns: list[URLPattern] = [
    path("public/intake/", public_intake.intake, name="public-intake"),
    path("public/intake/<str:case_no>/receipt/", public_intake.receipt, name="public-receipt"),
    path("public/status/", public_status.lookup, name="public-lookup"),
    path("public/status/<str:case_no>/", public_status.status, name="public-status"),
    path("public/status/<str:case_no>/feedback/", public_status.feedback, name="public-feedback"),
    path("public/status/<str:case_no>/withdraw/", public_status.withdraw, name="public-withdraw"),
]
