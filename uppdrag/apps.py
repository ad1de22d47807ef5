from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UppdragConfig(AppConfig):
    """The strategist's assignment: commitments, strategic areas, action points, reports."""

    name = "uppdrag"
    verbose_name = _("Assignment")
