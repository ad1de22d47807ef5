"""Seed the editable taxonomies: categories and target groups (names in Swedish, they are data)."""

from django.db import migrations

CATEGORIES = [
    ("sfi", "SFI", 6),
    ("samhallsorientering", "Samhällsorientering", 6),
    ("praktik", "Praktik och arbetsträning", 6),
    ("validering", "Validering", 12),
    ("halsa", "Hälsa", 6),
    ("foraldrastod", "Föräldrastöd", 6),
    ("ungdom", "Ungdom", 6),
    ("ensamkommande", "Ensamkommande barn", 6),
    ("sprakstod", "Språkstöd", 6),
    ("ovrigt", "Övrigt", 6),
]

TARGET_GROUPS = [
    ("vuxna", "Nyanlända vuxna"),
    ("unga", "Unga"),
    ("analfabeter", "Analfabeter"),
    ("foraldralediga", "Föräldralediga"),
    ("funktionsnedsattning", "Personer med funktionsnedsättning eller sjukdom"),
    ("ensamkommande", "Ensamkommande barn"),
    ("akademiker", "Akademiker"),
    ("kvinnor", "Kvinnor"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("insatsbasen", "Category")
    TargetGroup = apps.get_model("insatsbasen", "TargetGroup")
    for position, (slug, name, months) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "review_interval_months": months, "position": position}
        )
    for position, (slug, name) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("insatsbasen", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
