"""What the service-task handlers of site_promotion.bpmn and typical_cases.bpmn do and read, in the
words the process editor shows a process administrator choosing one (workflows.registry.HandlerInfo)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.registry import HandlerInfo, HandlerParam

EVALUATION_STAGE = HandlerParam(
    name="stage",
    type="str",
    description=_(
        "Which evaluation: self (the operating organization's self-assessment), office (the market "
        "supervision office's evaluation) or district (the district bureau's evaluation)."
    ),
)

BAND_STAGE = HandlerParam(
    name="stage",
    type="str",
    description=_("Whose score band it is: office (the office's evaluation) or district (the bureau's)."),
)

INFO: dict[str, HandlerInfo] = {
    "promotion.prepare": HandlerInfo(
        label=_("Prepare the evaluation cycle"),
        description=_(
            "Checks that the service project is street- or district-level, opens this cycle's "
            "assessment for the period and gives the later steps the project's details and reminder days."
        ),
        params=(
            HandlerParam(
                name="project_id",
                type="int",
                description=_("The service project to assess (its number in the system)."),
            ),
            HandlerParam(
                name="period_start",
                type="str",
                description=_("First day of the evaluation period, as YYYY-MM-DD."),
            ),
            HandlerParam(
                name="period_end",
                type="str",
                description=_("Last day of the evaluation period, as YYYY-MM-DD."),
            ),
        ),
    ),
    "promotion.open_evaluation": HandlerInfo(
        label=_("Open a scorecard evaluation"),
        description=_(
            "Creates a draft scorecard of the given stage, starting from the previous stage's "
            "scorecard, for the user task that waits for it to be submitted."
        ),
        params=(
            EVALUATION_STAGE,
            HandlerParam(
                name="task_spec",
                type="str",
                description=_("Id of the user task in this diagram that waits for the scorecard."),
            ),
        ),
    ),
    "promotion.check_evaluation": HandlerInfo(
        label=_("Check the submitted scorecard"),
        description=_(
            "Checks that the task was completed by submitting this cycle's scorecard of the given stage "
            "and gives its base, bonus and total score for the score band table."
        ),
        params=(EVALUATION_STAGE,),
    ),
    "promotion.record_band": HandlerInfo(
        label=_("Record the score band"),
        description=_(
            "Saves the score band the decision table gave (unqualified, recorded, district candidate "
            "or city candidate) and the outcome it means for this cycle."
        ),
        params=(BAND_STAGE,),
    ),
    "promotion.record_guidance": HandlerInfo(
        label=_("Record the guidance"),
        description=_(
            "Saves the office's construction guidance for an unqualified project and the "
            "rectification deadline."
        ),
    ),
    "promotion.record_recommendation": HandlerInfo(
        label=_("Record the office's recommendation"),
        description=_(
            "Saves the proposed district-level name from the application and the office's decision "
            "(recommend, or return with reasons)."
        ),
    ),
    "promotion.name_district": HandlerInfo(
        label=_("Name a district-level project"),
        description=_(
            "After the district bureau's evaluation is passed, makes the project district-level under "
            "its proposed name and keeps a naming record."
        ),
    ),
    "promotion.record_outcome": HandlerInfo(
        label=_("Set the cycle's outcome"),
        description=_("Sets the outcome of this evaluation cycle to the one given."),
        params=(
            HandlerParam(
                name="outcome",
                type="str",
                description=_(
                    "The outcome code, e.g. district_held (district level confirmed, not recommended "
                    "to the city)."
                ),
            ),
        ),
    ),
    "promotion.build_package": HandlerInfo(
        label=_("Build the city nomination package"),
        description=_(
            "Generates the package from the district bureau's evaluation, keeps it with the city "
            "nomination and marks the project recommended for city-level naming."
        ),
        params=(
            HandlerParam(
                name="format",
                type="str",
                description=_("File format of the package: xlsx or pdf (anything else gives xlsx)."),
            ),
        ),
    ),
    "promotion.record_city_answer": HandlerInfo(
        label=_("Record the city's answer"),
        description=_(
            "Saves the city bureau's answer, its date and note; an approval names the project city-level."
        ),
    ),
    "promotion.remind": HandlerInfo(
        label=_("Remind a waiting task"),
        description=_("Moves the open user task to the top of its group's inbox."),
        params=(
            HandlerParam(
                name="task_spec",
                type="str",
                description=_("Id of the user task to move up, e.g. self_assessment."),
            ),
        ),
    ),
    "promotion.check_typical_cases": HandlerInfo(
        label=_("Count the quarter's typical cases"),
        description=_(
            "Counts the typical cases the office of this process has submitted for the quarter, "
            "with the time of the latest one."
        ),
        params=(
            HandlerParam(
                name="quarter",
                type="str",
                description=_("The quarter, e.g. 2026Q3."),
            ),
        ),
    ),
}
