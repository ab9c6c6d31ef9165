from django.urls import path

from casemgmt.cases.web import board

urlpatterns = [
    path("board/", board.board, name="board"),
    path("board/<int:pk>/<slug:action>/", board.board_action, name="board-action"),
]
