"""Fictitious demo data: the cast of users, then each part's own demo data.

Each app has ``demo.py`` with ``load(stdout)``, called in dependency order. Everything is
fictitious; the footer of every page says so once DemoData exists.
"""

from importlib import import_module

from django.contrib.auth import get_user_model
from django.db import transaction

from natverk.models import Municipality

from .cast import CAST, DEMO_PASSWORD
from .models import DemoData, Role

DEMO_APPS = ("natverk", "insatsbasen", "statistik", "uppdrag")


def demo_users_create():
    """Create the cast with their roles (password ``demo``). Returns users by username."""
    User = get_user_model()
    users = {}
    for member in CAST:
        user, _created = User.objects.get_or_create(
            username=member.username,
            defaults={
                "first_name": member.first_name,
                "last_name": member.last_name,
                "email": member.email,
                "is_staff": member.superuser,
                "is_superuser": member.superuser,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        for kind, code, side in member.roles:
            municipality = Municipality.objects.get(code=code) if code else None
            Role.objects.get_or_create(user=user, kind=kind, municipality=municipality, side=side)
        users[member.username] = user
    return users


# Colleagues in the other municipalities, so scoreboards and reminders look like a real
# collaboration: most have an insats administrator on the intro side, fewer on the SFI side
# (the seed: "least of all on the SFI side"). They cannot log in (no password).
DEMO_COLLEAGUES = {
    # municipality code: (intro admin, SFI admin or None, statistics reporter)
    "0120": ("Karin Åberg", "Lars Öhman", "Pia Westin"),
    "0126": (None, "Fatima Yusuf", "Jonas Berg"),
    "0127": ("Mikael Strand", None, None),
    "0128": (None, None, "Helena Rask"),
    "0136": ("Ahmed Nuur", None, "Ulrika Sjö"),
    "0138": ("Eva Lindahl", None, "Tomas Falk"),
    "0140": (None, None, "Annika Borg"),
    "0181": ("Hassan Ali", "Maja Kvist", "Per Engström"),
    "0182": ("Sofia Ek", None, "Nils Dahl"),
    "0192": ("Gunilla Hed", None, "Reza Tehrani"),
}


def demo_colleagues_create():
    """Fictitious administrators and reporters in every municipality (no login)."""
    User = get_user_model()
    for code, (intro_admin, sfi_admin, reporter) in DEMO_COLLEAGUES.items():
        municipality = Municipality.objects.get(code=code)
        for full_name, kind, side in (
            (intro_admin, Role.Kind.INSATS_ADMIN, Role.Side.INTRO),
            (sfi_admin, Role.Kind.INSATS_ADMIN, Role.Side.SFI),
            (reporter, Role.Kind.STAT_REPORTER, ""),
        ):
            if not full_name:
                continue
            first, last = full_name.split(" ", 1)
            username = f"{first}.{last}".lower().translate(str.maketrans("åäöé", "aaoe"))
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@exempel.se"}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            Role.objects.get_or_create(user=user, kind=kind, municipality=municipality, side=side)


@transaction.atomic
def demo_load(stdout=None):
    demo_users_create()
    demo_colleagues_create()
    for app in DEMO_APPS:
        module = import_module(f"{app}.demo")
        module.load(stdout)
    DemoData.objects.create()
