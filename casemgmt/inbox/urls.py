from django.urls import path

from casemgmt.inbox import page as inbox
from casemgmt.inbox import saved_filters as inbox_filters

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/tasks/<int:pk>/claim/", inbox.claim, name="inbox-claim"),
    path("inbox/tasks/<int:pk>/unclaim/", inbox.unclaim, name="inbox-unclaim"),
    path("inbox/tasks/<int:pk>/reassign/", inbox.reassign, name="inbox-reassign"),
    path("inbox/filters/", inbox_filters.save_filter, name="inbox-filter-save"),
    path("inbox/filters/<int:pk>/delete/", inbox_filters.delete_filter, name="inbox-filter-delete"),
]
