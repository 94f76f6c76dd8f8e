"""Settings shared by every environment. Every knob is an environment variable (django-environ).

The defaults here run with no server at all: SQLite, a filesystem Celery broker and e-mail to
files, all under var/. `production` removes the defaults that must never be guessed.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

# General
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
LANGUAGE_CODE = "en-gb"
# The product is in English only. With translation on, every translated string (each unit of a
# report's age on the board, each month's name) went through the translation catalogues: a
# `timesince` took 80 µs (18 µs off), 4 ms of the board's 50 rows. Off, dates and numbers
# keep en-gb's formats (Django reads them from LANGUAGE_CODE either way): every page of
# `make bench` rendered byte for byte the same.
USE_I18N = False
USE_TZ = True

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so a service that checks and
    # then writes (no overlapping sessions) cannot interleave with another writer; WAL lets
    # the web server read while the worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# PostgreSQL's JIT compiles any plan its estimate prices above jit_above_cost, and a page's
# EXISTS-per-row plans over small tables are priced that high: the dashboard's ten decisions
# ran in 0.9 ms and compiled for 35 ms, on every request (the decision log: 1.3 s with JIT,
# 0.4 s without). Pages answer in milliseconds; JIT pays off for long analytic queries only.
POSTGRES_OPTIONS = {"options": "-c jit=off"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = dict(POSTGRES_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Indexes with INCLUDE columns (the board's status index, a report's timeline) are PostgreSQL's
# index-only reads; SQLite (the demo) builds them without those columns, which is all W040 says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# URLs
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Apps
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "csp",
    "rest_framework",
    "drf_spectacular",
]
LOCAL_APPS = [
    "core",
    "accounts",
    "immersion",
    "frictions",
    "notifications",
    "metrics",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# Authentication
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out client is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with each person's permissions cached across requests (accounts/backends.py).
    "accounts.backends.RolePermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection. Failures are counted per (account, address) pair, so an attacker
# hammering an executive's account from one address locks out only that pair, and only for the
# cool-off; the executive signs in from anywhere else as usual.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Django's login form posts "username" whatever USERNAME_FIELD is; the callable lower-cases it,
# so "EXEC@…" and "exec@…" count against the same account.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# A success log would keep every sign-in's address and browser; Proximity has no use for it.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Middleware
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in person unless its view says @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

# Static files, served by whitenoise
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Templates
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
            ],
        },
    },
]
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers that hold everywhere; production adds the HTTPS-only ones.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# E-mail: files under var/mail/ unless EMAIL_URL names a server (smtp+tls://user:pass@host:587).
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
if env("EMAIL_URL", default=""):
    globals().update({k: v for k, v in env.email_url("EMAIL_URL").items() if v is not None})
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Proximity <proximity@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/,
# so the demo runs a real broker and worker with no server to install.
REDIS_URL = env("REDIS_URL", default="")
CELERY_FILESYSTEM_DIR = Path(env("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery")))
# (The filesystem transport ignores the host; naming one stops kombu warning about it.)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost//")
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND",
    default=REDIS_URL or f"file://{CELERY_FILESYSTEM_DIR / 'results'}",
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
else:
    # A web request hands jobs over without retrying; a Redis host that does not answer must
    # fail that in seconds, not hang the request.
    # The visibility timeout is how long Redis waits before giving a task a killed worker held
    # to another: longer than any task may run (CELERY_TASK_TIME_LIMIT), or a slow task would
    # run twice. The notification relay hands over sooner what a dead worker held
    # (notifications/services.py), so nothing waits this long.
    # socket_timeout: a Redis that accepts the connection and then never answers (paused,
    # partitioned) must fail a request's hand-off in seconds too; above the worker's 1-second
    # BRPOP, so the worker's own waits are unaffected.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 3,
        "socket_timeout": 5,
        "visibility_timeout": 60 * 60,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # Short periodic scans, never long ETA tasks (DESIGN.md).
    "escalate-overdue-frictions": {
        "task": "frictions.tasks.escalate_overdue_frictions",
        "schedule": 60 * 60,
    },
    # An import queued while the broker was down starts within a minute of its return, with no
    # request waiting on the broker and whether or not anyone has the page open (core/jobs.py).
    "relay-waiting-jobs": {
        "task": "core.tasks.relay_waiting_jobs",
        "schedule": 60,
    },
    # The outbox: what is due and not yet with the worker goes to it (notifications/services.py).
    # Also beat's heartbeat for /healthz/.
    "relay-notifications": {
        "task": "notifications.tasks.relay_notifications",
        "schedule": 60,
    },
    # Reminders: what has come due is written to the outbox (notifications/scans/).
    "scan-due-notifications": {
        "task": "notifications.tasks.scan_due",
        "schedule": 5 * 60,
    },
    # The quarterly figures (metrics/): the current quarter refreshed, the last one closed.
    "rollup-current-quarter": {
        "task": "metrics.tasks.rollup_current_quarter",
        "schedule": crontab(hour=2, minute=15),
    },
    # Friction themes: the reports filed since are placed in the nearest theme, before the
    # roll-up counts them (metrics/themes/).
    "assign-friction-themes": {
        "task": "metrics.tasks.assign_friction_themes",
        "schedule": crontab(hour=2, minute=5),
    },
    # Anonymous writes wait for their hour to end; this releases them a few minutes after.
    "release-anonymous-writes": {
        "task": "frictions.tasks.release_anonymous_writes",
        "schedule": 5 * 60,
    },
}
CELERY_TASK_ALWAYS_EAGER = False

# Caches: Redis when REDIS_URL is set, shared by every web process and the worker. Without it,
# "default" (the receipt page's rate limit, the API throttle) is per process, and "shared" (what
# every process must see alike: import progress, when beat's tasks last ran, the anonymous "me
# too" bound) is a file cache beside the filesystem broker, which all of them reach.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "shared": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shared",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(CELERY_FILESYSTEM_DIR / "shared-cache"),
            # Django's default, 300 entries, then drops a third at random: with an entry per
            # person (permissions, progress, to-do list) that would take the anonymous "me
            # too" marks with it.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }

# Logging: to stdout; no request addresses or browsers are ever logged (anonymous reporters).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # A refusal (403) is one line, method, path and status, not a traceback.
    "filters": {"denial_one_line": {"()": "config.log_filters.DenialOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["denial_one_line"]},
    },
}

# Where people reach Proximity; used for links in e-mails sent by the worker.
SITE_URL = env("PROXIMITY_SITE_URL", default="http://127.0.0.1:8000")

# Admin
ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")

# Pagination shared by list pages
PAGE_SIZE = env.int("PROXIMITY_PAGE_SIZE", default=50)

# Session follow-through (issue 4): when a reflection is due and how long it stays editable,
# and how long a customer rests between two calls from the programme.
REFLECTION_DUE_DAYS = env.int("PROXIMITY_REFLECTION_DUE_DAYS", default=2)
REFLECTION_EDIT_DAYS = env.int("PROXIMITY_REFLECTION_EDIT_DAYS", default=14)
CUSTOMER_CALL_REST_DAYS = env.int("PROXIMITY_CUSTOMER_CALL_REST_DAYS", default=90)

# Friction reports (issue 5): the response every report is committed to by default.
FRICTION_ACKNOWLEDGE_BUSINESS_DAYS = env.int("PROXIMITY_FRICTION_ACKNOWLEDGE_DAYS", default=5)
FRICTION_DECIDE_DAYS = env.int("PROXIMITY_FRICTION_DECIDE_DAYS", default=30)
# The receipt page answers no sooner than this, found or not, so codes cannot be told by timing.
FRICTION_RECEIPT_MIN_SECONDS = env.float("PROXIMITY_RECEIPT_MIN_SECONDS", default=0.25)
# …and answers 429 past these counts (frictions/ratelimit.py; no address or person is kept):
# one code 20 times in 10 minutes is more than a reporter checking and adding information;
# 300 a minute for everyone is far above the organisation's use, and with the floor holds at
# most ~1.3 gunicorn threads on average.
FRICTION_RECEIPT_RATE_PER_CODE = env.int("PROXIMITY_RECEIPT_RATE_PER_CODE", default=20)
FRICTION_RECEIPT_RATE_CODE_WINDOW = 10 * 60
FRICTION_RECEIPT_RATE_GLOBAL = env.int("PROXIMITY_RECEIPT_RATE_GLOBAL", default=300)
FRICTION_RECEIPT_RATE_GLOBAL_WINDOW = 60
# Filing answers no sooner than this, named or anonymous, so the two cannot be told by timing.
FRICTION_FILING_MIN_SECONDS = env.float("PROXIMITY_FILING_MIN_SECONDS", default=0.4)
# Anonymous writes wait in a holding table until the hour they were sent in has ended.
FRICTION_ANONYMOUS_HOLD_HOUR = env.bool("PROXIMITY_ANONYMOUS_HOLD_HOUR", default=True)
# Anonymous "me too": remembered (as a keyed hash, in the cache only) this long, and capped a day.
FRICTION_ANONYMOUS_SUPPORT_MEMORY_DAYS = 90
FRICTION_ANONYMOUS_SUPPORTS_PER_DAY = 10
# The signed cookies that show a receipt code once and let its holder follow the report
# (HttpOnly, SameSite=Strict, Secure with the session cookie): nothing kept on the server.
FRICTION_RECEIPT_COOKIE_SECONDS = 5 * 60
FRICTION_FOLLOW_COOKIE_SECONDS = 30 * 60
# Database sessions whose expiry is kept to the hour: it would otherwise date the sign-in.
SESSION_ENGINE = "frictions.session_store"

# The REST API for contact-centre tools: JSON only, authenticated by per-integration tokens.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["frictions.api_auth.IntegrationTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["frictions.api_auth.IsIntegration"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.json_parser.DepthLimitedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    # Per integration, counted in the default cache (CACHES; per process while it is local).
    "DEFAULT_THROTTLE_CLASSES": ["frictions.api_auth.IntegrationRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"integration": env("PROXIMITY_API_RATE", default="60/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Proximity API",
    "DESCRIPTION": (
        "For contact-centre tools: file a friction report (named or anonymous) and read its "
        "status. Send `Authorization: Bearer <token>`; the CX lead issues a token per integration."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Two fields named "status": a report's (its workflow) and an anonymous filing's answer.
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "frictions.models.reports.Status",
        "ReceivedStatusEnum": ["received"],
    },
}

# Error reports leave out who was filing a friction report (frictions/reporting.py).
DEFAULT_EXCEPTION_REPORTER = "frictions.reporting.AnonymitySafeExceptionReporter"
