"""Full-text search on PostgreSQL: stored ``search_vector`` columns kept up to date by
triggers (see cities/migrations/0002_search_vector.py for why triggers and 'english').

Commitment: title A; city name B; description C.
Relocation agreement (it has no title: its cities name it): origin and destination
names A; population group B; notes C.
City names live in another table, so renaming a city refreshes the vectors of its
commitments and agreements. SQLite skips this migration (core.search falls back to
substring matching there).
"""

from django.db import migrations

FORWARD = """
ALTER TABLE commitments_commitment ADD COLUMN search_vector tsvector;

CREATE FUNCTION commitments_commitment_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(
         (SELECT name FROM cities_city WHERE id = NEW.city_id), '')), 'B')
    || setweight(to_tsvector('english', left(coalesce(NEW.description, ''), 200000)), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER commitments_commitment_search_vector
  BEFORE INSERT OR UPDATE ON commitments_commitment
  FOR EACH ROW EXECUTE FUNCTION commitments_commitment_search_vector();

ALTER TABLE commitments_relocationagreement ADD COLUMN search_vector tsvector;

CREATE FUNCTION commitments_relocationagreement_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(
         (SELECT name FROM cities_city WHERE id = NEW.origin_id), '') || ' ' || coalesce(
         (SELECT name FROM cities_city WHERE id = NEW.destination_id), '')), 'A')
    || setweight(to_tsvector('english', replace(NEW.population_group, '_', ' ')), 'B')
    || setweight(to_tsvector('english', left(coalesce(NEW.notes, ''), 200000)), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER commitments_relocationagreement_search_vector
  BEFORE INSERT OR UPDATE ON commitments_relocationagreement
  FOR EACH ROW EXECUTE FUNCTION commitments_relocationagreement_search_vector();

-- Setting the column re-runs the row triggers above, which read the new name.
CREATE FUNCTION commitments_city_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE commitments_commitment SET search_vector = NULL WHERE city_id = NEW.id;
  UPDATE commitments_relocationagreement SET search_vector = NULL
    WHERE origin_id = NEW.id OR destination_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER commitments_city_renamed AFTER UPDATE OF name ON cities_city
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION commitments_city_renamed();

UPDATE commitments_commitment SET search_vector = NULL;
UPDATE commitments_relocationagreement SET search_vector = NULL;
CREATE INDEX commitments_commitment_search_vector_gin
  ON commitments_commitment USING gin (search_vector);
CREATE INDEX commitments_relocationagreement_search_vector_gin
  ON commitments_relocationagreement USING gin (search_vector);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS commitments_city_renamed ON cities_city;
DROP FUNCTION IF EXISTS commitments_city_renamed();
DROP TRIGGER IF EXISTS commitments_commitment_search_vector ON commitments_commitment;
DROP FUNCTION IF EXISTS commitments_commitment_search_vector();
ALTER TABLE commitments_commitment DROP COLUMN IF EXISTS search_vector;
DROP TRIGGER IF EXISTS commitments_relocationagreement_search_vector
  ON commitments_relocationagreement;
DROP FUNCTION IF EXISTS commitments_relocationagreement_search_vector();
ALTER TABLE commitments_relocationagreement DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial"), ("forums", "0002_search_vector")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
