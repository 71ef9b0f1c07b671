from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_secrets_audit_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True, choices=[("es", "Spanish"), ("en", "English")], max_length=8, verbose_name="language"
            ),
        ),
    ]
