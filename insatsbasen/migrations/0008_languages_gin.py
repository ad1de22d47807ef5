"""A GIN index on the insats languages, for the list's language filter (``InsatsQuerySet.offering_language``:
``languages @> '["ar"]'``). Only on PostgreSQL, where ``languages`` is jsonb; SQLite (``make run``) matches the
text. Idempotent, like 0006: the tests re-run migrations' functions after a transactional flush."""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS insats_languages_gin ON insatsbasen_insats USING gin (languages jsonb_path_ops);"
DROP = "DROP INDEX IF EXISTS insats_languages_gin;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("insatsbasen", "0007_insats_insats_name_idx")]

    operations = [migrations.RunPython(create, drop)]
