"""Full-text search on PostgreSQL: a stored ``search_vector`` kept up to date by a trigger.

A trigger rather than a GENERATED column: PostgreSQL refuses ``ALTER COLUMN ... TYPE`` on
a column that a generated column reads, so a later ``max_length`` change would fail
there; the trigger is late-bound and does not get in the way of schema changes. The
column is not a model field: only ``core.search`` reads it, and SQLite skips this
migration (it searches with a substring fallback instead).

Config 'english': the records are written in English (stemming lets "relocation" find
"relocate"); names stem the same way on both sides, so they still match exactly.
Weights: name A, current leader B, profile C, so that a name match ranks first.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE cities_city ADD COLUMN search_vector tsvector;

CREATE FUNCTION cities_city_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.name, '')), 'A')
    || setweight(to_tsvector('english', coalesce(NEW.leader_name, '')), 'B')
    || setweight(to_tsvector('english', left(coalesce(NEW.profile, ''), 200000)), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER cities_city_search_vector BEFORE INSERT OR UPDATE ON cities_city
  FOR EACH ROW EXECUTE FUNCTION cities_city_search_vector();

UPDATE cities_city SET search_vector = NULL;
CREATE INDEX cities_city_search_vector_gin ON cities_city USING gin (search_vector);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS cities_city_search_vector ON cities_city;
DROP FUNCTION IF EXISTS cities_city_search_vector();
ALTER TABLE cities_city DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("cities", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
