"""The scheduled jobs of CELERY_BEAT_SCHEDULE, run on demand (``manage.py run_job``) or by a small
scheduler thread in the development server when there is no broker (``make run``'s embedded default).

Every job is idempotent (the reminder log keeps each e-mail to once), so running one by hand, or
twice, or both here and in celery beat, sends nothing twice.
"""

import datetime
import importlib
import logging
import threading

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# How often the embedded scheduler looks at the clock (the shortest schedule is every five minutes).
TICK_SECONDS = 30


def scheduled_jobs():
    """Schedule name → its entry of CELERY_BEAT_SCHEDULE, in the schedule's order."""
    return dict(settings.CELERY_BEAT_SCHEDULE)


def job_function(name):
    """The task behind a schedule name (or a task name such as ``uppdrag.tasks.send_weekly_digest``)."""
    jobs = scheduled_jobs()
    task_name = jobs[name]["task"] if name in jobs else name
    if task_name not in {entry["task"] for entry in jobs.values()}:
        raise KeyError(name)
    module, function = task_name.rsplit(".", 1)
    return getattr(importlib.import_module(module), function)


def run_job(name):
    """Run one scheduled job now, in this process; returns what the job returns."""
    task = job_function(name)
    # A Celery task called directly runs its body here (no broker, no worker).
    return task()


def _due_jobs(last_runs, now):
    """Names whose schedule has come round since their last run (the schedule's own rule)."""
    due = []
    for name, entry in scheduled_jobs().items():
        schedule = entry["schedule"]
        is_due, _next = schedule.is_due(last_runs[name])
        if is_due:
            due.append(name)
    return due


class EmbeddedScheduler(threading.Thread):
    """Celery beat in miniature for a development server without a broker: runs due jobs inline.

    Started only by ``maybe_start_embedded_scheduler`` (never in tests); a job that fails is
    logged and tried again at its next time.
    """

    daemon = True

    def __init__(self, tick=TICK_SECONDS):
        super().__init__(name="embedded-scheduler")
        self.tick = tick
        self.stopped = threading.Event()
        now = datetime.datetime.now(datetime.UTC)
        self.last_runs = dict.fromkeys(scheduled_jobs(), now)

    def run_due(self):
        now = datetime.datetime.now(datetime.UTC)
        ran = []
        for name in _due_jobs(self.last_runs, now):
            self.last_runs[name] = now
            try:
                run_job(name)
                ran.append(name)
            except Exception:
                logger.exception("Scheduled job %s failed", name)
        return ran

    def run(self):
        while not self.stopped.wait(self.tick):
            # The thread's own database connection: dropped when stale, like a request's.
            close_old_connections()
            try:
                self.run_due()
            finally:
                close_old_connections()

    def stop(self):
        self.stopped.set()


_started = None


def embedded_scheduler_wanted(argv, environ):
    """Only the development server's serving process, only without a broker, never when switched off or in tests."""
    if getattr(settings, "REDIS_URL", "") or not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return False
    if environ.get("EMBEDDED_SCHEDULER", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    if len(argv) < 2 or argv[1] != "runserver":
        return False
    # With the autoreloader the server runs in a child process (RUN_MAIN=true); without it, in this one.
    return environ.get("RUN_MAIN") == "true" or "--noreload" in argv


def maybe_start_embedded_scheduler(argv, environ):
    global _started
    if _started is None and embedded_scheduler_wanted(argv, environ):
        _started = EmbeddedScheduler()
        _started.start()
        logger.info("Embedded scheduler started: %s jobs", len(scheduled_jobs()))
    return _started
