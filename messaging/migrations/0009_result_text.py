from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0008_outgoing_load_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingmessage",
            name="result_text",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
