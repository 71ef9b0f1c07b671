from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("modem", "0006_event_text_stored"),
    ]

    operations = [
        migrations.AddField(
            model_name="modem",
            name="waiting_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("MINUTE", "at its SMS per minute"),
                    ("DAY", "at its SMS per day"),
                    ("ROTATION", "paused after repeated failures"),
                    ("REFUSED", "paused after refusals of the line"),
                ],
                editable=False,
                max_length=10,
                verbose_name="waiting",
            ),
        ),
        migrations.AddField(
            model_name="modem",
            name="waiting_until",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="waiting until"),
        ),
    ]
