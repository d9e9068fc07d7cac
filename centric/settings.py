"""Centric settings, read from the environment.

Local defaults are safe for a laptop (SQLite, DEBUG on, a generated secret). With
CENTRIC_ENV=production every secret must come from the environment, or start-up fails loudly.
"""

import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
ENVIRONMENT = os.environ.get("CENTRIC_ENV", "development")
IS_PRODUCTION = ENVIRONMENT == "production"
TESTING = os.environ.get("CENTRIC_TESTING") == "1" or "pytest" in sys.modules


def env(name: str, default: str | None = None, *, required_in_production: bool = False) -> str:
    """Read a setting; in production a missing required secret stops start-up."""
    value = os.environ.get(name)
    if value:
        return value
    if IS_PRODUCTION and required_in_production:
        raise ImproperlyConfigured(
            f"{name} must be set in the environment when CENTRIC_ENV=production"
        )
    if default is None:
        return ""
    return default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = env(
    "SECRET_KEY",
    "dev-insecure-key-only-for-local-use-0123456789abcdefghijklmnopqrstuvwxyz",
    required_in_production=True,
)
DEBUG = env_bool("DEBUG", not IS_PRODUCTION and not TESTING)
if IS_PRODUCTION and DEBUG:
    # Debug pages show settings, SQL and every URL to whoever triggers an error.
    raise ImproperlyConfigured("DEBUG must be off when CENTRIC_ENV=production")
ALLOWED_HOSTS = [
    host.strip()
    for host in env(
        "ALLOWED_HOSTS", "127.0.0.1,localhost,testserver", required_in_production=True
    ).split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Django's debug 404/500 pages (every URL, settings, source) instead of Centric's, with DEBUG only:
# for a developer's own machine, never the demo (centric.core.middleware.ErrorPagesMiddleware).
CENTRIC_TECHNICAL_ERROR_PAGES = env_bool("CENTRIC_TECHNICAL_ERROR_PAGES", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "simple_history",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "centric.core",
    "centric.staff",
    "centric.extras",
    "centric.customers",
    "centric.interactions",
    "centric.sales",
    "centric.activities",
    "centric.leads",
    "centric.quotes",
    "centric.orders",
    "centric.tickets",
    "centric.goodwill",
    "centric.knowledge",
    "centric.webhooks",
    "centric.notifications",
    "centric.imports",
    "centric.identity",
    # Above the domains: it fills them with a demo business (`centric demo`).
    "centric.demo",
]

if TESTING:
    # A small record type built only on the record kit (see centric/core/tests/kit_app).
    INSTALLED_APPS.append("centric.core.tests.kit_app")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "centric.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "centric.staff.middleware.RequireMfaMiddleware",
    "centric.core.middleware.ErrorPagesMiddleware",
]

ROOT_URLCONF = "centric.urls"
# The team every owned record belongs to (core.models.OwnedRecord), named like AUTH_USER_MODEL
# so that core names no domain app.
CENTRIC_TEAM_MODEL = "staff.Team"
WSGI_APPLICATION = "centric.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "centric" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "centric.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database: SQLite (WAL, IMMEDIATE transactions) by default, PostgreSQL via DATABASE_URL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("CONN_MAX_AGE", "60")))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Threaded tests need a file database, not the shared in-memory one; one per test process,
    # so parallel runs on one machine never share (or destroy) each other's test database.
    DATABASES["default"]["TEST"] = {
        "NAME": env(
            "SQLITE_TEST_NAME",
            str(Path(tempfile.gettempdir()) / f"centric-test-{os.getpid()}.sqlite3"),
        )
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if IS_POSTGRES and TESTING:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
if IS_POSTGRES:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # psycopg prepares only the statements that ask for it (centric.core.prepared), never on
    # its own after N runs: the ORM's queries keep per-call plans.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 1_000_000_000
# Hot fixed statements as server-side prepared statements; 0 for PgBouncer in transaction mode.
CENTRIC_PREPARED_STATEMENTS = env_bool("CENTRIC_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "centric_cache",
    }
}

AUTH_USER_MODEL = "staff.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "account_login"

# --- allauth: staff sign in with username or email + password, TOTP as second factor.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_ALLOW_SIGNUPS = False
ACCOUNT_ADAPTER = "centric.staff.adapters.StaffAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {"login_failed": "5/m/ip,5/5m/key"}
# Proxies in front of Centric that append to X-Forwarded-For (0: trust no header). The client's
# address (rate limits, audit log) is then the Nth entry from the right (centric.core.audit).
_trusted_proxies = env("CENTRIC_TRUSTED_PROXIES", "0").strip()
if not (_trusted_proxies.isascii() and _trusted_proxies.isdigit()):
    raise ImproperlyConfigured(
        "CENTRIC_TRUSTED_PROXIES must be a whole number of proxies, 0 or more"
    )
CENTRIC_TRUSTED_PROXIES = int(_trusted_proxies)
ALLAUTH_TRUSTED_PROXY_COUNT = CENTRIC_TRUSTED_PROXIES  # allauth's own readers agree
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Centric"

# --- Email: reminders, quotes… go out through Django's email backend. A laptop or the demo
# prints them (console); a server sends through the SMTP relay its environment names.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
# Where Centric is reached, for the links in emails and calendar feeds (no request to ask).
CENTRIC_BASE_URL = env("CENTRIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Seconds a webhook receiver has to answer one delivery.
CENTRIC_WEBHOOK_TIMEOUT = float(env("CENTRIC_WEBHOOK_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Centric <centric@localhost>")

# --- Tasks: the database backend, so a task is enqueued in the same transaction as its cause.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("CENTRIC_IMMEDIATE_TASKS", False)
        else "django_tasks_db.DatabaseBackend",
    }
}

# --- Internationalisation: the business's region decides how bare phone numbers are read.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
TIME_ZONE = env("TIME_ZONE", "Africa/Lagos")
USE_I18N = True
USE_TZ = True
CENTRIC_DEFAULT_REGION = env("CENTRIC_DEFAULT_REGION", "NG")
CENTRIC_DEFAULT_CURRENCY = env("CENTRIC_DEFAULT_CURRENCY", "NGN")
CENTRIC_BUSINESS_NAME = env("CENTRIC_BUSINESS_NAME", "Centric")
# What a quote's letterhead shows: the business's address, phone, email, tax id (TIN) and logo
# (a PNG, JPEG or SVG file on the server).
CENTRIC_BUSINESS_ADDRESS = env("CENTRIC_BUSINESS_ADDRESS", "")
CENTRIC_BUSINESS_PHONE = env("CENTRIC_BUSINESS_PHONE", "")
CENTRIC_BUSINESS_EMAIL = env("CENTRIC_BUSINESS_EMAIL", "")
CENTRIC_BUSINESS_TAX_ID = env("CENTRIC_BUSINESS_TAX_ID", "")
CENTRIC_BUSINESS_LOGO = env("CENTRIC_BUSINESS_LOGO", "")
# Visibility policies and the team tree are cached per process this long (0 in tests).
CENTRIC_HOT_CACHE_SECONDS = 0 if TESTING else int(env("CENTRIC_HOT_CACHE_SECONDS", "5"))
CENTRIC_IMPORT_MAX_BYTES = int(env("CENTRIC_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
# How much an uploaded workbook (.xlsx, a zip) may unpack to in all (decision 0063).
CENTRIC_IMPORT_MAX_UNPACKED_BYTES = int(
    env("CENTRIC_IMPORT_MAX_UNPACKED_BYTES", str(1024 * 1024 * 1024))
)
# How long a POST's Idempotency-Key replays its first response (days; fractions allowed).
CENTRIC_IDEMPOTENCY_DAYS = float(env("CENTRIC_IDEMPOTENCY_DAYS", "1"))
# The API's token check (token -> active user with permissions loaded, or None) and the loader of
# a session user's permissions: the staff app's, named here so core imports no domain app.
CENTRIC_API_TOKEN_AUTHENTICATOR = "centric.staff.services.tokens.token_authenticate"
CENTRIC_API_PERMISSION_PRELOADER = "centric.staff.permissions.preload_permissions"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "centric" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

# --- Security. Production pass `check --deploy --fail-level WARNING`.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
