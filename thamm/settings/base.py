"""Settings shared by every environment; values come from the environment (django-environ).

Without any variable set, the portal runs on an SQLite file with tasks in-process and e-mail
printed to the console: what `make run` gives a newcomer. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and the e-mail variables (see `.env.example`).
"""

from importlib.util import find_spec
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# A development-only default: the production settings refuse to start without a real key.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-thamm-development-only-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "thamm",
    "accounts",
    "training",
    "candidates",
    "companies",
    "matching",
    "predeparture",
    # Above the apps: the role home pages, the navigation and the root URLs (layering: README).
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "thamm.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "thamm.wsgi.application"

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
                "thamm.context_processors.portal",
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query the planner rates costly before running it: for the
    # portal's queries (the candidates' ranking, say) compiling took longer than the query
    # (1.2 s of a 2 s ranking at 200,000 candidates).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters bound by the server and a statement run this many times on one connection kept
    # prepared: PostgreSQL then plans it once, not on every request (planning the home pages'
    # open-steps query took 1.8 ms of its 2 ms). Empty turns it off, as a pooler in transaction
    # mode (PgBouncer before 1.21) needs.
    PREPARE_THRESHOLD = env("DATABASE_PREPARE_THRESHOLD", default="5")
    if PREPARE_THRESHOLD:
        DATABASES["default"]["OPTIONS"].update(
            server_side_binding=True, prepare_threshold=int(PREPARE_THRESHOLD)
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: when REDIS_URL is set it is the Celery broker and result store, the cache and so the
# store of allauth's login rate limits. Without it, tasks run in-process and the cache is local.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "thamm.cache.PortalRedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "thamm",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, loading the signed-in user in one query (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: e-mail is the login; accounts come from invitations (and, for companies, their
# own sign-up); no usernames.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.InvitationSignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[THAMM] "
# Rate limits are allauth's defaults (login failures per IP and per account), stored in the cache.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
# The limits "per IP" count the client's address. Behind the TLS proxy every request comes from
# the proxy's address, so one attacker's failures would lock everyone out: say how the client's
# address reaches gunicorn. TRUSTED_PROXY_COUNT: how many proxies of ours append to
# X-Forwarded-For (its last entries); 0 (no proxy) ignores the header, which a client can forge.
# TRUSTED_CLIENT_IP_HEADER: a header our proxy always sets to the client's address (X-Real-IP,
# CF-Connecting-IP), used instead.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "THAMM portal"
# Accept the previous/next 30-second code too: phones' clocks drift, and a code typed at the end of
# its period must still work.
MFA_TOTP_TOLERANCE = 1
# Roles that must have a second factor before they reach anything else (accounts.middleware).
MFA_REQUIRED_ORGANISATION_KINDS = ["iom", "chamber"]

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous users get no grants

LANGUAGE_CODE = "it"
LANGUAGES = [
    ("it", _("Italian")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first short dates in English and Arabic too (thamm/formats); the rest from Django's locales.
FORMAT_MODULE_PATH = ["thamm.formats"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap 5 (with its RTL stylesheet) from the bootstrap-wrapper wheel: no CDN.
    ("bootstrap", Path(find_spec("bootstrap").submodule_search_locations[0])),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="THAMM portal <noreply@thamm.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: JSON only, time limits, late acknowledgement; without a broker, tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TASK_DEFAULT_QUEUE = "default"
# Slow work has queues of its own (docker-compose.yml's worker consumes all three), so that a
# long report never holds up an e-mail or an import check.
CELERY_TASK_ROUTES = {
    "predeparture.tasks.dossier_*": {"queue": "dossiers"},
    "reports.tasks.*": {"queue": "reports"},
}
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "fail-stale-jobs": {
        "task": "thamm.tasks.fail_stale_jobs",
        "schedule": crontab(minute="*/10"),
    },
    "purge-unconfirmed-company-signups": {
        "task": "companies.tasks.purge_unconfirmed_signups",
        "schedule": crontab(hour=3, minute=15),
    },
    "expire-offers": {
        "task": "matching.tasks.expire_offers",
        "schedule": crontab(hour=0, minute=30),
    },
    "saved-search-digests": {
        "task": "matching.tasks.send_search_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "case-deadline-reminders": {
        "task": "predeparture.tasks.send_deadline_reminders",
        "schedule": crontab(hour=6, minute=45),
    },
}

# The portal's address, for links in e-mails that background tasks send (no request there).
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

# A company sign-up whose address is not confirmed within this many days is removed.
COMPANY_SIGNUP_CONFIRM_DAYS = env.int("COMPANY_SIGNUP_CONFIRM_DAYS", default=7)

INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# Sessions are read from the cache (Redis in production) and written through to the database: no
# query before the view on a cache hit, and a Redis restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "thamm.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step of every PDF at INFO; its warnings (a refused URL) still show.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
FORM_RENDERER = "thamm.forms.PortalFormRenderer"
