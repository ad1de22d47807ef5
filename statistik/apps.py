from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatistikConfig(AppConfig):
    """KIS: municipal introduction statistics, reporting and dashboards."""

    name = "statistik"
    verbose_name = _("KIS statistics")
