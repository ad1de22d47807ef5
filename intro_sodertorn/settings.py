"""Settings for the Introduktion Södertörn portal.

One file, read from the environment. Development defaults are safe and need nothing
installed: an SQLite file inside the project and Celery tasks run inline. Production
(DJANGO_DEBUG unset or false) fails loudly when a secret is missing.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Address the portal is reached at, used in links inside e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "intro_sodertorn.apps.PortalConfig",
    "natverk",
    "insatsbasen",
    "statistik",
    "uppdrag",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "intro_sodertorn.sessions.SessionRefreshMiddleware",
    # Swedish unless the user chose another language (URL prefix or the language switch's cookie).
    "intro_sodertorn.language.IgnoreBrowserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A page whose export cannot be queued (Redis down) says so instead of failing.
    "intro_sodertorn.exports.ExportQueueMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "intro_sodertorn.audit.AuditContextMiddleware",
]

ROOT_URLCONF = "intro_sodertorn.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "intro_sodertorn.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "intro_sodertorn.wsgi.application"

# SQLite inside the project unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request reuses it, so after a PostgreSQL restart
        # the next request reconnects instead of failing on the dead connection.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", default=True),
    )
}
# DATABASE_POOL=1: Django's own connection pool (psycopg 3, one pool per process) instead of a kept
# connection per thread. Use it or PgBouncer in *session* mode: the exports' session-level advisory
# locks and server-side cursors (QuerySet.iterator) do not work through PgBouncer in transaction mode.
if env_bool("DATABASE_POOL") and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django refuses both
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after this many seconds without activity; the page warns before that.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 8)))
# Activity renews the expiry, written at most once this many seconds (intro_sodertorn/sessions.py), not on every
# request as SESSION_SAVE_EVERY_REQUEST would: with 8 hours, a session ends 7 h 59 min to 8 h after the last request.
SESSION_REFRESH_SECONDS = 60

# Swedish is the default and complete language; message ids are English.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
# locale_public: the public catalogue's languages (insatsbasen/public_i18n.py); sv and en stay in the apps' catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "insatsbasen" / "locale_public"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
# Counts people read are grouped ("20 000" in Swedish with a no-break space, "20,000" in English). Every integer a
# template renders is then grouped: ids, years, versions and anything a script or URL reads use |unlocalize.
USE_THOUSAND_SEPARATOR = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    # Export files (intro_sodertorn/storage.py): under MEDIA_ROOT, which web and worker must then share.
    "exports": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
# Or an S3-compatible bucket (AWS S3, MinIO, Ceph, …; django-storages), so web and workers on different hosts share
# nothing but the bucket. The bucket stays private: the portal streams each download itself after its owner check.
# Without an access key boto3 looks for credentials itself (AWS_* variables, an instance role).
EXPORT_STORAGE_BUCKET = os.environ.get("EXPORT_STORAGE_BUCKET", "").strip()
if EXPORT_STORAGE_BUCKET:
    _export_bucket = {
        "bucket_name": EXPORT_STORAGE_BUCKET,
        "endpoint_url": os.environ.get("EXPORT_STORAGE_ENDPOINT_URL", "").strip() or None,
        "region_name": os.environ.get("EXPORT_STORAGE_REGION", "").strip() or None,
        "access_key": os.environ.get("EXPORT_STORAGE_ACCESS_KEY_ID", "").strip() or None,
        "secret_key": os.environ.get("EXPORT_STORAGE_SECRET_ACCESS_KEY", "").strip() or None,
        # Never replace an object: a name taken gets a suffix (each job also writes in a folder of its own).
        "file_overwrite": False,
        # No ACL sent: objects get the bucket's own (private) policy.
        "default_acl": None,
    }
    if bool(_export_bucket["access_key"]) != bool(_export_bucket["secret_key"]):
        raise ImproperlyConfigured(
            "Set both EXPORT_STORAGE_ACCESS_KEY_ID and EXPORT_STORAGE_SECRET_ACCESS_KEY, or neither."
        )
    STORAGES["exports"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _export_bucket}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Uploaded Excel files: limits checked before and while unpacking (see intro_sodertorn.xlsx).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
XLSX_MAX_UPLOAD_BYTES = int(os.environ.get("XLSX_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
XLSX_MAX_UNPACKED_BYTES = int(os.environ.get("XLSX_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024)))
XLSX_MAX_ROWS = int(os.environ.get("XLSX_MAX_ROWS", "5000"))
# The shared-string table (every distinct text of a workbook) may unpack to at most this much; its number of strings
# is capped by the row limit (intro_sodertorn/xlsx.py).
XLSX_MAX_SHARED_STRINGS_BYTES = int(os.environ.get("XLSX_MAX_SHARED_STRINGS_BYTES", str(20 * 1024 * 1024)))

# E-mail: console in development, SMTP from the environment in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Introduktion Södertörn <noreply@localhost>")
# Errors (a 500, a failed task) are e-mailed to ADMINS (comma-separated addresses) from SERVER_EMAIL.
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = env_list("ADMINS")

# Celery: Redis when REDIS_URL is set, otherwise tasks run inline in the web process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that queues an export never hangs on a Redis that is down: connect and socket
# timeouts are short, and exports.export_start publishes without retrying.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Redis gives an unacknowledged task (its worker was killed) to another worker after the
# visibility timeout: longer than any export takes. Tasks that need it (run_export) are
# acknowledged late, so one reserved task per worker process is enough.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "1800")),
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Every scheduled job of the portal, in one place. Each task takes no arguments, calls one
# service and is idempotent: a reminder is recorded in the reminder log under a key before it
# is sent, so a job that runs twice sends nothing twice.
CELERY_BEAT_SCHEDULE = {
    # Insatsbasen: digest to each municipality's administrators of entries due for review,
    # a reminder after 2 weeks, and after 4 weeks mark as unverified and tell the strategist.
    "insatsbasen-review-reminders": {
        "task": "insatsbasen.tasks.send_review_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # KIS: reminders to reporters before a period's deadline and when overdue.
    "statistik-report-reminders": {
        "task": "statistik.tasks.send_report_reminders",
        "schedule": crontab(hour=6, minute=45),
    },
    # KIS: e-mail about a period opened or a report submitted, returned or approved is sent when it
    # happens; this sends what that missed because the queue was down (the reminder log keeps it to once).
    "statistik-missed-notifications": {
        "task": "statistik.tasks.send_missed_notifications",
        "schedule": crontab(minute="*/15"),
    },
    # Uppdrag: owners before due date and when overdue; watch items at their expected month.
    "uppdrag-action-point-reminders": {
        "task": "uppdrag.tasks.send_action_point_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Uppdrag: weekly digest to the strategist, Monday mornings.
    "uppdrag-weekly-digest": {
        "task": "uppdrag.tasks.send_weekly_digest",
        "schedule": crontab(hour=7, minute=15, day_of_week="mon"),
    },
    # Export files are deleted after EXPORT_RETENTION_DAYS.
    "portal-purge-old-exports": {
        "task": "intro_sodertorn.tasks.purge_old_exports",
        "schedule": crontab(hour=3, minute=0),
    },
    # Import jobs and any upload left are deleted after IMPORT_RETENTION_DAYS.
    "insatsbasen-purge-old-imports": {
        "task": "insatsbasen.tasks.purge_old_imports",
        "schedule": crontab(hour=3, minute=5),
    },
    # Import steps (check, commit) whose worker died or whose queue message was lost are queued again.
    "insatsbasen-recover-stalled-imports": {
        "task": "insatsbasen.tasks.recover_stalled_imports",
        "schedule": crontab(minute="*/5"),
    },
    # Exports whose worker died or whose queue message was lost are queued again.
    "portal-recover-stalled-exports": {
        "task": "intro_sodertorn.tasks.recover_stalled_exports",
        "schedule": crontab(minute="*/5"),
    },
    # Audit events are deleted after AUDIT_RETENTION_DAYS.
    "portal-purge-old-audit-events": {
        "task": "intro_sodertorn.audit.purge_old_audit_events",
        "schedule": crontab(hour=3, minute=15),
    },
}
EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS", "14"))
# Import jobs (their dry run holds the file's rows) are deleted after this many days; the upload itself already
# when the check has read it.
IMPORT_RETENTION_DAYS = int(os.environ.get("IMPORT_RETENTION_DAYS", "14"))
# An export whose worker died is run again, at most this many times in all, then it fails.
EXPORT_MAX_ATTEMPTS = int(os.environ.get("EXPORT_MAX_ATTEMPTS", "3"))
# The public catalogue and an insats whose review is overdue beyond the escalation limit (four weeks): "mark" shows
# it with "Uppgifterna har inte bekräftats sedan …", "hide" leaves it out until someone confirms it.
INSATSBASEN_OVERDUE_PUBLIC = os.environ.get("INSATSBASEN_OVERDUE_PUBLIC", "mark").strip().lower()
if INSATSBASEN_OVERDUE_PUBLIC not in ("mark", "hide"):
    raise ImproperlyConfigured("INSATSBASEN_OVERDUE_PUBLIC must be 'mark' or 'hide'.")

# Security: strict in production, relaxed only where DEBUG allows plain http on localhost.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# The health check (/healthz) answers plain http too: probes inside the network do not go through the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
# Submitting the domain to the browsers' HSTS preload list binds every subdomain for years:
# that is the domain owner's decision (DJANGO_HSTS_PRELOAD), so its absence is no warning.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The language cookie carries no secret, but it is sent only where the session is.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy: only the portal's own files run or load. Every script is a file
# under static/ (no inline scripts or on*= handlers), styles are classes in static CSS files,
# charts are SVG with presentation attributes. Django admin is compatible with this policy.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Behind a proxy, take the visitor's address from the rightmost X-Forwarded-For entry (the
# one the proxy appended). Only turn on when a proxy always sets it: else it can be forged.
USE_X_FORWARDED_FOR = env_bool("DJANGO_USE_X_FORWARDED_FOR")

# Login throttle (intro_sodertorn.audit): failures counted in the audit log, so it holds across
# every worker. A user name is refused after 5 failures in 15 minutes, an address after 30.
LOGIN_THROTTLE_WINDOW = 15 * 60
LOGIN_FAILURES_PER_USERNAME = 5
LOGIN_FAILURES_PER_IP = 30
PASSWORD_RESETS_PER_IP = 5
# A reset link works for three days (registration/password_reset_email.txt says so).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
# Forms anyone can send (the accessibility report): per address and hour, and e-mails to staff per hour (the excess
# is kept in the portal and counted in the next e-mail).
ANONYMOUS_FORMS_PER_IP = 5
ANONYMOUS_FORM_WINDOW = 60 * 60
ACCESSIBILITY_MAILS_PER_HOUR = 10
# Audit events (logins, failures, role changes) are deleted after this many days.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "180"))

# Errors reach someone: a 500 (django.request), a suspicious request (django.security) and a failed
# Celery task (celery.app.trace) are e-mailed to ADMINS in production. The e-mail leaves out the
# request's body, cookies and query string (intro_sodertorn.errors.PrivateExceptionReporter).
# Optional error tracker: SENTRY_DSN (Sentry or compatible) reports errors of requests and Celery tasks,
# without request bodies, cookies, query strings or local variables (intro_sodertorn/error_tracker.py).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from intro_sodertorn.error_tracker import init_error_tracker

    init_error_tracker(SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", ""))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
            "reporter_class": "intro_sodertorn.errors.PrivateExceptionReporter",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own loggers (django.request, django.security, ...) end here: errors by e-mail, all to the console.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # A scanner's made-up Host header is logged, not e-mailed to anyone.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
        "celery.app.trace": {"handlers": ["mail_admins"], "level": "ERROR"},
    },
}
