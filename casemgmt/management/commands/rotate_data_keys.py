"""Re-seal personal data (columns and evidence files) with the current key (core/crypto/rotation.py):

manage.py rotate_data_keys            # re-seal, then report what each key still holds
manage.py rotate_data_keys --check    # report only
manage.py rotate_data_keys --new-key ID   # print a fresh NQI_DATA_KEYS entry
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.crypto import keys, rotation


class Command(BaseCommand):
    help = "Re-seal encrypted personal-data columns with the current key and report key usage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="only report what each key holds")
        parser.add_argument("--new-key", metavar="ID", help="print a new NQI_DATA_KEYS entry and stop")

    def handle(self, *args: Any, check: bool = False, new_key: str | None = None, **options: Any) -> None:
        if new_key:
            self.stdout.write(keys.new_key(new_key))
            return
        if not check:
            for label, count in rotation.reseal().items():
                self.stdout.write(f"{label}: {count} rows re-sealed")
            self.stdout.write(f"{rotation.FILES}: {rotation.reseal_files()} files re-sealed")
        current = keys.ring().current.key_id
        counts = {**rotation.key_counts(), rotation.FILES: rotation.file_key_counts()}
        for label, tally in counts.items():
            held = ", ".join(f"{key_id}: {n}" for key_id, n in sorted(tally.items())) or "nothing"
            self.stdout.write(f"{label} ({'current key ' + current}): {held}")
