"""Drop the `varchar_pattern_ops` twins of the instance's business-key and org-unit indexes.

Django adds them beside any indexed CharField for `LIKE 'prefix%'`; nothing here searches those
columns by prefix (the case search is icontains, which no btree serves; org units are matched
exactly). Every instance insert, and every step that changes the status, wrote both. Django drops
`_like` indexes with IF EXISTS when it alters such a field, so later migrations keep working.
"""

from django.db import migrations

LIKE_INDEXES = {
    "workflows_processinstance_business_key_26735b39_like": "business_key",
    "workflows_processinstance_org_unit_code_d74de2cb_like": "org_unit_code",
}


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0005_state_lz4"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[f"DROP INDEX IF EXISTS {name}" for name in LIKE_INDEXES],
            reverse_sql=[
                f"CREATE INDEX IF NOT EXISTS {name} ON workflows_processinstance ({column} varchar_pattern_ops)"
                for name, column in LIKE_INDEXES.items()
            ],
        )
    ]
