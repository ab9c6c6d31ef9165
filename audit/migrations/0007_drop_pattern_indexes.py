"""Drop the two `varchar_pattern_ops` indexes Django adds beside an indexed or unique CharField.

They serve only `LIKE 'prefix%'` searches, and nothing searches audit hashes or business keys by
prefix (the case search uses icontains, which no btree serves). Every appended event paid two
index writes for them. Django drops `_like` indexes with IF EXISTS when it alters such a field,
so removing them here leaves later migrations working.
"""

from django.db import migrations

LIKE_INDEXES = (
    "audit_auditevent_hash_d0c402da_like",
    "audit_auditevent_business_key_1f087fc2_like",
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_append_function"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[f"DROP INDEX IF EXISTS {name}" for name in LIKE_INDEXES],
            reverse_sql=[
                "CREATE INDEX IF NOT EXISTS audit_auditevent_hash_d0c402da_like "
                "ON audit_auditevent (hash varchar_pattern_ops)",
                "CREATE INDEX IF NOT EXISTS audit_auditevent_business_key_1f087fc2_like "
                "ON audit_auditevent (business_key varchar_pattern_ops)",
            ],
        )
    ]
