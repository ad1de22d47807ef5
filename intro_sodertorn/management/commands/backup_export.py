"""manage.py backup_export ARCHIVE.zip: every table of the portal into a portable archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intro_sodertorn.backup import backup_export


class Command(BaseCommand):
    help = "Export every table to a zip of JSON lines with a manifest (row counts, migrations)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="path of the zip file to write")
        parser.add_argument("--database", default="default")

    def handle(self, archive, database, **options):
        path = Path(archive)
        if path.exists():
            raise CommandError(f"{path} exists already; choose a new file name.")
        manifest = backup_export(path, using=database)
        counts = manifest["row_counts"]
        self.stdout.write(f"{len(counts)} tables, {sum(counts.values())} rows written to {path}")
