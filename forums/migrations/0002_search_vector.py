"""Full-text search on PostgreSQL: stored ``search_vector`` columns kept up to date by
triggers (see cities/migrations/0002_search_vector.py for why triggers and 'english').

Forum: title A; theme and host city name B; summary C. The host city's name lives in
another table, so a rename of a city refreshes the vectors of the forums it hosted.
Outcome document: title A; summary B; full text C.
SQLite skips this migration (core.search falls back to substring matching there).
"""

from django.db import migrations

FORWARD = """
ALTER TABLE forums_forum ADD COLUMN search_vector tsvector;

CREATE FUNCTION forums_forum_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(NEW.theme, '') || ' ' || coalesce(
         (SELECT name FROM cities_city WHERE id = NEW.host_city_id), '')), 'B')
    || setweight(to_tsvector('english', left(coalesce(NEW.summary, ''), 200000)), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER forums_forum_search_vector BEFORE INSERT OR UPDATE ON forums_forum
  FOR EACH ROW EXECUTE FUNCTION forums_forum_search_vector();

-- Setting the column re-runs the row trigger above, which reads the new name.
CREATE FUNCTION forums_forum_host_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE forums_forum SET search_vector = NULL WHERE host_city_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER forums_forum_host_renamed AFTER UPDATE OF name ON cities_city
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION forums_forum_host_renamed();

ALTER TABLE forums_outcomedocument ADD COLUMN search_vector tsvector;

CREATE FUNCTION forums_outcomedocument_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('english', left(coalesce(NEW.summary, ''), 200000)), 'B')
    || setweight(to_tsvector('english', left(coalesce(NEW.full_text, ''), 200000)), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER forums_outcomedocument_search_vector
  BEFORE INSERT OR UPDATE ON forums_outcomedocument
  FOR EACH ROW EXECUTE FUNCTION forums_outcomedocument_search_vector();

UPDATE forums_forum SET search_vector = NULL;
UPDATE forums_outcomedocument SET search_vector = NULL;
CREATE INDEX forums_forum_search_vector_gin ON forums_forum USING gin (search_vector);
CREATE INDEX forums_outcomedocument_search_vector_gin
  ON forums_outcomedocument USING gin (search_vector);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS forums_forum_host_renamed ON cities_city;
DROP FUNCTION IF EXISTS forums_forum_host_renamed();
DROP TRIGGER IF EXISTS forums_forum_search_vector ON forums_forum;
DROP FUNCTION IF EXISTS forums_forum_search_vector();
ALTER TABLE forums_forum DROP COLUMN IF EXISTS search_vector;
DROP TRIGGER IF EXISTS forums_outcomedocument_search_vector ON forums_outcomedocument;
DROP FUNCTION IF EXISTS forums_outcomedocument_search_vector();
ALTER TABLE forums_outcomedocument DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial"), ("cities", "0002_search_vector")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
