"""The insats search text as a stored tsvector with a GIN index, for the full-text search on PostgreSQL.

``search_vector`` is a generated column, ``to_tsvector('simple', search_document)`` kept up to date by
PostgreSQL on every write; the search (``search._search_postgres``) matches and ranks on it, so a
search is answered from the GIN index and never computes the tsvector of a row. Only on PostgreSQL:
SQLite (``make run``) searches with its simple matching. The column is not a model field (Django
never reads or writes it), so nothing else changes. Idempotent: the tests re-run migrations' functions
after a transactional flush (tests/conftest.py ensure_seed_data).
"""

from django.db import migrations

CREATE = """
ALTER TABLE insatsbasen_insats ADD COLUMN IF NOT EXISTS search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(search_document, ''))) STORED;
CREATE INDEX IF NOT EXISTS insats_search_vector_gin ON insatsbasen_insats USING gin (search_vector);
"""
DROP = """
DROP INDEX IF EXISTS insats_search_vector_gin;
ALTER TABLE insatsbasen_insats DROP COLUMN IF EXISTS search_vector;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("insatsbasen", "0005_freshness_snapshot")]

    operations = [migrations.RunPython(create, drop)]
