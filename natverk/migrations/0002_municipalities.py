"""The municipalities of the collaboration with their membership dates (see DOMAIN.md).

The eight members of 2010 from the start of the collaboration's records (2008); Nacka and
Nykvarn joined with the successor, Etablering Södertörn, from 2011.
"""

import datetime

from django.db import migrations

MUNICIPALITIES = [
    ("Värmdö", "0120", datetime.date(2008, 1, 1)),
    ("Huddinge", "0126", datetime.date(2008, 1, 1)),
    ("Botkyrka", "0127", datetime.date(2008, 1, 1)),
    ("Salem", "0128", datetime.date(2008, 1, 1)),
    ("Haninge", "0136", datetime.date(2008, 1, 1)),
    ("Tyresö", "0138", datetime.date(2008, 1, 1)),
    ("Nykvarn", "0140", datetime.date(2011, 1, 1)),
    ("Södertälje", "0181", datetime.date(2008, 1, 1)),
    ("Nacka", "0182", datetime.date(2011, 1, 1)),
    ("Nynäshamn", "0192", datetime.date(2008, 1, 1)),
]


def create(apps, schema_editor):
    Municipality = apps.get_model("natverk", "Municipality")
    for name, code, member_from in MUNICIPALITIES:
        Municipality.objects.update_or_create(code=code, defaults={"name": name, "member_from": member_from})


def remove(apps, schema_editor):
    apps.get_model("natverk", "Municipality").objects.filter(code__in=[code for _n, code, _d in MUNICIPALITIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("natverk", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
