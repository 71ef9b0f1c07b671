"""WSGI entry point (gunicorn smsmotor.wsgi)."""

import atexit
import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smsmotor.settings")

application = get_wsgi_application()

logger = logging.getLogger("smsmotor.web")
logger.info("Web server process started (pid %s)", os.getpid())
atexit.register(logger.info, "Web server process stopped (pid %s)", os.getpid())
