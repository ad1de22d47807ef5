from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("natverk", "0008_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("anonymised_at__isnull", True), ("is_active", True)),
                fields=["municipality", "name"],
                name="contact_municipality_now_idx",
            ),
        ),
    ]
