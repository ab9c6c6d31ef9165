from django.urls import path

from . import board

urlpatterns = [
    path("board/", board.board, name="board"),
    path("board/<int:pk>/<slug:action>/", board.board_action, name="board-action"),
]
