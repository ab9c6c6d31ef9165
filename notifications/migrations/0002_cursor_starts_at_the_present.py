"""Start the delivery cursor at the end of the audit log as it is when this app is installed.

Otherwise the first pass on an existing installation would tell everyone about every task
created since the beginning, long after they were done.
"""

from django.db import migrations


def start_at_the_present(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEvent = apps.get_model("audit", "AuditEvent")
    DeliveryCursor = apps.get_model("notifications", "DeliveryCursor")
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    DeliveryCursor.objects.update_or_create(pk=1, defaults={"last_event_id": newest})


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("audit", "0006_append_function"),
    ]

    operations = [migrations.RunPython(start_at_the_present, migrations.RunPython.noop)]
