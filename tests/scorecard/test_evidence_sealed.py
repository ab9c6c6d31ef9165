"""Evidence files sealed on disk (core/crypto/storage.py) and re-sealed by a key rotation along
with the columns: a file sealed with the old key and one written before sealing both end up
under the new key, and read back unchanged."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from casemgmt.models import ServiceProject
from casemgmt.scorecard.attachments import add_evidence
from casemgmt.scorecard.services import create_evaluation
from core.crypto import keys, rotation
from core.crypto.ciphers import is_sealed_bytes, key_id_of_bytes
from tests.personas import Cast

from .helpers import END, START, pdf

OLD = keys.new_key("k2025")
NEW = keys.new_key("k2026")


@pytest.mark.django_db
def test_a_rotation_re_seals_evidence_files(project_a: ServiceProject, cast: Cast, media_root: Path) -> None:
    evaluation = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    with override_settings(NQI_DATA_KEYS=OLD):
        sealed = add_evidence(evaluation, 1, 1, pdf("scan.pdf"), actor=cast.operator_a)
        legacy = add_evidence(evaluation, 1, 2, pdf("old.pdf"), actor=cast.operator_a)
        with sealed.file.open("rb") as handle:
            content = handle.read()
    # A file stored before sealing was switched on: plain bytes on disk.
    (media_root / legacy.file.name).write_bytes(content)
    on_disk = (media_root / sealed.file.name).read_bytes()
    assert is_sealed_bytes(on_disk) and key_id_of_bytes(on_disk) == "k2025"

    with override_settings(NQI_DATA_KEYS=f"{NEW},{OLD}"):
        assert rotation.file_key_counts() == {"k2025": 1, rotation.PLAIN: 1}
        out = StringIO()
        call_command("rotate_data_keys", stdout=out)
        assert "files: 2 files re-sealed" in out.getvalue()
        assert rotation.file_key_counts() == {"k2026": 2}
        assert rotation.reseal_files() == 0  # nothing left to do
    with override_settings(NQI_DATA_KEYS=NEW):
        for row in (sealed, legacy):
            assert key_id_of_bytes((media_root / row.file.name).read_bytes()) == "k2026"
            with row.file.open("rb") as handle:
                assert handle.read() == content
    assert not list(media_root.rglob("*.resealing"))
