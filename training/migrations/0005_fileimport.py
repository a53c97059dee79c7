from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_alter_organisation_country"),
        ("thamm", "0004_job"),
        ("training", "0004_import_job"),
    ]

    operations = [
        migrations.RenameModel("ResultImport", "FileImport"),
        migrations.AddField(
            model_name="fileimport",
            name="kind",
            field=models.CharField(
                choices=[("results", "Results"), ("candidates", "Candidates")],
                default="results",
                max_length=12,
                verbose_name="kind",
            ),
        ),
    ]
