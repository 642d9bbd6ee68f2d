"""Settings for the benchmark: the production settings (DEBUG off, Argon2, every middleware) on the bench database.

The bench database comes only from SHOWROOM_BENCH_DATABASE_URL, set by `python -m showroom.bench`, so the
benchmark can never fall back to the demo database.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_BENCH_URL = os.environ.get("SHOWROOM_BENCH_DATABASE_URL", "")
if not _BENCH_URL:
    raise ImproperlyConfigured("Run the benchmark with `python -m showroom.bench`: it names the bench database.")
os.environ["DATABASE_URL"] = _BENCH_URL

from config.settings import *  # noqa: E402,F403
from config.settings import ALLOWED_HOSTS, STORAGES  # noqa: E402

# Django's test client calls itself "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
# Production serves hashed names from collectstatic's manifest; a bench run has none, and the lookup is a dict read.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# A view that fails is reported in the bench's table; its traceback would only bury the figures.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "CRITICAL"}},
}
