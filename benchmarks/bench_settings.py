"""Settings for benchmarks/pages.py only: production-like (DEBUG off, persistent PostgreSQL
connections, the Redis cache when REDIS_URL is set) plus a bare view and a query counter."""

from thamm.settings.base import *  # noqa: F403
from thamm.settings.base import MIDDLEWARE, REDIS_URL, env

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.bench_urls"
# Outermost: counts every query of a request (session and user included); last: notes how many
# ran before the view.
MIDDLEWARE = [
    "benchmarks.bench_middleware.CountQueriesMiddleware",
    *MIDDLEWARE,
    "benchmarks.bench_middleware.MarkViewMiddleware",
]
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = "thamm-bench"  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
