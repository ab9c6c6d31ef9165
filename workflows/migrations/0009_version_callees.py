from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0008_message_waits"),
    ]

    operations = [
        migrations.AddField(
            model_name="processmodelversion",
            name="callees",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
