from django.db import migrations

# The curated ISCO-08 list of thamm/occupations.py, as rows candidates and vacancies point to.
CODES = ["3113", "3114", "3115", "3122", "7212", "7223", "7233", "7412", "7421", "8211"]


def create_occupations(apps, schema_editor):
    Occupation = apps.get_model("candidates", "Occupation")
    for code in CODES:
        Occupation.objects.get_or_create(isco_code=code)


class Migration(migrations.Migration):
    dependencies = [("candidates", "0001_initial")]

    operations = [migrations.RunPython(create_occupations, migrations.RunPython.noop)]
