import datetime

from django.db import migrations


def create_thamm_plus(apps, schema_editor):
    Scheme = apps.get_model("thamm", "Scheme")
    Scheme.objects.update_or_create(
        code="thamm-plus",
        defaults={
            "name": "THAMM Plus",
            "origin_country": "MA",
            # Lombardia, Veneto, Emilia-Romagna (ISO 3166-2)
            "destination_regions": ["IT-25", "IT-45", "IT-34"],
            "sector": "Mechatronics",
            "starts_on": datetime.date(2024, 1, 1),
            "ends_on": datetime.date(2026, 12, 31),
            "required_italian_level": "A2",
            "quota": 500,
            "region_targets": {},
            "is_current": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("thamm", "0002_stage_history_and_scheme")]

    operations = [migrations.RunPython(create_thamm_plus, migrations.RunPython.noop)]
