"""WSGI entry point (gunicorn intro_sodertorn.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")
application = get_wsgi_application()
