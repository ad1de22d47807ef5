from django.core.management.base import BaseCommand

from intro_sodertorn.cast import CAST, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the portal's address and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Introduktion Södertörn: {url}"))
        self.stdout.write(f"Demo logins, all with the password '{DEMO_PASSWORD}':")
        for member in CAST:
            self.stdout.write(f"  {member.username:<20} {member.description}")
        self.stdout.write("")
