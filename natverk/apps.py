from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NatverkConfig(AppConfig):
    """The network register: municipalities, organisations, contacts, networks and meetings."""

    name = "natverk"
    verbose_name = _("Network register")
