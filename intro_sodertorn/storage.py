"""Where export files live: the storage ``STORAGES["exports"]`` (see settings.py).

The local file system under MEDIA_ROOT by default; an S3-compatible bucket when
EXPORT_STORAGE_BUCKET is set, so the web and worker processes may run on different hosts and
share nothing but the bucket. Every read, write and delete of an export file goes through
``ExportJob.file`` (Django's storage API), never through a path. Uploaded import files
(``insatsbasen.ImportJob.file``) use the same storage: the web process stores them and a worker
reads them.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty


class ExportStorage(LazyObject):
    """``storages["exports"]``, looked up when first used rather than when the models are imported."""

    def _setup(self):
        self._wrapped = storages["exports"]


_export_storage = ExportStorage()


def export_storage():
    """ExportJob.file's storage (a callable, so a migration names the function, not a backend)."""
    return _export_storage


def export_upload_to(job, filename):
    """``exports/<year>/<month>/<job id>/<file name>``: one folder per job.

    A bucket has no "create unless it exists": two workers saving ``insatser.xlsx`` for two
    users at the same moment could both find the name free and the second would overwrite the
    first user's file. A job's own folder makes the name unique, and the download keeps the name.
    """
    return f"exports/{timezone.localtime():%Y/%m}/{job.pk}/{filename}"


@receiver(setting_changed)
def _forget_export_storage(*, setting, **kwargs):
    # Like Django's own default_storage: a test that changes STORAGES gets the new backend.
    if setting == "STORAGES":
        _export_storage._wrapped = empty
