"""A portable archive of every table: ``manage.py backup_export`` and ``backup_restore``.

The archive is a zip with ``manifest.json`` (format version, date, applied migrations, row count
per table, table order) and one JSON-lines file per model, written with Django's serializers
while the rows are streamed from the database. It does not depend on PostgreSQL: an archive
from PostgreSQL restores into SQLite and back.

What is in it: every concrete model of every installed app, the automatically created
many-to-many tables included (each as its own file; the models' files leave their
many-to-many fields out so no link is written twice). Content types and permissions are not
restored: ``migrate`` creates them in the target, with ids of its own, so every reference to
them (admin log entries, user and group permissions) is written by natural key. Export files
(in the export storage: MEDIA_ROOT or the bucket) are not in the archive (they are deleted
after EXPORT_RETENTION_DAYS anyway); see README "Backups".

A restore goes into an empty, migrated database of the same migration state, in one
transaction: the rows that migrations seeded are replaced by the archive's, sequences are
reset afterwards (what ``sqlsequencereset`` prints) and every table's row count is checked
against the manifest before the transaction commits.
"""

import datetime
import io
import json
import zipfile

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JsonlSerializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Created by ``migrate`` in every database; referenced by natural key instead of by id.
REGENERATED = (ContentType, Permission)


class BackupError(Exception):
    """The archive cannot be restored here; the message says why (nothing was changed)."""


class _Encoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            if timezone.is_aware(o):
                o = o.astimezone(datetime.UTC)
            return o.isoformat().replace("+00:00", "Z")
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(JsonlSerializer):
    """JSON lines with natural keys only for references to content types and permissions."""

    def _natural_for(self, field):
        return issubclass(field.remote_field.model, REGENERATED)

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = self._natural_for(field)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = self._natural_for(field)
        super().handle_m2m_field(obj, field)


def backup_models():
    """Every model whose rows the archive carries, in an order where references come first."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    ordered_set = set(ordered)
    # sort_dependencies leaves out automatically created many-to-many tables: they go last.
    through = [model for model in apps.get_models(include_auto_created=True) if model not in ordered_set]
    return [
        model
        for model in ordered + through
        if model._meta.managed and not model._meta.proxy and not issubclass(model, REGENERATED)
    ]


def _label(model):
    return model._meta.label


def _entry_name(model):
    return f"data/{_label(model)}.jsonl"


def applied_migrations(using=DEFAULT_DB_ALIAS):
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def backup_export(path, using=DEFAULT_DB_ALIAS):
    """Write the archive to ``path``; returns the manifest."""
    models = backup_models()
    counts = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # One snapshot of the whole database, so the tables agree with each other (unless the
        # caller's own transaction is already running, as in the tests).
        snapshot = connections[using].vendor == "postgresql" and not connections[using].in_atomic_block
        with transaction.atomic(using=using):
            if snapshot:
                with connections[using].cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for model in models:
                fields = [field.name for field in model._meta.local_fields if not field.primary_key]
                queryset = model._base_manager.using(using).order_by("pk")
                with archive.open(_entry_name(model), "w") as raw:
                    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                    _Serializer().serialize(
                        queryset.iterator(chunk_size=2000), stream=stream, fields=fields, cls=_Encoder
                    )
                    stream.flush()
                    stream.detach()
                counts[_label(model)] = queryset.count()
            manifest = {
                "format_version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "database_vendor": connections[using].vendor,
                "migrations": applied_migrations(using),
                "models": [_label(model) for model in models],
                "row_counts": counts,
            }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def read_manifest(archive):
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as error:
        raise BackupError("The archive has no manifest.json: it is not a backup of this portal.") from error
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Archive format {manifest.get('format_version')} is not {FORMAT_VERSION}.")
    return manifest


def _check_target(manifest, using):
    user_model = apps.get_model("auth", "User")
    if user_model._base_manager.using(using).exists():
        raise BackupError(
            "The database is not empty (it has user accounts). Restore only into a new database "
            "that has just been migrated."
        )
    here = applied_migrations(using)
    if here != manifest["migrations"]:
        missing = sorted({tuple(m) for m in manifest["migrations"]} - {tuple(m) for m in here})
        extra = sorted({tuple(m) for m in here} - {tuple(m) for m in manifest["migrations"]})
        raise BackupError(
            f"The database's migrations differ from the archive's (missing here: {missing[:5]}, "
            f"only here: {extra[:5]}). Check out the portal version the archive was made with and migrate."
        )
    unknown = [label for label in manifest["models"] if label not in {_label(m) for m in backup_models()}]
    if unknown:
        raise BackupError(f"The archive has tables this portal does not know: {unknown[:5]}.")


def table_counts(models=None, using=DEFAULT_DB_ALIAS):
    """Row count per model label."""
    return {_label(model): model._base_manager.using(using).count() for model in models or backup_models()}


def backup_restore(path, using=DEFAULT_DB_ALIAS):
    """Restore the archive into an empty migrated database; all or nothing. Returns the row counts."""
    connection = connections[using]
    with zipfile.ZipFile(path) as archive:
        manifest = read_manifest(archive)
        _check_target(manifest, using)
        models = [apps.get_model(label) for label in manifest["models"]]
        with transaction.atomic(using=using):
            # The rows that data migrations seeded (municipalities, taxonomies, the KIS catalogue)
            # are replaced by the archive's own, which may have been edited since.
            tables = [model._meta.db_table for model in models]
            connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=False))
            with connection.constraint_checks_disabled():
                for model in models:
                    with archive.open(_entry_name(model)) as raw:
                        stream = io.TextIOWrapper(raw, encoding="utf-8")
                        for item in serializers.deserialize("jsonl", stream, using=using):
                            item.save(using=using)
            connection.check_constraints(table_names=tables)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            counts = table_counts(models, using)
            if counts != manifest["row_counts"]:
                wrong = {
                    label: (counts.get(label), n)
                    for label, n in manifest["row_counts"].items()
                    if counts.get(label) != n
                }
                raise BackupError(f"Row counts differ from the manifest (restored, expected): {wrong}")
    return counts
