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


@transaction.atomic
def demo_load(stdout=None):
    demo_users_create()
    for app in DEMO_APPS:
        module = import_module(f"{app}.demo")
        module.load(stdout)
    DemoData.objects.create()
