"""Test settings: base settings with fast hashing, in-memory e-mail, a throw-away media folder.

DATABASE_URL and REDIS_URL still decide the database and the Celery broker (CI sets both). The cache
stays per-process: allauth's rate limits count logins, and a shared Redis cache would let tests
(and parallel test workers) trip each other's limits. Tests that need the Redis cache override it.
"""

import atexit
import shutil
import tempfile

from .base import *  # noqa: F403
from .base import CACHES as _BASE_CACHES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="thamm-test-media-")
# Every process that loads these settings (test workers, subprocesses) removes its folder on exit.
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
REDIS_CACHES = _BASE_CACHES
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests send tasks through the real broker only in the Celery test; everything else runs eagerly so
# a test sees the effect of the task it triggered.
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_AUTOREFRESH = True
