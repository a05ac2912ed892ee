"""Indexes that keep the public commitment list's cost flat as the table grows.

1. ``commitment_sample``, for counting over a sample (``core.sampling``): on the row's
   sample bucket, ``MOD(id * 7919, 1009)``, holding the columns the list's counts
   group and filter by, so that a count over the sample reads about SAMPLE_ROWS index
   entries (an index-only scan) whatever the size of the table. Not a partial index
   (published rows only): PostgreSQL estimates how many rows a condition on an
   expression keeps from the statistics of an index on it, and takes none from a
   partial index; a wrong estimate (a third of the table) makes it hash whole tables
   to join the sample.
2. One per sort of the list besides the default (0008), and one for the API's order
   (recently updated first), published rows only, in the
   sort's order: the first page of a sort reads its 25 rows in order and stops,
   instead of sorting every row the filters select. (The sort by city name orders by
   a column of another table, which no index of this one can hold.)

PostgreSQL only, like 0008: SQLite, the embedded default for small sites, counts
exactly (a table past ``EXACT_COUNTS_UP_TO`` rows belongs on PostgreSQL), and cannot
put NULLS LAST in an index.
"""

from django.db import migrations

# The columns the list filters on most, so that walking an index in a sort's order
# checks them on the index entry, without reading the row.
FILTERED = "INCLUDE (status, city_id, outcome_document_id)"
PUBLISHED = f"{FILTERED} WHERE publication_state = 'published'"
INDEXES = {
    "commitment_sample": (
        "((MOD(id * 7919, 1009))) "
        "INCLUDE (id, publication_state, status, city_id, outcome_document_id, start_date)"
    ),
    "commitment_published_title": f"(title, id) {PUBLISHED}",
    "commitment_published_progress": f"(progress DESC, title, id) {PUBLISHED}",
    "commitment_published_target": f"(target_date ASC NULLS LAST, id) {PUBLISHED}",
    # The API's order (the (publication_state, -updated_at) index has no id).
    "commitment_published_updated": f"(updated_at DESC, id DESC) {PUBLISHED}",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON commitments_commitment {definition}"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0008_index_for_the_public_list_order"),
    ]

    operations = [migrations.RunPython(create, drop)]
