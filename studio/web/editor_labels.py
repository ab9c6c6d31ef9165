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
    # frontend/editor/names.js
    gettext_noop("English name"),
    gettext_noop("Name shown on English pages"),
    gettext_noop("Empty: the Chinese name is shown there too."),
    # frontend/editor/operations.js
    gettext_noop("Approval operations"),
    gettext_noop("Opinion required"),
    gettext_noop("Opinion (审批意见)"),
    gettext_noop("Return to an earlier step (退回)"),
    gettext_noop("Recall (撤回)"),
    gettext_noop("Add signers (加签)"),
    gettext_noop("Delegate (委派)"),
    gettext_noop("Transfer (转办)"),
    gettext_noop("Urge (催办)"),
    gettext_noop("Copy to (抄送)"),
    gettext_noop("When sent back, resubmit straight to the returner (直接提交至退回节点)"),
    gettext_noop("Always copy to (抄送)"),
    gettext_noop("User names or role@org-unit, separated by commas."),
    gettext_noop("Button label"),
    gettext_noop("Empty: 办结 where the task ends the process, 提交 elsewhere."),
    gettext_noop("At most 20 characters."),
    gettext_noop("Done on the page"),
    gettext_noop(
        "A path of this site, e.g. /scorecard/{{ self_eval.evaluation_id }}/; empty: the task's own form."
    ),
    gettext_noop("A path starting with a single /."),
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
    gettext_noop("Version called"),
    gettext_noop(
        "Newest: the callee's newest version at each call. With the caller: the version that was "
        "newest when the caller's version was deployed."
    ),
    gettext_noop("Newest version at each call"),
    gettext_noop("The version deployed with the caller"),
    gettext_noop("Decision table"),
    gettext_noop("The decision this task evaluates, from the draft's .dmn files."),
    gettext_noop("Problems"),
    gettext_noop("No problems found."),
    # frontend/editor/timers.js ("Timer", the group, is the library's: zh.js).
    gettext_noop("Timer kind"),
    gettext_noop("Timers count calendar time: they do not skip non-working days."),
    gettext_noop("Duration (after waiting this long)"),
    gettext_noop("Date (at this moment)"),
    gettext_noop("Cycle (repeatedly)"),
    gettext_noop("Days"),
    gettext_noop("Hours"),
    gettext_noop("Minutes"),
    gettext_noop("Repetitions (empty: without end)"),
    gettext_noop("Date and time"),
    gettext_noop("Timer expression"),
    gettext_noop(
        "Written into the diagram as is: ISO 8601 (P3D, 2026-12-31T09:00:00+08:00, R3/PT1H) or an expression"
        " such as days(reminder_days) or a variable holding the text; checked by the server as you type."
    ),
    # frontend/editor/signing.js.
    gettext_noop("Countersign"),
    gettext_noop("Signing"),
    gettext_noop("Several people sign this task, one part each; the completion rule says when it is done."),
    gettext_noop("One person (no countersign)"),
    gettext_noop("All must sign (countersign, 会签)"),
    gettext_noop("Any one signs (or-sign, 或签)"),
    gettext_noop("One after another (依次审批)"),
    gettext_noop("Custom completion rule"),
    gettext_noop("Signers (process variable)"),
    gettext_noop(
        "The variable holding the list of signers, each a user name or role@org-unit"
        " (e.g. 市场监管所@district-01); one part per signer."
    ),
    gettext_noop("A variable name: letters, digits and _."),
    gettext_noop("Completion rule"),
    gettext_noop(
        "An expression over total, completed, approved and rejected, e.g. approved >= 2,"
        " approved >= total * 0.6, rejected > 0 (empty: all must sign)."
    ),
    # frontend/editor/messages.js ("Message", the entry, is the library's: zh.js).
    gettext_noop("Message and correlation"),
    gettext_noop("Picked from the messages of this diagram, or a new one."),
    gettext_noop("New message"),
    gettext_noop("New message…"),
    gettext_noop("Message name"),
    gettext_noop(
        "What senders and receivers match on; renaming it renames it for every event of this message."
    ),
    gettext_noop("Variable receiving the message"),
    gettext_noop(
        "The process variable that receives the message's payload (empty: the payload is not kept)."
    ),
    gettext_noop("Message payload"),
    gettext_noop('An expression giving what is sent, e.g. {"case_no": case_no, "opinion": opinion}.'),
    gettext_noop("Correlation key"),
    gettext_noop("The property that tells which instance a message is for, e.g. case_no (empty: none)."),
    gettext_noop("A name: letters, digits, _ . and -."),
    gettext_noop("Key in the message"),
    gettext_noop("An expression over the message's payload giving the key's value, e.g. case_no."),
    gettext_noop("Key in this process"),
    gettext_noop("An expression over this instance's variables giving the value it waits for, e.g. case_no."),
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
