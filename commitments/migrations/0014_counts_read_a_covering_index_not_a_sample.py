"""The public list's counts are exact: the sample's index (0009) goes, and an index
holding what the counts read from each published row takes its place.

``commitment_sample`` was made by raw SQL on PostgreSQL only (0009), so it is dropped
the same way; ``commitment_published_facets`` is declared on the model (a covering
index, which Django makes on PostgreSQL only).
"""

from django.db import migrations, models

SAMPLE_INDEX = (
    "((MOD(id * 7919, 1009))) "
    "INCLUDE (id, publication_state, status, city_id, outcome_document_id, start_date)"
)


def drop_sample_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS commitment_sample")


def create_sample_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS commitment_sample ON commitments_commitment {SAMPLE_INDEX}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0013_drop_tallies"),
    ]

    operations = [
        migrations.RunPython(drop_sample_index, create_sample_index),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("publication_state", "published")),
                fields=["city"],
                include=("id", "status", "initiative", "outcome_document", "start_date"),
                name="commitment_published_facets",
            ),
        ),
    ]
