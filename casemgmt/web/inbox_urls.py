from django.urls import path

from . import inbox

urlpatterns = [
    path("", inbox.home, name="home"),
    path("inbox/", inbox.inbox, name="inbox"),
]
