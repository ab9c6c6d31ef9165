from django.urls import path

from casemgmt.inbox import lookup_views, task_page

urlpatterns = [
    path("tasks/<int:pk>/", task_page.task_detail, name="task-detail-page"),
    path("tasks/<int:pk>/claim/", task_page.task_claim, name="task-claim-page"),
    path("lookups/<slug:source>/", lookup_views.lookup_options, name="lookup-options"),
]
