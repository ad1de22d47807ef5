from django.core.management.base import BaseCommand

from intro_sodertorn.demo import demo_load
from intro_sodertorn.models import DemoData


class Command(BaseCommand):
    help = "Load the fictitious demo data: the cast of users and demo entries in every part."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Do nothing if demo data is already loaded.")

    def handle(self, *args, once=False, **options):
        if DemoData.objects.exists():
            if once:
                self.stdout.write("Demo data already loaded.")
                return
            self.stderr.write("Demo data is already loaded; load it into an empty database.")
            return
        demo_load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
