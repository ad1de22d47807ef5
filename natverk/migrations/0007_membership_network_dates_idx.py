from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("natverk", "0006_anonymisation_log_generalised"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("anonymised_at__isnull", True)), fields=["updated_at"], name="contact_retention_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("is_active", True)), fields=["organisation"], name="contact_active_org_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(fields=["network", "valid_from", "valid_to"], name="membership_network_dates_idx"),
        ),
    ]
