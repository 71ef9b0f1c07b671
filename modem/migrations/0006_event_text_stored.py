from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("modem", "0005_simulated"),
    ]

    operations = [
        migrations.AddField(
            model_name="modemevent",
            name="text_stored",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
