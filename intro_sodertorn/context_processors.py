"""Values every page needs: the navigation, demo-data notice and session length."""

from django.conf import settings

from .models import DemoData

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
        # What this session has left (intro_sodertorn/sessions.py renews it at most once a minute).
        "session_seconds": getattr(request, "session_seconds_left", settings.SESSION_COOKIE_AGE),
    }
