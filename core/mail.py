"""The e-mail backend used when no mail server is configured (EMAIL_HOST unset).

Django's console backend prints every message whole, so without EMAIL_HOST the worker's log
carried notification e-mails: subjects and bodies naming enterprises and cases, and the
recipients' addresses. Addresses, names and texts are personal information (docs/personal-data.md,
"Logs"), and a log is read by more people and kept longer than the data it came from. This
backend sends nothing and logs one line per batch with counts only, so an operator still sees that
mail would have gone out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

logger = logging.getLogger(__name__)


class CountingBackend(BaseEmailBackend):
    """Sends nothing; logs how many messages and recipients there were, never who or what."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        messages = [message for message in email_messages if message.recipients()]
        if not messages:
            return 0
        recipients = sum(len(message.recipients()) for message in messages)
        logger.info(
            "mail not sent (no EMAIL_HOST): %d message%s, %d recipient%s",
            len(messages),
            "" if len(messages) == 1 else "s",
            recipients,
            "" if recipients == 1 else "s",
        )
        return len(messages)
