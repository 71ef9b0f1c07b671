"""The SIM PIN encrypted at rest: widen the column, encrypt what is there, then the field type."""

from django.db import migrations, models

import smsmotor.fields
from smsmotor.crypto import decrypt, encrypt


def encrypt_pins(apps, schema_editor):
    Modem = apps.get_model("modem", "Modem")
    for pk, pin in Modem.objects.exclude(pin="").values_list("pk", "pin"):
        Modem.objects.filter(pk=pk).update(pin=encrypt(pin))


def decrypt_pins(apps, schema_editor):
    Modem = apps.get_model("modem", "Modem")
    for pk, token in Modem.objects.exclude(pin="").values_list("pk", "pin"):
        Modem.objects.filter(pk=pk).update(pin=decrypt(token))


class Migration(migrations.Migration):
    dependencies = [
        ("modem", "0003_routing"),
    ]

    operations = [
        migrations.AlterField(
            model_name="modem",
            name="pin",
            field=models.TextField(blank=True, default="", verbose_name="SIM PIN"),
        ),
        migrations.RunPython(encrypt_pins, decrypt_pins),
        migrations.AlterField(
            model_name="modem",
            name="pin",
            field=smsmotor.fields.EncryptedTextField(blank=True, default="", verbose_name="SIM PIN"),
        ),
    ]
