"""Seed a large fictitious dataset quickly, to check that the portal stays fast with twenty years of data.

Adds to what the database holds (demo data or not): contacts and meetings, insatser, approved KIS
reports for the years up to this one in the municipalities of the data migration, and action points.
Every app builds its part with bulk inserts in its own ``largedata.seed``.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from insatsbasen import largedata as insatsbasen_data
from natverk import largedata as natverk_data
from statistik import largedata as statistik_data
from uppdrag import largedata as uppdrag_data

DEFAULTS = {"insatser": 20_000, "years": 15, "action_points": 5_000, "contacts": 10_000, "meetings": 500}


class Command(BaseCommand):
    help = (
        "Add a large fictitious dataset with bulk inserts: insatser, KIS reports for the last years, "
        "action points, contacts and meetings. --scale multiplies every default; explicit options win."
    )

    def add_arguments(self, parser):
        parser.add_argument("--insatser", type=int, help=f"Insatser to add (default {DEFAULTS['insatser']}).")
        parser.add_argument(
            "--years", type=int, help=f"Years of KIS reports up to this one (default {DEFAULTS['years']})."
        )
        parser.add_argument(
            "--action-points", type=int, help=f"Action points to add (default {DEFAULTS['action_points']})."
        )
        parser.add_argument("--contacts", type=int, help=f"Contacts to add (default {DEFAULTS['contacts']}).")
        parser.add_argument("--meetings", type=int, help=f"Meetings to add (default {DEFAULTS['meetings']}).")
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every default, e.g. 0.01.")

    def handle(self, *args, scale=1.0, **options):
        if scale <= 0:
            self.stderr.write("--scale must be above zero.")
            return
        sizes = {}
        for name, default in DEFAULTS.items():
            given = options.get(name)
            sizes[name] = given if given is not None else round(default * scale)
            if sizes[name] < 0:
                self.stderr.write(f"--{name.replace('_', '-')} cannot be negative.")
                return
        sizes["years"] = max(1, sizes["years"])
        self.stdout.write("Seeding: " + ", ".join(f"{name.replace('_', ' ')} {size}" for name, size in sizes.items()))
        began = time.monotonic()
        with transaction.atomic():
            for label, step in (
                ("natverk", lambda: natverk_data.seed(sizes["contacts"], self.stdout, meetings=sizes["meetings"])),
                ("insatsbasen", lambda: insatsbasen_data.seed(sizes["insatser"], self.stdout)),
                ("statistik", lambda: statistik_data.seed(sizes["years"], self.stdout)),
                ("uppdrag", lambda: uppdrag_data.seed(sizes["action_points"], self.stdout)),
            ):
                step_began = time.monotonic()
                step()
                self.stdout.write(f"  ({label}: {time.monotonic() - step_began:.1f} s)")
        self.stdout.write(self.style.SUCCESS(f"Large dataset seeded in {time.monotonic() - began:.1f} s."))
