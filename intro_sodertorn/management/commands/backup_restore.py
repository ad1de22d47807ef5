"""manage.py backup_restore ARCHIVE.zip: restore an archive into an empty, migrated database."""

from django.core.management.base import BaseCommand, CommandError

from intro_sodertorn.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore an archive from backup_export into an empty migrated database, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="path of the zip file written by backup_export")
        parser.add_argument("--database", default="default")

    def handle(self, archive, database, **options):
        try:
            counts = backup_restore(archive, using=database)
        except BackupError as error:
            raise CommandError(f"Nothing was restored: {error}") from error
        self.stdout.write(f"{len(counts)} tables, {sum(counts.values())} rows restored; row counts match the manifest")
