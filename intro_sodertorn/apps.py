import os
import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The portal's shared core: roles, export jobs, the reminder log, the front pages."""

    name = "intro_sodertorn"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Connects the audit log's signal receivers and registers its Celery task.
        from . import audit  # noqa: F401
        from .jobs import maybe_start_embedded_scheduler

        # make run without Redis: the development server runs the scheduled jobs itself (jobs.py).
        maybe_start_embedded_scheduler(sys.argv, os.environ)
