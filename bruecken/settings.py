"""Brücken settings: one module, read from the environment (see the configuration table in the
README)."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BRUECKEN_VAR_DIR", BASE_DIR / "var"))


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def development_secret_key():
    """A key generated once into var/, so sessions survive restarts during development."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # Created readable by its owner only, not for a moment by anyone else; a key another
        # process wrote first is kept.
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEFAULT_ADDRESS = "127.0.0.1:8000"


def site_url_for(address):
    """The URL a browser on this machine reaches a server bound to `address` at: `host:port` or
    a port alone, as `bruecken serve` takes it; a server on every interface is reached locally."""
    address = address.strip()
    if address.startswith("unix:"):
        return "http://localhost"
    host, _colon, port = address.rpartition(":")
    if not port.isdigit():  # A host alone: the servers' default port.
        host, port = address, "8000"
    if host in {"", "0", "0.0.0.0"}:  # noqa: S104 (an address to reach, not one to bind)
        host = "127.0.0.1"
    elif host == "[::]":
        host = "[::1]"
    return f"http://{host}:{port}"


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = development_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The site's public address, for links in e-mails, feeds and canonical links. Unset, it is the
# address `bruecken serve` binds to (`make run ADDRESS=…`), so a second port links to itself.
SITE_URL = (env("SITE_URL") or site_url_for(env("BRUECKEN_ADDRESS", DEFAULT_ADDRESS))).rstrip("/")

INSTALLED_APPS = [
    # The admin with checks of its own (bruecken/adminsite.py).
    "bruecken.adminsite.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "phonenumber_field",
    "django_tasks",
    "django_tasks_db",
    # The second factor: TOTP authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "bruecken",
    "bruecken.accounts",
    "bruecken.places",
    "bruecken.actors",
    "bruecken.privacy",
    "bruecken.programs",
    "bruecken.events",
    "bruecken.website",
    "bruecken.network",
    "bruecken.partnerships",
    "bruecken.advisory",
    "bruecken.guide",
    "bruecken.reports",
    "bruecken.transfer",
    "bruecken.api",
    # The demo dataset and its command: above every app, imported by none.
    "bruecken.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bruecken.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bruecken.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An unreachable object store answers 503, not 500.
]

ROOT_URLCONF = "bruecken.urls"
WSGI_APPLICATION = "bruecken.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bruecken.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bruecken.sqlite3'}")
    )
}
# A worker keeps its connection between requests: a new one per request cost the directory
# 5–12 ms on SQLite (its page cache and read schema) and about 30 ms on PostgreSQL (connecting,
# and a new server process plans its first queries with empty catalogue caches: the directory's
# search 77 → 46 ms at 50,000 organisations). A sync worker holds one connection either way
# while it serves a request: PostgreSQL sees no more at peak (servers × WEB_WORKERS + workers),
# only idle ones kept. The health check replaces a connection the server closed (a restart)
# before a request uses it. Not with DEBUG on PostgreSQL: the development server (`bruecken
# serve`) starts a thread for each request, whose kept connection would stay open until the
# garbage collector finds it.
ON_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
kept_connection_seconds = 600 if ON_SQLITE else (0 if DEBUG else 60)
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", kept_connection_seconds)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if ON_SQLITE:
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait
    # for each other instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # secure_delete: SQLite zeroes the pages it frees, so erased personal data leaves no
        # copy in the database file (bruecken/privacy/erasure.py). cache_size: 64 MB of pages
        # per connection at most (default 2 MB): the full-text search's word-part table would
        # otherwise push the documents out between two searches (bruecken/fulltext/).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON; "
            "PRAGMA cache_size=-65536;"
        ),
    }
else:
    # No JIT compilation: PostgreSQL compiles a query whose estimated cost is high, and its
    # estimates for a search with a visibility condition are (a coordinator's people: "mensah"
    # estimated at 9.8 million, run in 60 ms, compiled for 900 ms first, at every request).
    DATABASES["default"]["OPTIONS"] = {
        "options": "-c jit=off",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "bruecken.accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Every role lands on its home page: what waits for them (bruecken/waiting.py).
LOGIN_REDIRECT_URL = "website:personal_home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "bruecken" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", VAR_DIR / "static"))
# Front-end libraries come from npm (package.json) and are served by us, never from a CDN.
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # The network page: graphology and sigma (WebGL graph) as UMD builds, Chart.js as UMD.
    ("vendor/graphology", BASE_DIR / "node_modules" / "graphology" / "dist"),
    ("vendor/sigma", BASE_DIR / "node_modules" / "sigma" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
# Files (bruecken/storage.py): "default" holds the uploaded pictures, "private" everything
# served only through a permission check (no URL). On this machine: MEDIA_ROOT and `private/`
# beside it; with AWS_STORAGE_BUCKET_NAME, S3-compatible object storage that every app server
# and worker shares.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "bruecken.storage.LocalPrivateStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    # Read by django-storages; without keys boto3 looks in its usual places (environment,
    # instance role).
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME") or None
    AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID") or None
    AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY") or None
    # The private files may live in a bucket of their own; else under private/ in the same.
    AWS_PRIVATE_BUCKET_NAME = env("AWS_PRIVATE_BUCKET_NAME") or AWS_STORAGE_BUCKET_NAME
    # Every file is streamed through our views after their permission check, so no object is
    # public and no URL to one is handed out; should one be, it is signed and short-lived.
    AWS_QUERYSTRING_EXPIRE = max(1, env_int("AWS_QUERYSTRING_EXPIRE", 60))
    # "path" for stores that do not answer under bucket.host names (some MinIO setups).
    AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE") or None
    from botocore.config import Config as _S3Config

    _s3 = {
        # An unreachable store fails a request within seconds (a 503), not after minutes of
        # retries.
        "client_config": _S3Config(
            connect_timeout=5,
            read_timeout=30,
            retries={"mode": "standard", "max_attempts": 2},
            s3={"addressing_style": AWS_S3_ADDRESSING_STYLE},
            signature_version="s3v4",
        ),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": AWS_QUERYSTRING_EXPIRE,
        # Two uploads of the same name keep both, as on disk.
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "bucket_name": AWS_STORAGE_BUCKET_NAME, "location": "media"},
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "bucket_name": AWS_PRIVATE_BUCKET_NAME, "location": "private"},
    }

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Brücken <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (e-mail and other slow work) queue in the database; `bruecken worker` runs
# them, so a single machine needs no extra server.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A task RUNNING this long on a worker not seen alive for as long is taken for lost (its worker
# died): it is queued again until tried TASK_MAX_ATTEMPTS times, then failed (bruecken/workers.py).
TASK_STALE_MINUTES = max(1, env_int("TASK_STALE_MINUTES", 10))
TASK_MAX_ATTEMPTS = max(1, env_int("TASK_MAX_ATTEMPTS", 2))
WAITING_LIST_OFFER_HOURS = env_int("WAITING_LIST_OFFER_HOURS", 48)
# A follow-up reminder missed on its day (housekeeping not running) is still sent this late.
ADVICE_REMINDER_LATE_DAYS = max(0, env_int("ADVICE_REMINDER_LATE_DAYS", 7))
# How long an invitation to an account can be accepted.
ACCOUNT_INVITATION_DAYS = env_int("ACCOUNT_INVITATION_DAYS", 7)
# How long each side of a proposed introduction can answer through its link.
INTRODUCTION_ANSWER_DAYS = max(1, env_int("INTRODUCTION_ANSWER_DAYS", 21))
# Changes to organisations recompute the stored partnership suggestions once within this many
# seconds, however many come (bruecken/partnerships/matching.py).
MATCHING_DEBOUNCE_SECONDS = max(1, env_int("MATCHING_DEBOUNCE_SECONDS", 60))

PHONENUMBER_DEFAULT_REGION = "DE"
PHONENUMBER_DB_FORMAT = "E164"

# The public website: pages cached per language for anonymous visitors (0 turns it off). Each
# process may keep its own cache: a change counts a version in the database that every cached
# page is keyed by.
WEBSITE_CACHE_SECONDS = env_int("WEBSITE_CACHE_SECONDS", 600)
# Spreadsheet imports: files with more rows run in the background; the largest upload; how long
# an upload that was neither imported nor abandoned is kept; where uploads are kept (never
# under MEDIA_ROOT: they hold personal data and have no URL).
TRANSFER_BACKGROUND_ROWS = env_int("TRANSFER_BACKGROUND_ROWS", 5000)
TRANSFER_MAX_UPLOAD_MB = env_int("TRANSFER_MAX_UPLOAD_MB", 20)
TRANSFER_UPLOAD_RETENTION_HOURS = env_int("TRANSFER_UPLOAD_RETENTION_HOURS", 48)
TRANSFER_UPLOAD_DIR = Path(env("TRANSFER_UPLOAD_DIR", VAR_DIR / "imports"))
# The REST API's rate limits: requests per minute and client address without a token, and per
# token (0 turns a limit off).
API_RATE_LIMIT_ANONYMOUS = env_int("API_RATE_LIMIT_ANONYMOUS", 60)
API_RATE_LIMIT_TOKEN = env_int("API_RATE_LIMIT_TOKEN", 600)
# Network pages measure the figures over time themselves up to this many ties; above it a
# background task does (the page shows what is ready).
NETWORK_SNAPSHOT_INLINE_EDGES = env_int("NETWORK_SNAPSHOT_INLINE_EDGES", 20000)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 2000)},
    }
}
# Several app servers share one cache (rate limits, sign-in locks, pages, sessions) in Redis;
# one server alone keeps it in its memory and its sessions in the database.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "bruecken"),
        # Redis gone answers 503 within a second or two (bruecken/health.py), rather than
        # holding every server's workers for the default five seconds per attempt.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
    # Read from the cache, written to both: a session outlives a flushed or restarted Redis.
    # Signing out deletes the cached copy first (bruecken/sessions.py).
    SESSION_ENGINE = "bruecken.sessions"
# /readyz fails once the oldest task waiting for a worker has waited longer (0: it only
# reports the wait).
READYZ_MAX_QUEUE_LAG_SECONDS = env_int("READYZ_MAX_QUEUE_LAG_SECONDS", 0)
# Where messages from the contact form and accessibility feedback go (besides the staff area).
CONTACT_EMAIL = env("CONTACT_EMAIL")
# Messages a visitor's address may send per hour through the public forms.
CONTACT_RATE_LIMIT = env_int("CONTACT_RATE_LIMIT", 5)
CONTACT_MESSAGE_RETENTION_DAYS = env_int("CONTACT_MESSAGE_RETENTION_DAYS", 180)
# "Meine Daten": how long a person's export (a zip of everything held about them) can be
# downloaded before the housekeeping deletes it; how many exports one person may request a day;
# where the files are kept (never under MEDIA_ROOT; default: private/exports beside it).
DATA_EXPORT_HOURS = max(1, env_int("DATA_EXPORT_HOURS", 24))
DATA_EXPORT_DAILY_LIMIT = env_int("DATA_EXPORT_DAILY_LIMIT", 5)
DATA_EXPORT_DIR = env("DATA_EXPORT_DIR") or None
# How long the link confirming a registration without an account stays valid.
PUBLIC_REGISTRATION_LINK_HOURS = env_int("PUBLIC_REGISTRATION_LINK_HOURS", 48)
# Retention periods (README "Retention"): the housekeeping deletes what is older and notes the
# counts in the privacy ledger; the privacy policy page states the same figures. Registrations
# without an account never confirmed; people without an account and without any activity
# (membership, registration, invitation, attendance, change to their entry); account
# invitations after they expired or were revoked unaccepted.
RETENTION_UNCONFIRMED_REGISTRATION_DAYS = max(
    1, env_int("RETENTION_UNCONFIRMED_REGISTRATION_DAYS", 7)
)
RETENTION_INACTIVE_PERSON_MONTHS = max(1, env_int("RETENTION_INACTIVE_PERSON_MONTHS", 24))
RETENTION_EXPIRED_INVITATION_DAYS = max(1, env_int("RETENTION_EXPIRED_INVITATION_DAYS", 90))
# The address an introduction's answer link went to, after the answer or the link's expiry.
RETENTION_INTRODUCTION_ADDRESS_DAYS = max(1, env_int("RETENTION_INTRODUCTION_ADDRESS_DAYS", 180))
# How long the link in e-mails to people without an account (see, export and delete their data,
# unsubscribe) works.
GUEST_DATA_LINK_DAYS = max(1, env_int("GUEST_DATA_LINK_DAYS", 90))
# Signing in: failed attempts (wrong password or code) per account and per client address before
# signing in is paused for LOGIN_LOCK_MINUTES (0 turns a limit off); password-reset requests
# per hour, per address and per e-mail address; how long a reset link stays valid.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
LOGIN_FAILURE_LIMIT_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_ADDRESS", 50)
LOGIN_LOCK_MINUTES = max(1, env_int("LOGIN_LOCK_MINUTES", 15))
PASSWORD_RESET_RATE_LIMIT = env_int("PASSWORD_RESET_RATE_LIMIT", 5)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_LINK_HOURS", 24) * 60 * 60
# The program office must sign in with a second factor (on by default when DEBUG is off, so the
# demo's accounts sign in with their password alone).
MFA_REQUIRED_FOR_PROGRAM_OFFICE = env_bool("MFA_REQUIRED_FOR_PROGRAM_OFFICE", not DEBUG)
OTP_TOTP_ISSUER = "Brücken"

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list binds every subdomain to HTTPS for good: each
        # deployment decides that itself (SECURE_HSTS_PRELOAD=true).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers probe the servers themselves, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]


def without_client_error_traceback(record):
    """A refused request (403, 400, …) is logged as one line: its traceback only shows where the
    refusal was raised, and every 403 printed one. Server errors (5xx) keep theirs."""
    status = getattr(record, "status_code", None)
    if isinstance(status, int) and status < 500:
        record.exc_info = None
        record.exc_text = None
    return True


LOG_LEVEL = env("LOG_LEVEL", "WARNING")
# "json": every line one JSON object, for log collectors (bruecken/logs.py); else plain text.
LOG_FORMAT = env("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors": {
            "()": "django.utils.log.CallbackFilter",
            "callback": without_client_error_traceback,
        },
        "tokens": {"()": "bruecken.logs.RedactTokens"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors", "tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own default handler (on when DEBUG is) would print every traceback again:
        # its records go to the console above alone.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # Configuring "django" resets the loggers below it: the development server's request
        # lines as Django's defaults have them.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
if LOG_FORMAT == "json":
    LOGGING["formatters"]["json"] = {"()": "bruecken.logs.JsonFormatter"}
    for handler in LOGGING["handlers"].values():
        handler["formatter"] = "json"

ACTOR_LIST_PAGE_SIZE = 25
