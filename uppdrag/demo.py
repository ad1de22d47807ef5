"""Fictitious demo data for this part of the portal (called by manage.py load_demo)."""


def load(stdout=None):
    pass
