"""backup_export and backup_restore: every table of the demo data survives an empty database."""

import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from insatsbasen.models import Insats
from intro_sodertorn.backup import REGENERATED, BackupError, backup_models, backup_restore, table_counts
from intro_sodertorn.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(municipalities):
    from intro_sodertorn.demo import demo_load

    demo_load()
    # A reference to a content type, which gets a new id in the new database.
    insats = Insats.objects.filter(target_groups__isnull=False).order_by("pk").first()
    LogEntry.objects.log_actions(
        get_user_model().objects.get(username="admin").pk, [insats], action_flag=2, change_message="test"
    )
    return insats


def _snapshot(insats):
    return {
        "fields": {field.attname: getattr(insats, field.attname) for field in Insats._meta.concrete_fields},
        "target_groups": sorted(insats.target_groups.values_list("pk", flat=True)),
        "participating": sorted(insats.participating_municipalities.values_list("pk", flat=True)),
    }


def _empty_database():
    """An empty migrated database: flush, which brings back content types and permissions (new ids)."""
    # The test's transaction holds deferred foreign-key checks of the demo rows: run them first,
    # PostgreSQL refuses to truncate a table with pending checks.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()


def test_every_table_is_in_the_archive_and_comes_back_with_the_same_rows(demo, tmp_path):
    archive = tmp_path / "backup.zip"
    original = table_counts()
    before = _snapshot(demo)
    call_command("backup_export", str(archive), verbosity=0)

    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    every_table = {
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not issubclass(model, REGENERATED)
    }
    assert set(manifest["row_counts"]) == every_table
    assert manifest["row_counts"] == original
    assert sum(original.values()) > 1000 and original["insatsbasen.Insats_target_groups"] > 0
    assert manifest["format_version"] == 1 and ["portal", "0002_auditevent"] in manifest["migrations"]

    _empty_database()
    assert get_user_model().objects.count() == 0
    call_command("backup_restore", str(archive), verbosity=0)

    assert table_counts() == original == manifest["row_counts"]
    restored = Insats.objects.get(pk=demo.pk)
    after = _snapshot(restored)
    assert {k: (v, after["fields"][k]) for k, v in before["fields"].items() if after["fields"][k] != v} == {}
    assert after == before
    entry = LogEntry.objects.get(change_message="test")
    assert entry.get_edited_object() == restored
    # Sequences were reset: new rows get fresh ids.
    user = get_user_model().objects.create_user("ny-efter-aterstallning")
    Role.objects.create(user=user, kind=Role.Kind.STRATEGIST)
    LogEntry.objects.log_actions(user.pk, [restored], action_flag=2, change_message="after")


def test_a_database_in_use_is_refused_and_left_alone(demo, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("backup_export", str(archive), verbosity=0)
    counts = table_counts()
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_restore", str(archive), verbosity=0)
    assert table_counts() == counts


def test_a_restore_that_does_not_add_up_changes_nothing(demo, tmp_path):
    archive, tampered = tmp_path / "backup.zip", tmp_path / "tampered.zip"
    call_command("backup_export", str(archive), verbosity=0)
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["row_counts"]["natverk.Contact"] += 1
                data = json.dumps(manifest)
            target.writestr(item, data)
    _empty_database()
    before = table_counts()
    with pytest.raises(BackupError, match="Row counts differ"):
        backup_restore(tampered)
    assert table_counts() == before


def test_an_archive_from_another_migration_state_is_refused(demo, tmp_path):
    archive, other = tmp_path / "backup.zip", tmp_path / "other.zip"
    call_command("backup_export", str(archive), verbosity=0)
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(other, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"].append(["portal", "9999_future"])
                data = json.dumps(manifest)
            target.writestr(item, data)
    _empty_database()
    with pytest.raises(BackupError, match="migrations differ"):
        backup_restore(other)


def test_the_order_puts_automatic_many_to_many_tables_after_their_models():
    labels = [model._meta.label for model in backup_models()]
    assert labels.index("insatsbasen.Insats") < labels.index("insatsbasen.Insats_target_groups")
    assert labels.index("auth.User") < labels.index("portal.Role")
