from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0007_incoming_note"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="outgoingmessage",
            index=models.Index(fields=["load", "status"], name="outgoing_load_status"),
        ),
    ]
