"""Contact names and phones of enterprises and cases sealed at rest (core/crypto, issue 19).

The columns become text (a sealed value is longer than the phone it holds) and every existing
value is sealed with the current key; backwards, every value is opened and written back plain
before the columns shrink again.
"""

from django.db import migrations

import casemgmt.registry.validators
import core.crypto.fields

SEALED = (("Enterprise", ("contact_name", "phone")), ("ServiceCase", ("contact_name", "contact_phone")))


def seal_existing(apps, schema_editor):
    for name, fields in SEALED:
        model = apps.get_model("casemgmt", name)
        for row in model.objects.only("pk", *fields).iterator(chunk_size=1000):
            # Read in the clear (a plain value reads as itself), written back through the field.
            model.objects.filter(pk=row.pk).update(**{field: getattr(row, field) for field in fields})


def open_existing(apps, schema_editor):
    for name, fields in SEALED:
        model = apps.get_model("casemgmt", name)
        table = schema_editor.quote_name(model._meta.db_table)
        assignments = ", ".join(f"{schema_editor.quote_name(field)} = %s" for field in fields)
        with schema_editor.connection.cursor() as cursor:
            for row in model.objects.only("pk", *fields).iterator(chunk_size=1000):
                # Raw SQL: through the field the plain value would be sealed again.
                cursor.execute(
                    f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608 (names quoted)
                    [*(getattr(row, field) for field in fields), row.pk],
                )


class Migration(migrations.Migration):
    dependencies = [
        ("casemgmt", "0009_consent_and_correction_requests"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enterprise",
            name="contact_name",
            field=core.crypto.fields.EncryptedTextField(
                blank=True, max_length=100, verbose_name="contact person"
            ),
        ),
        migrations.AlterField(
            model_name="enterprise",
            name="phone",
            field=core.crypto.fields.EncryptedTextField(
                blank=True,
                max_length=32,
                validators=[casemgmt.registry.validators.check_cn_phone],
                verbose_name="contact phone",
            ),
        ),
        migrations.AlterField(
            model_name="servicecase",
            name="contact_name",
            field=core.crypto.fields.EncryptedTextField(max_length=100, verbose_name="contact person"),
        ),
        migrations.AlterField(
            model_name="servicecase",
            name="contact_phone",
            field=core.crypto.fields.EncryptedTextField(
                max_length=32,
                validators=[casemgmt.registry.validators.check_cn_phone],
                verbose_name="contact phone",
            ),
        ),
        # Backwards this runs first, while the columns are still text and the fields still open.
        migrations.RunPython(seal_existing, open_existing),
    ]
