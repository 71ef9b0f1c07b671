"""The company database's password encrypted at rest: widen the column, encrypt what is there,
then the field type."""

from django.db import migrations, models

import smsmotor.fields
from smsmotor.crypto import decrypt, encrypt


def encrypt_passwords(apps, schema_editor):
    IntegrationSource = apps.get_model("loads", "IntegrationSource")
    for pk, password in IntegrationSource.objects.exclude(password="").values_list("pk", "password"):
        IntegrationSource.objects.filter(pk=pk).update(password=encrypt(password))


def decrypt_passwords(apps, schema_editor):
    IntegrationSource = apps.get_model("loads", "IntegrationSource")
    for pk, token in IntegrationSource.objects.exclude(password="").values_list("pk", "password"):
        IntegrationSource.objects.filter(pk=pk).update(password=decrypt(token))


class Migration(migrations.Migration):
    dependencies = [
        ("loads", "0002_integration"),
    ]

    operations = [
        migrations.AlterField(
            model_name="integrationsource",
            name="password",
            field=models.TextField(blank=True, default="", verbose_name="password"),
        ),
        migrations.RunPython(encrypt_passwords, decrypt_passwords),
        migrations.AlterField(
            model_name="integrationsource",
            name="password",
            field=smsmotor.fields.EncryptedTextField(blank=True, default="", verbose_name="password"),
        ),
    ]
