"""The SMTP password becomes an EncryptedTextField: the column already holds the same Fernet
tokens (smsmotor.crypto), so only its name and type change. An index on the audit trail's action."""

from django.db import migrations, models

import smsmotor.fields


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_audit_trail"),
    ]

    operations = [
        migrations.RenameField(
            model_name="serversettings",
            old_name="smtp_password_encrypted",
            new_name="smtp_password",
        ),
        migrations.AlterField(
            model_name="serversettings",
            name="smtp_password",
            field=smsmotor.fields.EncryptedTextField(blank=True, default="", verbose_name="password"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["action", "-at"], name="audit_by_action"),
        ),
    ]
