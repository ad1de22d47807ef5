from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsatsbasenConfig(AppConfig):
    """Insatsbasen: the shared catalogue of measures for newcomers."""

    name = "insatsbasen"
    verbose_name = _("Insatsbasen")
