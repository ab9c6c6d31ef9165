from django.urls import path

from casemgmt.inbox import lookup_views, phrase_pages, preview_page, signer_pages, task_operations, task_page

urlpatterns = [
    path("tasks/<int:pk>/", task_page.task_detail, name="task-detail-page"),
    path("tasks/<int:pk>/claim/", task_page.task_claim, name="task-claim-page"),
    path("tasks/<int:pk>/urge/", task_operations.task_urge, name="task-urge-page"),
    path("tasks/<int:pk>/return/", task_operations.task_return, name="task-return-page"),
    path("tasks/<int:pk>/recall/", task_operations.task_recall, name="task-recall-page"),
    path("tasks/<int:pk>/handover/", task_operations.task_handover, name="task-handover-page"),
    path("tasks/<int:pk>/hand-back/", task_operations.task_hand_back, name="task-hand-back-page"),
    path("tasks/<int:pk>/preview/", preview_page.task_preview, name="task-preview-page"),
    path("tasks/<int:pk>/signers/", signer_pages.task_add_signers, name="task-add-signers-page"),
    path("tasks/<int:pk>/sign/", signer_pages.task_sign, name="task-sign-page"),
    path("tasks/<int:pk>/remove-signer/", signer_pages.task_remove_signer, name="task-remove-signer-page"),
    path("phrases/", phrase_pages.phrase_list, name="phrases"),
    path("phrases/<int:pk>/edit/", phrase_pages.phrase_edit, name="phrase-edit"),
    path("phrases/<int:pk>/delete/", phrase_pages.phrase_delete, name="phrase-delete"),
    path("lookups/<slug:source>/", lookup_views.lookup_options, name="lookup-options"),
]
