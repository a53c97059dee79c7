from django.db import migrations

# A search for a name many share (one in sixteen at 200,000 candidates) reads every match through
# the trigram index before it can stop. These btree indexes give the names that start with the
# text in an order the index holds (byte order of the upper-cased name: `COLLATE "C"`), so the
# first 201 are read and the scan stops (candidates.selectors.candidate_search_ids). PostgreSQL
# only: SQLite has no "C" collation, and its search stays a scan (small databases).
INDEXES = {
    "cand_last_name_prefix": '((UPPER(last_name) COLLATE "C"))',
    "cand_centre_last_name_prefix": '(training_centre_id, (UPPER(last_name) COLLATE "C"))',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON candidates_candidate {columns}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("candidates", "0010_identity_grants")]

    operations = [migrations.RunPython(create, drop)]
