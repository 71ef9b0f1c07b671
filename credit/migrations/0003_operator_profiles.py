"""The usual Bolivian operators, editable in the Credit tab (codes change: check yours)."""

from django.db import migrations

PROFILES = [
    {"name": "Entel", "method": "USSD", "ussd_code": "*105#"},
    {"name": "Tigo", "method": "USSD", "ussd_code": "*555#"},
    {"name": "Viva", "method": "USSD", "ussd_code": "*123#"},
]


def add_profiles(apps, schema_editor):
    OperatorProfile = apps.get_model("credit", "OperatorProfile")
    for profile in PROFILES:
        OperatorProfile.objects.get_or_create(name=profile["name"], defaults=profile)


class Migration(migrations.Migration):
    dependencies = [("credit", "0002_balance_queries")]

    operations = [migrations.RunPython(add_profiles, migrations.RunPython.noop)]
