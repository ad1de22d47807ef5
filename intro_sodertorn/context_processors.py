"""Values every page needs: the navigation, demo-data notice and session length."""

from .models import DemoData
from .sessions import seconds_left

_demo_seen = False


def _demo_loaded():
    # Once a database holds demo data it keeps it; remember that to save a query per page.
    global _demo_seen
    if not _demo_seen:
        _demo_seen = DemoData.objects.exists()
    return _demo_seen


def portal(request):
    return {
        "demo_data": _demo_loaded(),
        # What this session has left (renewed at most once a minute); read only where a page shows it.
        "session_seconds": lambda: seconds_left(request),
    }
