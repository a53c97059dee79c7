"""Candidates get the code companies see instead of their name (random, unique) and the time of
their certification (from their stage history, for those certified already)."""

import secrets

from django.db import migrations, models

import candidates.models

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def fill(apps, schema_editor):
    Candidate = apps.get_model("candidates", "Candidate")
    StageChange = apps.get_model("thamm", "StageChange")
    taken = set()
    for candidate in Candidate.objects.only("pk").iterator():
        code = None
        while code is None or code in taken:
            code = "W-" + "".join(secrets.choice(ALPHABET) for _ in range(8))
        taken.add(code)
        Candidate.objects.filter(pk=candidate.pk).update(code=code)
    # The first certification (from training): a later move back from "available" is not one.
    first = {}
    for target_id, when in (
        StageChange.objects.filter(
            target_type="candidates.candidate", to_stage="certified", from_stage="in_training"
        )
        .order_by("created_at")
        .values_list("target_id", "created_at")
    ):
        first.setdefault(target_id, when)
    for target_id, when in first.items():
        Candidate.objects.filter(pk=int(target_id)).update(certified_at=when)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0007_list_indexes"),
        ("thamm", "0003_thamm_plus_scheme"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="code",
            field=models.CharField(max_length=12, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="candidate",
            name="certified_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="certified"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="candidate",
            name="code",
            field=models.CharField(
                default=candidates.models.new_code,
                editable=False,
                max_length=12,
                unique=True,
                verbose_name="code shown to companies",
            ),
        ),
    ]
