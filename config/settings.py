"""Settings for nqi-onestop, read from the environment.

Every value that can be wrong fails at start-up with ImproperlyConfigured naming the variable:
a mis-set production server should refuse to start, not run half-configured.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str, sql_broker_url
from .personal_data import (  # noqa: F401 (settings)
    NQI_DATA_CIPHER,
    NQI_DATA_KEYS,
    NQI_PRIVACY_CONTACT,
    NQI_PRIVACY_CONTACT_EN,
    NQI_PRIVACY_NOTICE_VERSION,
    NQI_RETENTION_CASE_YEARS,
    NQI_RETENTION_LOGIN_DAYS,
    NQI_RETENTION_NOTIFICATIONS_DAYS,
    NQI_RETENTION_WEBHOOK_DAYS,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("NQI_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Environment variable DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_htmx",
    "csp",
    "audit",
    "workflows",
    "casemgmt",
    "casemgmt.scorecard",
    "casemgmt.promotion",
    "notifications",
    "studio",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Every response, static files and error pages included, carries the Content-Security-Policy.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Hostile input (NUL, lone surrogates, deep JSON, oversize bodies) is refused here, before any view.
    "core.http.edge.EdgeInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.RequestContextMiddleware",
    # Last, as django-axes requires: it turns locked-out logins into its lockout response.
    "axes.middleware.AxesMiddleware",
]

# Request size limits (Django's defaults, stated): core/http/edge.py answers a body over them with the
# API's error format (413 for the size), never Django's bare 400 page.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "casemgmt.web.header.header",
                "notifications.web.context.unread",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL", "")
if not _database_url:
    raise ImproperlyConfigured(
        "Environment variable DATABASE_URL is not set. Start the service with scripts/run "
        "(it starts an embedded PostgreSQL) or point DATABASE_URL at a PostgreSQL server."
    )
_db = dj_database_url.parse(_database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0))
if "postgresql" not in _db["ENGINE"]:
    raise ImproperlyConfigured(f"DATABASE_URL must point at PostgreSQL, got engine {_db['ENGINE']}.")
DATABASES = {"default": _db}
# The engine's fixed statements are prepared on the server by core/db/statements.py (psycopg's own
# preparing stays off, as Django leaves it: see core/db/wire.py). Turn this off behind a
# transaction-pooling proxy, which cannot keep a prepared statement between transactions.
NQI_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
# BEGIN and COMMIT travel with a transaction's first and last statements (libpq's pipeline mode,
# core/db/wire.py). Off, every statement goes through an ordinary cursor: correct, more round trips.
NQI_PIPELINE = env_bool("DATABASE_PIPELINE", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # ModelBackend whose get_user loads the session's user with its memberships and visible area
    # in one query (casemgmt/org/user_loading.py).
    "casemgmt.org.auth_backend.MembershipLoadingBackend",
    # Still listed so that sessions signed in through it (before the one above existed, or forced
    # by tests) stay valid: Django signs out a session whose backend is not listed here. It never
    # checks a password: the backend above stops a failed sign-in.
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("NQI_FAST_PASSWORD_HASHER", False):
    # Tests create hundreds of users; argon2 would dominate their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's four validators; the demo passwords (seed_demo) and the test personas pass them all.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# API tokens (core/http/api_tokens.py) expire this many days after they were issued.
NQI_API_TOKEN_DAYS = env_int("NQI_API_TOKEN_DAYS", 30, minimum=1)
SESSION_COOKIE_AGE = env_int("NQI_SESSION_SECONDS", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True  # the lifetime counts from the last request: an idle timeout
SESSION_COOKIE_HTTPONLY = True
# HTTPS deployments (NQI_HTTPS=1): redirect plain HTTP, HSTS for a year, cookies only over HTTPS.
# Off by default because scripts/run serves plain HTTP on 127.0.0.1, where secure cookies would
# make signing in impossible. Behind a TLS-terminating proxy, NQI_BEHIND_PROXY=1 trusts its
# X-Forwarded-Proto header (only safe when the proxy always sets or strips it).
NQI_HTTPS = env_bool("NQI_HTTPS", False)
SECURE_SSL_REDIRECT = NQI_HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if NQI_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = NQI_HTTPS
# Preloading is a promise to browsers that is slow to take back; a deployment opts in knowingly.
SECURE_HSTS_PRELOAD = env_bool("NQI_HSTS_PRELOAD", False)
if env_bool("NQI_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("NQI_SECURE_COOKIES", NQI_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# `check --deploy` warns whenever preload is off (security.W021); off is the deliberate default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failures (django-axes): per username and address, for a cool-off period.
AXES_FAILURE_LIMIT = env_int("NQI_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("NQI_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Our own CSS/JS, plus the npm libraries scripts/build_frontend.sh copies into the data folder.
STATICFILES_DIRS = [BASE_DIR / "static", VAR_DIR / "frontend"]
WHITENOISE_USE_FINDERS = True  # serve straight from those folders when collectstatic has not run

# Content-Security-Policy (django-csp): only our own scripts, styles, fonts and connections; no
# inline script or style anywhere (templates keep theirs in static/, data travels in data-*
# attributes or json_script blocks; tests/test_csp.py greps every template). Images may also be
# data: URIs, which bpmn-js and Swagger UI use for icons. Nothing may frame our pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Uploaded scorecard evidence. Never served as static files: only the permission-checked
# download view (casemgmt/scorecard/web/evidence.py) reads them; MEDIA_URL is not routed.
# Sealed on disk with the personal-data keys (core/crypto/storage.py).
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "core.crypto.storage.SealedFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "core.http.api_tokens.ExpiringTokenAuthentication",  # tokens expire: NQI_API_TOKEN_DAYS
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.http.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.http.api_errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "nqi-onestop API",
    "DESCRIPTION": "Songjiang quality-infrastructure one-stop service: models, instances, tasks, audit.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "InstanceStatusEnum": "workflows.models.InstanceStatus",
        "HumanTaskStatusEnum": "workflows.models.HumanTask.Status",
        # A task's added_mode and awaiting share the 加签 modes.
        "AddedModeEnum": "workflows.models.HumanTask.AddedMode",
        # Otherwise named by a hash ("Kind5dbEnum"), with a warning in `check --deploy`.
        "TypicalCaseKindEnum": "casemgmt.scorecard.models.TypicalCaseKind",
    },
    # Served from our own static files: the service runs where public CDNs are unreachable.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}


CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or sql_broker_url(_db)
# How often workers look for new jobs on the default SQL broker (config/celery.py applies it).
NQI_SQL_BROKER_POLL_MS = env_int("NQI_SQL_BROKER_POLL_MS", 200, minimum=50)
# Separate queues let a test run (or a second deployment) share a broker with a running service.
CELERY_TASK_DEFAULT_QUEUE = env_str("NQI_CELERY_QUEUE", "celery")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No job may hold a worker for ever (a diagram's costly expression, a stuck engine turn): the
# soft limit raises inside the job, the hard limit kills the worker child. The timer sweep stops
# taking new instances after half the soft limit (workflows/tasks.py).
CELERY_TASK_SOFT_TIME_LIMIT = env_int("NQI_CELERY_SOFT_TIME_LIMIT", 300, minimum=10)
CELERY_TASK_TIME_LIMIT = env_int("NQI_CELERY_TIME_LIMIT", 360, minimum=11)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("NQI_CELERY_TIME_LIMIT must be larger than NQI_CELERY_SOFT_TIME_LIMIT.")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Timers (workflows/timer_sweep.py, docs/design.md "Timers"). A sweep job advances at most
# NQI_TIMER_BATCH due instances and, when more are due, queues the next job, so every worker drains
# in parallel. A turn that sets a timer due within two poll intervals (and every sweep, for the
# earliest one left) queues a job at its due time (NQI_TIMER_WAKE_UPS); the beat tick every
# NQI_TIMER_POLL_SECONDS is the safety net for a lost one.
NQI_TIMER_BATCH = env_int("NQI_TIMER_BATCH", 100, minimum=1)
NQI_TIMER_POLL_SECONDS = env_int("NQI_TIMER_POLL_SECONDS", 5, minimum=1)
NQI_TIMER_WAKE_UPS = env_bool("NQI_TIMER_WAKE_UPS", True)
CELERY_BEAT_SCHEDULE = {
    "fire-due-timers": {"task": "workflows.fire_due_timers", "schedule": float(NQI_TIMER_POLL_SECONDS)},
}
# Per-process caches of rarely changed reference data on the engine's hot path, in seconds (0: none):
# which org unit a lane's role resolves to (casemgmt/org/lanes.py) and the working-day calendar
# (casemgmt/org/calendar.py). A change made in this process clears them at once; other processes see
# it after at most this long. Memberships are not cached across requests (casemgmt/org/directory.py):
# a revoked membership counts from the next request.
NQI_LANE_CACHE_SECONDS = env_int("NQI_LANE_CACHE_SECONDS", 60, minimum=0)
NQI_CALENDAR_CACHE_SECONDS = env_int("NQI_CALENDAR_CACHE_SECONDS", 60, minimum=0)

# Public (no sign-in) online intake and status lookup: requests allowed per client address per
# hour, counted in the database (casemgmt/public/throttle.py); failed lookups count too. Old hits are
# purged hourly by a job that is not in an app's tasks.py, hence the explicit import.
NQI_PUBLIC_INTAKE_PER_HOUR = env_int("NQI_PUBLIC_INTAKE_PER_HOUR", 10, minimum=1)
NQI_PUBLIC_LOOKUP_PER_HOUR = env_int("NQI_PUBLIC_LOOKUP_PER_HOUR", 30, minimum=1)
CELERY_IMPORTS = ["casemgmt.public.throttle_tasks", "workflows.message_jobs", "core.tasks"]
# Notifications are drawn from the audit log by a beat job (notifications/delivery.py).
NQI_NOTIFY_BATCH = env_int("NQI_NOTIFY_BATCH", 500, minimum=1)
CELERY_BEAT_SCHEDULE["retention"] = {"task": "core.retention", "schedule": 86400.0}
CELERY_BEAT_SCHEDULE["deliver-notifications"] = {"task": "notifications.deliver", "schedule": 60.0}
# E-mail: SMTP when EMAIL_HOST is set; otherwise nothing is sent and the worker's log gets one line
# with counts only (core/mail.py: Django's console backend printed whole e-mails, names and
# addresses included, into the log; docs/personal-data.md, "Logs").
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "core.mail.CountingBackend"
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("NQI_MAIL_FROM", "nqi-onestop@localhost")
# Where links in e-mails point.
NQI_PUBLIC_URL = env_str("NQI_PUBLIC_URL", "http://127.0.0.1:8000")
CELERY_BEAT_SCHEDULE["expire-buffered-messages"] = {
    "task": "workflows.expire_buffered_messages",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["purge-rate-limit-hits"] = {"task": "casemgmt.purge_rate_limit_hits", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["purge-evidence-orphans"] = {
    "task": "scorecard.purge_evidence_orphans",
    "schedule": 86400.0,
}

# Service cases: matching (服务对接) still open after this many working days reminds the operator and
# hands the case to the coordinating office. A month at most: a larger value is a typo.
NQI_MATCHING_REMINDER_WORKING_DAYS = env_int("NQI_MATCHING_REMINDER_WORKING_DAYS", 3, minimum=1)
if NQI_MATCHING_REMINDER_WORKING_DAYS > 22:
    raise ImproperlyConfigured(
        f"Environment variable NQI_MATCHING_REMINDER_WORKING_DAYS={NQI_MATCHING_REMINDER_WORKING_DAYS} "
        "must be at most 22 (working days in a month)."
    )


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (4xx) is one line, never a traceback: see core/log_filters.py.
    "filters": {"refusal_without_traceback": {"()": "core.log_filters.RefusalWithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["refusal_without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": env_str("NQI_LOG_LEVEL", "INFO")},
    "loggers": {
        # Every record goes to the root's one handler, once. Django's default config gives the
        # "django" logger handlers of its own (console under DEBUG, mail_admins), which printed
        # every 403/404 a second time; ADMINS is empty, so mail_admins never sent anything.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # On the logger too (not only the handler), so the record itself carries no traceback
        # for any other handler a deployment adds.
        "django.request": {"filters": ["refusal_without_traceback"]},
        # Spiff logs every task state change at INFO: far too much for an operator's log.
        "spiff": {"level": "WARNING"},
        "spiff.task": {"level": "WARNING"},
        # One line per failed login is enough; axes logs three.
        "axes": {"level": "WARNING"},
    },
}
