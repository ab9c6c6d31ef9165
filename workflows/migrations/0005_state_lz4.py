"""Compress instance state with lz4 where the server has it.

Every engine step reads the state (the lock) and writes it back (the turn); a state of a few KB is
compressed on each write. lz4 does that several times faster than PostgreSQL's default pglz
(bench/, section 1: ≈0.07 ms a step). Servers built without lz4 (the embedded one of
`scripts/run`) keep pglz: the statement fails there with feature_not_supported, which is caught.
Values already stored keep their method until rewritten, which the next step does.
"""

from django.db import migrations

FORWARD = """
DO $$
BEGIN
    ALTER TABLE workflows_processinstance ALTER COLUMN state SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available on this server: instance state stays pglz-compressed';
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0004_covered_foreign_key_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=FORWARD,
            reverse_sql="ALTER TABLE workflows_processinstance ALTER COLUMN state SET COMPRESSION pglz",
        )
    ]
