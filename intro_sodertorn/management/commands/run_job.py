"""Run a scheduled job now: ``manage.py run_job uppdrag-weekly-digest`` (``--list`` names them)."""

from django.core.management.base import BaseCommand, CommandError

from intro_sodertorn.jobs import run_job, scheduled_jobs


class Command(BaseCommand):
    help = (
        "Run one job of CELERY_BEAT_SCHEDULE now, in this process (any setup: with or without Redis). "
        "Jobs are idempotent: running one twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Schedule name (see --list) or task name.")
        parser.add_argument("--list", action="store_true", help="List the scheduled jobs and their schedules.")
        parser.add_argument("--all", action="store_true", help="Run every scheduled job once, in schedule order.")

    def handle(self, *args, name=None, list=False, all=False, **options):
        jobs = scheduled_jobs()
        if list:
            for job_name, entry in jobs.items():
                self.stdout.write(f"{job_name}\t{entry['task']}\t{entry['schedule']}")
            return
        if all:
            names = jobs.keys()
        elif name:
            names = [name]
        else:
            raise CommandError("Name a job (manage.py run_job --list shows them) or give --all.")
        for job_name in names:
            try:
                result = run_job(job_name)
            except KeyError:
                raise CommandError(f"No scheduled job {job_name!r}. Known: {', '.join(jobs)}") from None
            self.stdout.write(f"{job_name}: {result}")
