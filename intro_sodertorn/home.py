"""The home page: what needs this person now, gathered from each part of the portal.

Each app has ``home.py`` with ``panels(request) -> list[Panel]``. A panel names a template
in the app and the context it needs; the home page shows them in the order of the apps.
"""

from dataclasses import dataclass, field
from importlib import import_module

HOME_APPS = ("insatsbasen", "statistik", "uppdrag", "natverk")


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    # Lower comes first; something overdue should say so with a low number.
    order: int = 50


def home_panels(request):
    panels = []
    for app in HOME_APPS:
        module = import_module(f"{app}.home")
        panels.extend(module.panels(request))
    return sorted(panels, key=lambda panel: panel.order)
