"""The page permission matrix: one entry per named page URL, the requests to make, what each persona gets.

Expected statuses are read off the rules (casemgmt/rules.py) and the views, not recorded from runs:
allowed → 200 (a page) or 302 (a form post that worked), forbidden → 403, another area's object
→ 404 (exactly as if it did not exist), anonymous → LOGIN (302 to the sign-in page).

The world: the approval diagram deployed and one case, SQ-1, started by operator_a at operator-fs
(office A's area), whose open task "submit" belongs to operator@operator-fs. Office B's people,
the enterprise user (who sees only enterprise-fs) and the stranger see none of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from audit.models import AuditEvent
from casemgmt.models import SavedFilter
from notifications.models import Notification
from studio import drafts
from studio.models import MigrationBatch, MigrationItem, ModelChange
from tests.module_world import Resettable
from tests.personas import AREA_A, OPERATOR_A, PERSONA_NAMES, Cast, another_process_admin
from workflows import human_tasks, instances, registry
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion

SHIPPED = Path(__file__).resolve().parents[2] / "bpmn"

PERSONAS = PERSONA_NAMES
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")
LOGIN = "login"  # 302 to the sign-in page (every page view is behind login_required)
# Who sees SQ-1 (workflows.view_task / view_instance): district-wide roles and area A's office and
# operator. Everyone else signed in must get 404 for it.
SEES_CASE_A = ("admin", "auditor", "reviewer", "office_a", "operator_a")
OFFICE_GROUP_A = f"office_staff@{AREA_A}"

Expected = dict[str, int | str]


class World(Resettable):
    """What the requests point at: built once per module, reset for every test (each test's writes
    are rolled back; tests/module_world.py)."""

    def __init__(self, cast: Cast, deploy: Callable[[str], ProcessModelVersion]) -> None:
        self.cast = cast
        self._deploy = deploy
        self.handler_fails = True
        deploy("approval")
        self.case = instances.start_instance(
            "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key="SQ-1", subject="计量"
        )
        self.task = self.case.human_tasks.get(status=HumanTask.Status.OPEN)
        self.event = AuditEvent.objects.filter(instance_id=self.case.pk).earliest("id")
        # Saved filters shared with office A's group: office_a's own, and a colleague's.
        self.own_filter = SavedFilter.objects.create(
            owner=cast.office_a, name="本所逾期", query="tab=overdue", shared_with_group=OFFICE_GROUP_A
        )
        self.colleagues_filter = SavedFilter.objects.create(
            owner=cast.office_a2, name="同事的", query="tab=claimable", shared_with_group=OFFICE_GROUP_A
        )
        self.keep()

    def record_handler(self, call: registry.ServiceCall) -> dict[str, Any]:
        """The 'test_record' service step: fails until the cause is "fixed" (handler_fails=False)."""
        if call.params.get("fail") and self.handler_fails:
            raise RuntimeError(f"handler refused {call.params['label']}")
        return {"label": call.params["label"]}

    @cached_property
    def broken(self) -> ProcessInstance:
        """An instance in error (office A's area), with the cause already fixed so a retry works."""
        self._deploy("service_step")
        case = instances.start_instance(
            "service_step", actor=self.cast.office_a, org_unit_code=AREA_A, business_key="ERR-1"
        )
        task = case.human_tasks.get(status=HumanTask.Status.OPEN)
        human_tasks.complete(task.pk, actor=self.cast.office_a, data={"label": "bad", "fail": True})
        case.refresh_from_db()
        assert case.status == InstanceStatus.ERROR
        self.handler_fails = False
        return case

    @cached_property
    def notification(self) -> Notification:
        """One of operator_a's notifications: only they may open it."""
        return Notification.objects.create(
            recipient=self.cast.operator_a,
            kind=Notification.Kind.TASK_AVAILABLE,
            event_id=self.event.pk,
            title=self.task.title,
            link=f"/tasks/{self.task.pk}/",
        )

    @cached_property
    def change(self) -> ModelChange:
        """A change of approval awaiting review, submitted by the admin."""
        version = ProcessModelVersion.objects.get(process_model__key="approval")
        return ModelChange.objects.create(
            process_model=version.process_model,
            base_version=version,
            files=version.files,
            content_hash=version.content_hash,
            draft_revision=1,
            note="改",
            author=self.cast.admin,
        )

    @cached_property
    def batch(self) -> MigrationBatch:
        """A batch migration of SQ-1, still running."""
        version = ProcessModelVersion.objects.get(process_model__key="approval")
        batch = MigrationBatch.objects.create(
            process_model=version.process_model,
            target_version=version,
            reason="上线",
            created_by=self.cast.admin,
        )
        MigrationItem.objects.create(batch=batch, instance=self.case, from_version=1)
        return batch

    def start_draft(self) -> None:
        drafts.start("approval", actor=self.cast.admin)

    def start_table_draft(self) -> None:
        """A draft of approval holding a decision table (the approval diagram has none)."""
        drafts.start("approval", actor=self.cast.admin)
        table = (SHIPPED / "score_band.dmn").read_text(encoding="utf-8")
        drafts.save("approval", actor=self.cast.admin, revision=1, files={"score_band.dmn": table})

    def edit_draft(self) -> None:
        """A draft at revision 2 that can be submitted: changed, valid, and a second admin to review."""
        deploy(bundle_for(SHIPPED / "model_change.bpmn"), actor=None, model_key="model_change")
        another_process_admin("admin2")
        draft, _ = drafts.start("approval", actor=self.cast.admin)
        xml = draft.files["approval.bpmn"].replace('name="', 'name="改', 1)
        drafts.save("approval", actor=self.cast.admin, revision=1, files={"approval.bpmn": xml})

    def claim_for_operator_a(self) -> None:
        human_tasks.claim(self.task.pk, actor=self.cast.operator_a)


@dataclass(frozen=True)
class Check:
    """One request against a row's URL and the status each persona must get."""

    label: str  # test id suffix
    method: str  # "get" or "post"
    expect: Expected
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    body: dict[str, Any] | Callable[[World], dict[str, Any]] = field(default_factory=dict)
    setup: Callable[[World], None] | None = None  # e.g. the state an allowed request needs

    def body_for(self, world: World) -> dict[str, Any]:
        return self.body(world) if callable(self.body) else self.body


def who(default: int, **statuses: int) -> Expected:
    """Every signed-in persona gets `default` unless named; anonymous is sent to the login page."""
    return {**dict.fromkeys(SIGNED_IN, default), **statuses, "anonymous": LOGIN}


def only(allowed: int, *personas: str) -> Expected:
    """The named personas get `allowed`, every other signed-in persona 403."""
    return who(403, **dict.fromkeys(personas, allowed))


def on_case_a(**statuses: int) -> Expected:
    """An object of area A: those who cannot see SQ-1 get 404; the others must be named."""
    assert set(statuses) == set(SEES_CASE_A), sorted(statuses)
    return who(404, **statuses)


CASE = lambda w: {"pk": w.case.pk}  # noqa: E731
TASK = lambda w: {"pk": w.task.pk}  # noqa: E731
SUSPEND = lambda w: {"pk": w.case.pk, "action": "suspend"}  # noqa: E731
MODEL = lambda w: {"key": "approval"}  # noqa: E731
FORM = lambda w: {"key": "approval", "name": "submit.json"}  # noqa: E731
DRAFT = lambda w: w.start_draft()  # noqa: E731
NOT_A_FORM = lambda w: {"key": "approval", "name": "approval.bpmn"}  # noqa: E731
# The designer's save of submit.json reduced to one text field.
FORM_SAVE = {"revision": "1", "op": "save", "row": "0", "f-0-name": "title", "f-0-kind": "text"}
TABLE = lambda w: {"key": "approval", "name": "score_band.dmn"}  # noqa: E731


def get_refused(kwargs: Callable[[World], dict[str, Any]] = lambda w: {}) -> Check:
    """A POST-only view: login_required first, then require_POST, then the view's own checks."""
    return Check("get-405", "get", who(405), kwargs)


AUDIT_READERS = only(200, "admin", "auditor")  # audit.view_events: district-wide, not scoped
# Claim, unclaim, submit (workflows.claim_task / work_task): only the task's candidate group, which
# here is operator_a alone; the others who see the task are refused, not hidden from.
TASK_GROUP_ONLY = on_case_a(admin=403, auditor=403, reviewer=403, office_a=403, operator_a=302)
# casemgmt.view_board: process admins, the auditor (read-only) and the case-working roles.
BOARD_VIEWERS = ("admin", "auditor", "reviewer", "office_a", "office_b", "operator_a", "operator_b")

MATRIX: dict[str, tuple[Check, ...]] = {
    "home": (Check("get", "get", who(200)),),  # each role's own home page
    # The inbox lists only the user's own and group-claimable tasks, so it is open to every
    # signed-in user (empty for auditor, enterprise user, stranger: tests/web/test_inbox.py).
    "inbox": (Check("get", "get", who(200)),),
    "inbox-claim": (Check("post", "post", TASK_GROUP_ONLY, TASK), get_refused(TASK)),
    "inbox-unclaim": (
        Check("post", "post", TASK_GROUP_ONLY, TASK, setup=World.claim_for_operator_a),
        get_refused(TASK),
    ),
    # workflows.assign_task: process admins anywhere, else members of the task's group.
    "inbox-reassign": (
        Check(
            "post",
            "post",
            on_case_a(admin=302, auditor=403, reviewer=403, office_a=403, operator_a=302),
            TASK,
            {"assignee": "operator_a", "reason": "轮岗"},
        ),
        get_refused(TASK),
    ),
    # Everyone saves filters of their own; sharing is limited to one's groups by the form.
    "inbox-filter-save": (
        Check("post", "post", who(302), body={"name": "逾期", "query": "tab=overdue"}),
        get_refused(),
    ),
    # A filter is found only by its owner and its group (else 404); only the owner deletes it.
    "inbox-filter-delete": (
        Check("post-own", "post", who(404, office_a=302), lambda w: {"pk": w.own_filter.pk}),
        Check("post-colleagues", "post", who(404, office_a=403), lambda w: {"pk": w.colleagues_filter.pk}),
        get_refused(lambda w: {"pk": w.own_filter.pk}),
    ),
    "task-detail-page": (
        Check("get", "get", on_case_a(**dict.fromkeys(SEES_CASE_A, 200)), TASK),
        Check("post-submit", "post", TASK_GROUP_ONLY, TASK, {"f.title": "计量检定申请", "f.amount": "12.5"}),
    ),
    "task-claim-page": (Check("post", "post", TASK_GROUP_ONLY, TASK), get_refused(TASK)),
    # A lookup picker's options: every signed-in user may search; each source scopes what it lists
    # (enterprises: those the user may see; tests/registry/test_lookups.py).
    "lookup-options": (
        Check("get", "get", who(200), lambda w: {"source": "institution"}, {"q": "检测"}),
        Check("get-enterprise", "get", who(200), lambda w: {"source": "enterprise"}),
        Check("get-unknown", "get", who(404), lambda w: {"source": "nothing"}),
    ),
    "board": (Check("get", "get", only(200, *BOARD_VIEWERS)),),
    # workflows.operate_instance: process admins, and operators/offices in their own area. The
    # board refuses enterprise users and strangers before it looks at the case.
    "board-action": (
        Check(
            "post-suspend",
            "post",
            who(404, admin=302, auditor=403, reviewer=403, office_a=302, operator_a=302)
            | {"enterprise_a": 403, "stranger": 403},
            SUSPEND,
            {"reason": "材料待补正"},
        ),
        Check(
            "post-retry-not-a-board-action",
            "post",
            only(404, *BOARD_VIEWERS),
            lambda w: {"pk": w.case.pk, "action": "retry"},
            {"reason": "x"},
        ),
        get_refused(SUSPEND),
    ),
    # Instance administration: workflows.manage_instance (process admins) before anything else.
    "instance-admin": (Check("get", "get", only(200, "admin")),),
    "instance-admin-detail": (Check("get", "get", only(200, "admin"), CASE),),
    "instance-admin-action": (
        Check(
            "post-suspend",
            "post",
            only(302, "admin"),
            SUSPEND,
            {"reason": "核查"},
        ),
        Check(
            "post-retry",
            "post",
            only(302, "admin"),
            lambda w: {"pk": w.broken.pk, "action": "retry"},
            {"reason": "已修复"},
        ),
        Check("post-unknown", "post", only(404, "admin"), lambda w: {"pk": w.case.pk, "action": "archive"}),
        get_refused(SUSPEND),
    ),
    # No newer version is deployed in this world: the admin's move is refused as the same version.
    "instance-admin-migrate": (
        Check("post", "post", only(400, "admin"), CASE, {"reason": "升级流程版本"}),
        get_refused(CASE),
    ),
    # Everyone signed in has notifications; a notification is its recipient's alone (others: 404).
    "notification-list": (Check("get", "get", who(200)),),
    "notification-open": (
        Check("post", "post", who(404, operator_a=302), lambda w: {"pk": w.notification.pk}),
        get_refused(lambda w: {"pk": w.notification.pk}),
    ),
    "notification-read-all": (Check("post", "post", who(302)), get_refused()),
    "notification-preferences": (
        Check("get", "get", who(200)),
        Check("post", "post", who(302), body={"email_assignments": "on"}),
    ),
    "audit-review": (Check("get", "get", AUDIT_READERS),),
    "audit-event": (Check("get", "get", AUDIT_READERS, lambda w: {"pk": w.event.pk}),),
    "audit-case-timeline": (Check("get", "get", AUDIT_READERS, lambda w: {"key": "SQ-1"}),),
    "audit-export-csv": (Check("get", "get", AUDIT_READERS),),
    "audit-export-xlsx": (Check("get", "get", AUDIT_READERS),),
    "audit-access": (Check("get", "get", AUDIT_READERS),),
    "audit-verify": (Check("post", "post", only(302, "admin", "auditor")), get_refused()),
    # The process studio: process admins only (workflows.deploy_model). An upload without files is
    # refused on the page (400) for them.
    "studio-models": (Check("get", "get", only(200, "admin")),),
    "studio-model": (Check("get", "get", only(200, "admin"), MODEL),),
    # A test run: process admins only; it lands on the run's first task.
    "studio-test-run": (
        Check("post", "post", only(302, "admin"), MODEL, {"version": "1"}),
        get_refused(MODEL),
    ),
    "studio-upload": (Check("post-no-files", "post", only(400, "admin")), get_refused()),
    "studio-availability": (
        Check("post", "post", only(302, "admin"), MODEL, {"enabled": "1"}),
        get_refused(MODEL),
    ),
    "studio-download": (Check("get", "get", only(200, "admin"), lambda w: {"key": "approval", "number": 1}),),
    # The editor: its start page without a draft, the modeler with one; starting and discarding
    # answer with a redirect.
    "studio-editor": (
        Check("get", "get", only(200, "admin"), MODEL),
        Check("get-draft", "get", only(200, "admin"), MODEL, setup=lambda w: w.start_draft()),
    ),
    # The decision-table editor: a .dmn file of the draft; without a draft the admin is sent to the
    # editor page (which offers to start one); a file that is not one of its tables is not found.
    "studio-decision-editor": (
        Check("get", "get", only(200, "admin"), TABLE, setup=lambda w: w.start_table_draft()),
        Check("get-no-draft", "get", only(302, "admin"), TABLE),
        Check(
            "get-not-a-table",
            "get",
            only(404, "admin"),
            lambda w: {"key": "approval", "name": "approval.bpmn"},
            setup=lambda w: w.start_draft(),
        ),
    ),
    # The form designer: a .json form of the draft (without a draft, the editor page, which offers
    # one; a file that is not a form is not found). An edit or the preview answers the page, a
    # save and a new form a redirect.
    "studio-form-designer": (
        Check("get", "get", only(200, "admin"), FORM, setup=DRAFT),
        Check("get-no-draft", "get", only(302, "admin"), FORM),
        Check("get-not-a-form", "get", only(404, "admin"), NOT_A_FORM, setup=DRAFT),
        Check("post-add", "post", only(200, "admin"), FORM, {"revision": "1", "op": "add"}, setup=DRAFT),
        Check("post-save", "post", only(302, "admin"), FORM, FORM_SAVE, setup=DRAFT),
    ),
    "studio-form-preview": (
        Check("post", "post", only(200, "admin"), FORM, FORM_SAVE, setup=DRAFT),
        get_refused(FORM),
    ),
    "studio-form-create": (
        Check("post", "post", only(302, "admin"), MODEL, {"name": "extra", "revision": "1"}, setup=DRAFT),
        get_refused(MODEL),
    ),
    "studio-editor-start": (Check("post", "post", only(302, "admin"), MODEL), get_refused(MODEL)),
    "studio-editor-submit": (
        Check(
            "post",
            "post",
            only(302, "admin"),
            MODEL,
            {"revision": "2", "note": "改"},
            setup=lambda w: w.edit_draft(),
        ),
        get_refused(MODEL),
    ),
    # A change authored by the admin: they see it, and may not decide it (four eyes).
    "studio-change": (Check("get", "get", only(200, "admin"), lambda w: {"pk": w.change.pk}),),
    "studio-change-decide": (
        Check("post", "post", only(403, "admin"), lambda w: {"pk": w.change.pk}, {"decision": "approve"}),
        get_refused(lambda w: {"pk": w.change.pk}),
    ),
    # Batch migration: nothing chosen, the dry run shows the page and the start is refused on it.
    "studio-migrate": (Check("get", "get", only(200, "admin"), MODEL),),
    "studio-migrate-dry-run": (Check("post", "post", only(200, "admin"), MODEL), get_refused(MODEL)),
    "studio-migrate-start": (
        Check("post", "post", only(400, "admin"), MODEL, {"reason": "上线"}),
        get_refused(MODEL),
    ),
    "studio-batch": (Check("get", "get", only(200, "admin"), lambda w: {"pk": w.batch.pk}),),
    "studio-batch-resume": (
        Check("post", "post", only(302, "admin"), lambda w: {"pk": w.batch.pk}),
        get_refused(lambda w: {"pk": w.batch.pk}),
    ),
    "studio-editor-discard": (
        Check("post", "post", only(302, "admin"), MODEL, {"revision": "1"}, setup=lambda w: w.start_draft()),
        get_refused(MODEL),
    ),
}
