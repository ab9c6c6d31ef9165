from django.urls import path

from . import changes, decisions, views

urlpatterns = [
    path("process-models/<slug:key>/draft/", views.Draft.as_view(), name="process-model-draft"),
    path(
        "process-models/<slug:key>/draft/submit/", changes.Submit.as_view(), name="process-model-draft-submit"
    ),
    path(
        "process-models/<slug:key>/draft/decisions/try/",
        decisions.DecisionTry.as_view(),
        name="process-model-draft-decision-try",
    ),
    path("model-changes/<int:pk>/", changes.ChangeDetail.as_view(), name="model-change-detail"),
    path("model-changes/<int:pk>/decide/", changes.Decide.as_view(), name="model-change-decide"),
]
