"""Search that ranks alike on both databases: weighted sections, FTS5 on SQLite, words for "Menade du …?".

Every search document is rebuilt in the new form (four weighted sections, compound parts; ``search.build_document``).
On PostgreSQL ``search_vector`` becomes the weighted tsvector of those sections (GIN index as before), pg_trgm is
installed (a trusted extension in PostgreSQL 13+, so the database owner may create it) and the catalogue's terms
are kept in ``insatsbasen_search_term`` by a trigger, with a trigram index. On SQLite an FTS5 table is filled and
kept by triggers (``search.sqlite_install``; ``search.ensure_index`` re-creates the triggers after a table
rebuild). Idempotent: the tests re-run migrations' functions after a transactional flush.
"""

from django.db import migrations

from insatsbasen import search

POSTGRES_UNDO = """
DROP TRIGGER IF EXISTS insatsbasen_search_terms_insert ON insatsbasen_insats;
DROP TRIGGER IF EXISTS insatsbasen_search_terms_update ON insatsbasen_insats;
DROP FUNCTION IF EXISTS insatsbasen_search_terms_add();
DROP TABLE IF EXISTS insatsbasen_search_term;
DROP INDEX IF EXISTS insats_search_vector_gin;
ALTER TABLE insatsbasen_insats DROP COLUMN IF EXISTS search_vector;
ALTER TABLE insatsbasen_insats ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(search_document, ''))) STORED;
CREATE INDEX insats_search_vector_gin ON insatsbasen_insats USING gin (search_vector);
"""


def _installed(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [search.TERM_TABLE])
        return cursor.fetchone()[0]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql" and not _installed(connection):
        schema_editor.execute(search.POSTGRES_INSTALL)
    Insats = apps.get_model("insatsbasen", "Insats")
    insatser = Insats.objects.select_related("category", "provider", "owner_municipality").prefetch_related(
        "target_groups", "places"
    )
    for insats in insatser.iterator(chunk_size=500):
        Insats.objects.filter(pk=insats.pk).update(search_document=search.build_document(insats))
    if connection.vendor == "postgresql":
        schema_editor.execute(
            f"INSERT INTO {search.TERM_TABLE} (term) SELECT DISTINCT unnest(tsvector_to_array(search_vector)) "
            "FROM insatsbasen_insats ON CONFLICT DO NOTHING"
        )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            search.sqlite_install(cursor)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UNDO)
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in search.SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {search.FTS_VOCAB}")
            cursor.execute(f"DROP TABLE IF EXISTS {search.FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("insatsbasen", "0010_publish_gate_and_escalation")]

    operations = [migrations.RunPython(forward, backward)]
