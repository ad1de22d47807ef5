import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models


def digest_saved_reports(apps, schema_editor):
    """The digest of every report saved before it was stored (as ``ReportSnapshot.digest_of`` makes it)."""
    ReportSnapshot = apps.get_model("uppdrag", "ReportSnapshot")
    for snapshot in ReportSnapshot.objects.only("pk", "data").iterator(chunk_size=20):
        digest = hashlib.sha256(json.dumps(snapshot.data, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()
        ReportSnapshot.objects.filter(pk=snapshot.pk).update(data_digest=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("uppdrag", "0006_health_assessed"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportsnapshot",
            name="data_digest",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="content digest"),
        ),
        migrations.RunPython(digest_saved_reports, migrations.RunPython.noop),
    ]
