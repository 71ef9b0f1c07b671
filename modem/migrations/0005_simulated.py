from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("modem", "0004_pin_encrypted"),
    ]

    operations = [
        migrations.AddField(
            model_name="modem",
            name="simulated",
            field=models.BooleanField(default=False, editable=False, verbose_name="simulated"),
        ),
        migrations.AlterField(
            model_name="modemcommand",
            name="kind",
            field=models.CharField(
                choices=[
                    ("DETECT_PORTS", "Detect ports"),
                    ("RECONNECT", "Reconnect"),
                    ("USSD", "USSD code"),
                    ("SIMULATE_SMS", "Receive an SMS (simulated modem)"),
                    ("SIMULATE_CALL", "Receive a call (simulated modem)"),
                ],
                max_length=20,
                verbose_name="command",
            ),
        ),
    ]
