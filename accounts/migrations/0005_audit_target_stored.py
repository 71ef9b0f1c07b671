from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="target_stored",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
