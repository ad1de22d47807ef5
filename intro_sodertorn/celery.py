"""The Celery app, configured from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")

app = Celery("intro_sodertorn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def publish(task, *args, queue=None):
    """Send ``task(*args)`` to the broker now, on a fresh connection and without retries: a page must not wait for a
    Redis that is down, and a pooled connection from before a Redis restart is never what decides. Raises kombu's
    OperationalError or OSError when the broker cannot be reached; the caller decides what that means (exports and
    imports mark their job failed, KIS notifications leave it to their sweep). Not for ``task_always_eager``: there
    the caller runs ``task.delay`` itself."""
    with app.connection_for_write() as broker:
        task.apply_async(args, connection=broker, queue=queue, retry=False)
