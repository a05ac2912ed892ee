"""An index for the public commitment list's default order (recently published first:
``published_at DESC NULLS LAST, id DESC``, published rows only), so that its first page
and its page 100 read 25 index entries instead of sorting every published row.

PostgreSQL only: the SQLite this project supports cannot put NULLS LAST in an index,
and without it PostgreSQL could not use the index for this order. Not in the model's
Meta for the same reason (the state would differ by database).
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS commitment_published_order ON commitments_commitment "
    "(published_at DESC NULLS LAST, id DESC) WHERE publication_state = 'published'"
)
DROP = "DROP INDEX IF EXISTS commitment_published_order"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0007_merge_confirmations_and_partial_dates"),
    ]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
