from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsatsbasenConfig(AppConfig):
    """Insatsbasen: the shared catalogue of measures for newcomers."""

    name = "insatsbasen"
    verbose_name = _("Insatsbasen")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import search

        # SQLite drops a table's triggers when Django rebuilds the table to alter it: put the search's back.
        post_migrate.connect(search.ensure_index, sender=self)
