"""What the service-task handlers of service_case.bpmn do and read, in the words the process
editor shows a process administrator choosing one (see workflows.registry.HandlerInfo)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.registry import HandlerInfo, HandlerParam

CASE_ID = HandlerParam(
    name="case_id",
    type="int",
    description=_("The case the step works on: normally the process variable case_id."),
)

INFO: dict[str, HandlerInfo] = {
    "case_stage": HandlerInfo(
        label=_("Move the case to a stage"),
        description=_("Sets the case's stage to the one given, so that the case lists show where it stands."),
        params=(
            CASE_ID,
            HandlerParam(
                name="stage",
                type="str",
                description=_(
                    "The stage code: intake, matching, follow_up, feedback, closed, withdrawn or cancelled."
                ),
            ),
        ),
    ),
    "case_review": HandlerInfo(
        label=_("Save the intake review"),
        description=_(
            "Keeps the catalogue items and need summary the operator confirmed in the review form "
            "and moves the case on to service matching."
        ),
        params=(CASE_ID,),
    ),
    "case_match": HandlerInfo(
        label=_("Record the service matching"),
        description=_(
            "Checks and saves the technical institution or expert the case was matched with, then moves "
            "the case on to follow-up; an institution that does not exist or is inactive, or a missing "
            "expert, sends the task back with the reason."
        ),
        params=(
            CASE_ID,
            HandlerParam(
                name="by",
                type="str",
                description=_(
                    "Who did the matching: 'operator' reads the operating organization's matching form, "
                    "'office' the market supervision office's assisted-matching form."
                ),
            ),
        ),
    ),
    "case_request_help": HandlerInfo(
        label=_("Ask the office for help"),
        description=_(
            "Marks the case as needing the market supervision office's help with matching and keeps "
            "the operator's matching note."
        ),
        params=(CASE_ID,),
    ),
    "case_escalate": HandlerInfo(
        label=_("Escalate an overdue case"),
        description=_(
            "When the matching reminder fires, hands an open case to the market supervision office the "
            "first time only, and tells the diagram whether this was the first time."
        ),
        params=(CASE_ID,),
    ),
    "case_assist": HandlerInfo(
        label=_("Save the office's assistance"),
        description=_("Records in the case history the note the office wrote on how it helped."),
        params=(CASE_ID,),
    ),
    "case_record": HandlerInfo(
        label=_("Save a service record"),
        description=_(
            "Saves one follow-up service record (date, service mode, service class, content) from the "
            "form; a future date or a missing field sends the task back with the reason."
        ),
        params=(CASE_ID,),
    ),
    "case_feedback": HandlerInfo(
        label=_("Save the service feedback"),
        description=_(
            "Saves the enterprise's rating, effects of the service and other effects (new jobs, "
            "amounts) on the case; an invalid entry sends the task back with the reason."
        ),
        params=(CASE_ID,),
    ),
    "case_close": HandlerInfo(
        label=_("Complete the case"),
        description=_("Marks the case completed and records when it was completed."),
        params=(CASE_ID,),
    ),
}
