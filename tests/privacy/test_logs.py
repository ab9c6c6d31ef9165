"""No personal data in the logs (issue 19, item 7): a whole service case, its public status
lookup, notifications by e-mail and webhook, and the retention job, with every logger at DEBUG;
then the captured records, what the configured handlers printed and the process's own output
are searched for every personal value the journey used."""

from __future__ import annotations

import io
import logging
import smtplib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.test import Client, override_settings
from django.urls import reverse

from casemgmt.models import CaseStage, OrgUnit, ServiceProject
from core import retention
from core.mail import CountingBackend
from notifications.delivery import deliver, send_pending_emails
from notifications.models import Notification, Preference, Webhook
from tests.cases.support import FEEDBACK, RECORD, deploy_service_case, open_task, submit, work
from tests.factories import make_project
from tests.personas import AREA_A, OPERATOR_A, Cast
from tests.test_logging import log_output  # noqa: F401 - the fixture: what the configured handlers print
from workflows import human_tasks, instances

CONTACT, PHONE = "李四", "13800138000"
OTHER_CONTACT, OTHER_PHONE = "王五", "13900139000"
ENTERPRISE = "上海松江测试企业1有限公司"
ADDRESS = "上海市松江区中山路1号"
EXPERT = "赵六（上海质检院）"
EMAILS = {"office_a": "fang.song@example.gov.cn", "office_a2": "zhang.san@example.gov.cn"}
PERSONAL = [CONTACT, PHONE, OTHER_CONTACT, OTHER_PHONE, ENTERPRISE, ADDRESS, EXPERT, *EMAILS.values()]


def leaks(texts: Iterable[str], values: Sequence[str] = PERSONAL) -> list[str]:
    """The personal values that occur in any of the texts."""
    joined = "\n".join(texts)
    return [value for value in values if value in joined]


@pytest.fixture
def every_logger_at_debug() -> Iterator[None]:
    """Every logger emits everything, the ones settings quieten (spiff, axes, django) included."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        for logger, level in levels.items():
            logger.setLevel(level)


def record_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Each record as a handler would print it, its traceback included."""
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return [formatter.format(record) for record in caplog.records]


def a_project() -> ServiceProject:
    """Project FS, run by operator-fs under 方松所 (as tests/cases/conftest.py makes it)."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[AREA_A, OPERATOR_A])}
    return make_project(
        code="fangsong", case_prefix="FS", coordinating_office=units[AREA_A], operator=units[OPERATOR_A]
    )


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="core.mail.CountingBackend")
def test_a_whole_service_case_journey_logs_no_personal_data(
    cast: Cast,
    every_logger_at_debug: None,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    log_output: io.StringIO,  # noqa: F811
) -> None:
    caplog.set_level(logging.DEBUG)
    deploy_service_case()
    project = a_project()
    for username, address in EMAILS.items():
        user = getattr(cast, username)
        user.email = address
        user.save()
    Preference.objects.create(user=cast.office_a, email_new_tasks=True)
    # A receiver that is down: every delivery attempt fails and is logged.
    Webhook.objects.create(name="OA", url="http://127.0.0.1:9/hooks/nqi", secret="s")

    # The window registers the request; a second one, online, for the same enterprise gives
    # another contact (a change proposal for the enterprise's staff).
    case = submit(project, cast.operator_a, contact_name=CONTACT, contact_phone=PHONE)
    submit(project, None, channel="online", contact_name=OTHER_CONTACT, contact_phone=OTHER_PHONE)

    # The enterprise looks its case up on the public page: a wrong phone first, then the right one.
    public = Client()
    lookup = reverse("public-lookup")
    assert public.post(lookup, {"case_no": case.case_no, "phone": OTHER_PHONE}).status_code == 400
    found = public.post(lookup, {"case_no": case.case_no, "phone": PHONE})
    assert found.status_code == 302
    assert public.get(found["Location"]).status_code == 200
    assert public.get(reverse("public-status", args=["FS-0000-99999"])).status_code in (302, 404)

    # The operator asks the office for help; the office is told (one by e-mail), the district's
    # process admin hands the task to a colleague, who is told by e-mail too and matches an expert.
    case = work(case, "review", cast.operator_a, {"need_summary": "需检测机构"})
    case = work(
        case, "match", cast.operator_a, {"outcome": "office_help", "matching_note": "找不到合适的机构"}
    )
    deliver()
    human_tasks.assign(open_task(case, "office_match").pk, actor=cast.admin, assignee_username="office_a2")
    deliver()
    case = work(
        case,
        "office_match",
        cast.office_a2,
        {"office_outcome": "expert", "office_expert": EXPERT, "office_note": "已联系"},
    )
    case = work(case, "record", cast.operator_a, RECORD)
    case = work(case, "feedback", cast.operator_a, FEEDBACK)
    assert case.stage == CaseStage.CLOSED
    deliver()
    retention.run()

    # The journey did what it says: notifications, two e-mails, webhook attempts, refusals.
    assert Notification.objects.filter(recipient=cast.office_a, emailed_at__isnull=False).exists()
    assert Notification.objects.filter(recipient=cast.office_a2, emailed_at__isnull=False).exists()
    texts = record_texts(caplog)
    printed = log_output.getvalue()
    out, err = capfd.readouterr()
    everything = [*texts, printed, out, err]
    joined = "\n".join(everything)
    assert "mail not sent (no EMAIL_HOST): 1 message, 1 recipient" in joined
    assert "Bad Request: /public/status/" in joined
    assert "attempt 1 failed" in joined and "retention: " in joined
    # And none of the personal values it used.
    assert leaks(everything) == [], "\n".join(line for line in joined.splitlines() if leaks([line]))


def test_the_check_finds_what_the_console_backend_would_have_printed() -> None:
    """Why the backend changed: Django's console backend printed the whole message."""
    stream = io.StringIO()
    message = EmailMessage("[NQI] 新任务", f"{ENTERPRISE}\n{CONTACT} {PHONE}", None, [EMAILS["office_a"]])
    from django.core.mail.backends.console import EmailBackend

    EmailBackend(stream=stream).send_messages([message])
    assert set(leaks([stream.getvalue()])) == {ENTERPRISE, CONTACT, PHONE, EMAILS["office_a"]}


def test_the_counting_backend_logs_counts_only(caplog: pytest.LogCaptureFixture) -> None:
    messages = [
        EmailMessage(f"[NQI] {ENTERPRISE}", PHONE, None, [EMAILS["office_a"], EMAILS["office_a2"]]),
        EmailMessage("x", "y", None, [EMAILS["office_a"]], cc=[f"{CONTACT} <lisi@example.com>"]),
        EmailMessage("nobody", "to send to", None, []),
    ]
    with caplog.at_level(logging.DEBUG):
        sent = CountingBackend().send_messages(messages)
        assert CountingBackend().send_messages([]) == 0
    assert sent == 2
    assert [r.getMessage() for r in caplog.records] == [
        "mail not sent (no EMAIL_HOST): 2 messages, 4 recipients"
    ]
    assert leaks([caplog.text]) == []


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the recipient: smtplib's error names the address."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        refused = {
            address: (550, f"5.1.1 <{address}> unknown".encode()) for m in email_messages for address in m.to
        }
        raise smtplib.SMTPRecipientsRefused(refused)


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="tests.privacy.test_logs.RefusingBackend")
def test_a_refused_e_mail_is_logged_without_the_address(cast: Cast, caplog: pytest.LogCaptureFixture) -> None:
    cast.office_a.email = EMAILS["office_a"]
    cast.office_a.save()
    Notification.objects.create(recipient=cast.office_a, kind="task_assigned", event_id=1, title=ENTERPRISE)
    with caplog.at_level(logging.DEBUG):
        assert send_pending_emails() == 0
    [record] = [r for r in caplog.records if r.name == "notifications.delivery"]
    assert record.getMessage().endswith("e-mail failed (SMTPRecipientsRefused)")
    assert leaks(record_texts(caplog)) == []
    # Released for the next pass, as before.
    assert Notification.objects.get().emailed_at is None


@pytest.mark.django_db
def test_a_failed_step_is_logged_without_its_message(
    cast: Cast, deploy_fixture: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler's refusal may quote the data it was given (tests/handlers.py echoes its label):
    the log names the step and the exception's class; the message stays on the instance."""
    deploy_fixture("service_step")
    instance = instances.start_instance("service_step", actor=cast.office_a, org_unit_code=AREA_A)
    with caplog.at_level(logging.DEBUG):
        human_tasks.complete(
            instance.human_tasks.get(status="open").pk,
            actor=cast.office_a,
            data={"label": PHONE, "fail": True},
        )
    instance.refresh_from_db()
    assert instance.status == "error" and PHONE in instance.last_error
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("engine step failed")]
    assert line.endswith("(HandlerBoom)"), line
    assert leaks(record_texts(caplog)) == []
