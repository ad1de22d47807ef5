"""Trigram indexes for the global search's word match on contacts and organisations (PostgreSQL only).

The search matches every query word with ``icontains``, which Django writes as ``UPPER(column::text) LIKE
UPPER('%word%')``: a B-tree cannot serve that, a pg_trgm GIN index on the same expression can, so a selective word
("Ines", "kommun") reads the index instead of every contact. pg_trgm is a trusted extension (PostgreSQL 13+), also
installed by insatsbasen's migration 0011. SQLite (``make run``) has no such index and scans its small tables.
"""

from django.db import migrations

INDEXES = {
    "contact_name_trgm": ("natverk_contact", "name"),
    "contact_title_trgm": ("natverk_contact", "title"),
    "contact_email_trgm": ("natverk_contact", "email"),
    "organisation_name_trgm": ("natverk_organisation", "name"),
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("natverk", "0007_membership_network_dates_idx")]

    operations = [migrations.RunPython(forward, backward)]
