from django.db import migrations

# The THAMM Plus catalogue: (code, title, kind, hours, pass mark, mandatory, safety).
CATALOGUE = [
    ("MEC-PLC", "Automation and PLC programming", "technical", 80, 60, True, False),
    ("MEC-PNH", "Pneumatics and hydraulics", "technical", 50, 60, True, False),
    ("MEC-ELS", "Electrical systems", "technical", 60, 60, True, False),
    ("MEC-CNC", "CNC machining", "technical", 60, 60, True, False),
    ("MEC-MNT", "Industrial maintenance", "technical", 50, 60, True, False),
    ("MEC-ROB", "Industrial robotics", "technical", 40, 60, False, False),
    ("MEC-HSE", "Workplace health and safety", "technical", 16, 70, True, True),
    ("ITA", "Italian language", "language", 200, 0, True, False),
    ("CIV", "Civic orientation", "civic", 20, 60, True, False),
    ("EMP-ETH", "Ethical recruitment (employers)", "employer", 4, 0, False, False),
    ("EMP-ICS", "Intercultural skills (employers)", "employer", 4, 0, False, False),
]


def create_catalogue(apps, schema_editor):
    Course = apps.get_model("training", "Course")
    for code, title, kind, hours, pass_mark, mandatory, safety in CATALOGUE:
        Course.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "kind": kind,
                "hours": hours,
                "pass_mark": pass_mark,
                "mandatory": mandatory,
                "is_safety": safety,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(create_catalogue, migrations.RunPython.noop)]
