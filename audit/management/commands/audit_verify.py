"""`manage.py audit_verify`: recompute the audit hash chain; non-zero exit if it is broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit event hash chain and report every broken event, with their count."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            ids = result.broken_event_ids or []
            count = result.broken_count or 0
            listed = "" if len(ids) == count else f" (the first {len(ids)} listed)"
            self.stdout.write(f"Broken events: {count}{listed}")
            self.stdout.write(", ".join(str(event_id) for event_id in ids))
            raise CommandError(result.message)
        self.stdout.write(self.style.SUCCESS(result.message))
