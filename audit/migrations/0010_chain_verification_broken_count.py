"""ChainVerification counts every broken event and keeps the first ids (audit.verify).

Both columns are added NULL with no default: the table is append-only (migration 0002 refuses
UPDATE), and earlier runs stopped at their first break, so they have no count to fill in.
Adding a nullable column rewrites no row, so the append-only triggers are not involved.
"""

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0009_enterprise_change_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainverification",
            name="broken_count",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="broken events"),
        ),
        migrations.AddField(
            model_name="chainverification",
            name="broken_event_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(),
                blank=True,
                null=True,
                size=None,
                verbose_name="broken event ids",
            ),
        ),
    ]
