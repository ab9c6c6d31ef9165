from django.urls import path

from . import message_views, operation_views, phrase_views, preview_views, signer_views, views

urlpatterns = [
    path("process-models/", views.ProcessModelList.as_view(), name="process-model-list"),
    path("process-models/deploy/", views.Deploy.as_view(), name="process-model-deploy"),
    path("process-models/<slug:key>/", views.ProcessModelDetail.as_view(), name="process-model-detail"),
    path(
        "process-models/<slug:key>/versions/<int:number>/",
        views.VersionFiles.as_view(),
        name="process-model-version",
    ),
    path("instances/", views.InstanceListCreate.as_view(), name="instance-list"),
    path("instances/<int:pk>/", views.InstanceDetail.as_view(), name="instance-detail"),
    path("instances/<int:pk>/migrate/", views.InstanceMigrate.as_view(), name="instance-migrate"),
    path("tasks/", views.TaskList.as_view(), name="task-list"),
    path("tasks/<int:pk>/", views.TaskDetail.as_view(), name="task-detail"),
    path("tasks/<int:pk>/claim/", views.TaskClaim.as_view(), name="task-claim"),
    path("tasks/<int:pk>/unclaim/", views.TaskUnclaim.as_view(), name="task-unclaim"),
    path("tasks/<int:pk>/assign/", views.TaskAssign.as_view(), name="task-assign"),
    path("tasks/<int:pk>/complete/", views.TaskComplete.as_view(), name="task-complete"),
    path("tasks/<int:pk>/urge/", operation_views.TaskUrge.as_view(), name="task-urge"),
    path(
        "tasks/<int:pk>/return-targets/",
        operation_views.TaskReturnTargets.as_view(),
        name="task-return-targets",
    ),
    path("tasks/<int:pk>/return/", operation_views.TaskReturn.as_view(), name="task-return"),
    path("tasks/<int:pk>/recall/", operation_views.TaskRecall.as_view(), name="task-recall"),
    path(
        "tasks/<int:pk>/transfer/",
        operation_views.TaskHandover.as_view(operation="transfer"),
        name="task-transfer",
    ),
    path(
        "tasks/<int:pk>/delegate/",
        operation_views.TaskHandover.as_view(operation="delegate"),
        name="task-delegate",
    ),
    path("tasks/<int:pk>/hand-back/", operation_views.TaskHandBack.as_view(), name="task-hand-back"),
    path("tasks/<int:pk>/preview/", preview_views.TaskPreview.as_view(), name="task-preview"),
    path("tasks/<int:pk>/signers/", signer_views.TaskAddSigners.as_view(), name="task-add-signers"),
    path("tasks/<int:pk>/sign/", signer_views.TaskSign.as_view(), name="task-sign"),
    path("tasks/<int:pk>/remove-signer/", signer_views.TaskRemoveSigner.as_view(), name="task-remove-signer"),
    path("copies/", signer_views.CopyList.as_view(), name="copy-list"),
    path("phrases/", phrase_views.PhraseList.as_view(), name="phrase-list"),
    path("phrases/<int:pk>/", phrase_views.PhraseDetail.as_view(), name="phrase-detail"),
    path("messages/", message_views.MessageSend.as_view(), name="message-send"),
    path("signals/", message_views.SignalSend.as_view(), name="signal-send"),
]
for _name in ("suspend", "resume", "terminate", "retry"):
    urlpatterns.append(
        path(
            f"instances/<int:pk>/{_name}/",
            views.InstanceAction.as_view(action_name=_name),
            name=f"instance-{_name}",
        )
    )
