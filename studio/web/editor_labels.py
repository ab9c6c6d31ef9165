"""The editor's own words, translated here with the rest of the site (the .po files) and handed
to the page: the properties panel's labels for what the service reads, keyed by their English
text (the bundle asks bpmn-js's translate service for them), and the draft's save states."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# The English texts of frontend/editor/entries.js and provider.js: gettext_noop so that
# makemessages finds them; bpmn_labels() translates them when the page asks.
PANEL_TEXTS = (
    gettext_noop("(none)"),
    gettext_noop("unknown"),
    gettext_noop("Role"),
    gettext_noop("Everyone holding this role (in the instance's organization) works the tasks in this lane."),
    gettext_noop("Handling"),
    gettext_noop("Lane (role)"),
    gettext_noop("Picking a lane moves the step into it."),
    gettext_noop("Who works this task: the lane of that role."),
    gettext_noop("Form"),
    gettext_noop("What the person working the task fills in."),
    gettext_noop("Instructions"),
    gettext_noop("Shown above the form; {{ name }} inserts a process variable."),
    gettext_noop("Due in working days"),
    gettext_noop("Empty: no due date."),
    gettext_noop("Priority"),
    gettext_noop("0 to 100; higher comes first in the inbox (empty: 50)."),
    gettext_noop("A whole number from 0 to {max}."),
    gettext_noop("Service handler"),
    gettext_noop("Handler"),
    gettext_noop("What the service does when the flow reaches this task."),
    gettext_noop("Result variable"),
    gettext_noop("The process variable that receives what the handler answers."),
    gettext_noop("An expression, e.g. case_id or 'text'."),
    gettext_noop("Condition"),
    gettext_noop(
        "A Python expression over the process variables, e.g. score > 70; checked by the server as you type."
    ),
    gettext_noop("Called process"),
    gettext_noop("The key of the deployed model this activity runs."),
    gettext_noop("Decision table"),
    gettext_noop("The decision this task evaluates, from the draft's .dmn files."),
    gettext_noop("Problems"),
    gettext_noop("No problems found."),
    # bpmn-js-token-simulation's own labels (frontend/editor/simulation.js).
    gettext_noop("Token Simulation"),
    gettext_noop("Reset Simulation"),
    gettext_noop("Play/Pause Simulation"),
    gettext_noop("Toggle Simulation Log"),
    gettext_noop("Set Sequence Flow"),
    gettext_noop("Trigger Event"),
    gettext_noop("Add pause point"),
    gettext_noop("Remove pause point"),
    gettext_noop("Set animation speed = Slow"),
    gettext_noop("Set animation speed = Normal"),
    gettext_noop("Set animation speed = Fast"),
)


def bpmn_labels() -> dict[str, str]:
    return {text: _(text) for text in PANEL_TEXTS}


def status_labels() -> dict[str, str]:
    return {
        "unsaved": _("Unsaved changes"),
        "saving": _("Saving…"),
        "saved": _("Saved (revision %(n)s)"),
        "not_saved": _("Not saved"),
        "offline": _("The draft could not be saved; trying again shortly."),
    }


def decision_editor_labels() -> dict[str, object]:
    """The decision-table editor's own words (its dmn-js strings are in frontend/dmn/zh.js)."""
    return {
        "dmn": {},
        "status": status_labels(),
        "problems": _("Problems in this decision table that keep the draft from deploying: %(n)s"),
        "no_problems": _("No problems in this decision table."),
        "failed": _("The decision table could not be opened."),
        "decisions": {
            "matched": _("Matched rows:"),
            "no_match": _("No row matched: the outputs stay unset."),
            "bad_json": _("The process data is not valid JSON."),
            "not_saved": _("The table could not be saved, so it was not tested (see the save status)."),
        },
    }
