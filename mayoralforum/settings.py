"""Settings for the Mayoral Forum site.

Every value comes from the environment, with a safe local default. The helpers
below fail loudly, naming the variable, when a value cannot be understood, so a
typo in production stops start-up instead of silently changing behaviour.
"""

import os
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name, default=""):
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_str(name, default=""):
    return os.environ.get(name, default)


def read_env_file(path):
    """Loads KEY=VALUE lines of a local .env file; the real environment always wins.

    ``bin/run`` and ``bin/test`` write one with MAYORALFORUM_LOCAL=1 in a checkout, so
    plain ``manage.py`` commands work there too. Production sets real variables.
    """
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


read_env_file(Path(env_str("ENV_FILE", str(BASE_DIR / ".env"))))

DEBUG = env_bool("DEBUG", False)
# Tests and local runs set MAYORALFORUM_LOCAL so they can start without production secrets.
LOCAL = env_bool("MAYORALFORUM_LOCAL", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or LOCAL:
        SECRET_KEY = "local-development-key-not-for-production-use-0123456789abcdef"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (DEBUG is off, so this "
            "is treated as production)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if DEBUG or LOCAL:
        ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "[::1]"]
    else:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Give the host names the site answers to, "
            "separated by commas."
        )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core.apps.CuratorsAdminConfig",  # django.contrib.admin, for curators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.syndication",
    "django_filters",
    "simple_history",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "django_countries",
    "core",
    "cities",
    "forums",
    "commitments",
    "portal",
    "api",
    "pages",
    "opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.PublicCacheMiddleware",
    "core.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.replica.ReadReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mayoralforum.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "mayoralforum.wsgi.application"
ASGI_APPLICATION = "mayoralforum.asgi.application"


def env_database(name, url):
    try:
        return dj_database_url.parse(
            url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            # Health checks let a worker notice a dropped connection (for example
            # after a PostgreSQL restart) and reconnect instead of failing requests.
            conn_health_checks=True,
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} could not be understood: {exc}") from None


# Database: an SQLite file in the project unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": env_database("DATABASE_URL", DATABASE_URL)}
# A PostgreSQL streaming replica for the reads of anonymous public pages and the API
# (core.replica); every write and every logged-in page uses the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", DATABASE_REPLICA_URL)
    # Tests run both aliases on the one test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.ReadReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a write lock instead of failing at once when two requests write.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mayoralforum",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/portal/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Dated data releases (/data/releases/<date>/): files written once and never changed,
# served by the site with a year's cache; keep this folder across deployments.
RELEASES_ROOT = Path(env_str("RELEASES_ROOT", str(BASE_DIR / "var" / "releases")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names so that static files can be cached for a year.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not env_bool("PLAIN_STATIC_STORAGE", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploaded files go to S3-compatible object storage (django-storages, the `s3` extra)
# when a bucket is named, so that several app servers share them without a shared disk;
# the local MEDIA_ROOT stays the default. Credentials come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (read by boto3). Objects are private, reached through signed
# links, and always downloaded as attachments (like /media/ behind nginx: a PDF that is
# also an HTML page must never render as one).
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME and not (find_spec("storages") and find_spec("boto3")):
    raise ImproperlyConfigured(
        "AWS_STORAGE_BUCKET_NAME is set but S3 support is not installed: "
        "pip install -c constraints.txt -e '.[s3]'"
    )
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "location": env_str("AWS_LOCATION", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 3600),
            "file_overwrite": False,
            "object_parameters": {
                "ContentDisposition": "attachment",
                "ContentType": "application/pdf",
            },
        },
    }

if env_bool("PLAIN_STATIC_STORAGE", False):
    # Tests: serve static files straight from the source folders, no collectstatic.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# Email: delivered to the console locally, by SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# Every email is queued in the database (in the transaction of the change it is about)
# and delivered by `manage.py sendmail` through EMAIL_DELIVERY_BACKEND; see core.mail.
EMAIL_BACKEND = "core.mail.OutboxBackend"
EMAIL_DELIVERY_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# The longest wait between two attempts at a message that keeps failing.
EMAIL_RETRY_MAX_SECONDS = env_int("EMAIL_RETRY_MAX_SECONDS", 60 * 60)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mayoral Forum <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where readers report an error in a record (named on the home page and every list).
CORRECTIONS_EMAIL = env_str("CORRECTIONS_EMAIL", "corrections@localhost")
# Curators are told by email when staff submit something for review.
CURATOR_EMAILS = env_list("CURATOR_EMAILS")
# The site's public address: emails link to their pages with it (an email has no
# request to take the host from). Defaults to the first ALLOWED_HOSTS name over HTTPS.
SITE_URL = env_str(
    "SITE_URL",
    "http://127.0.0.1:8000"
    if (DEBUG or LOCAL) and not env_list("ALLOWED_HOSTS")
    else f"https://{ALLOWED_HOSTS[0].lstrip('.')}",
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")) or "*" in SITE_URL:
    raise ImproperlyConfigured(
        f"SITE_URL must be the site's address, such as https://mayoralforum.example.org "
        f"(got {SITE_URL!r}); set it when ALLOWED_HOSTS starts with a wildcard."
    )

# Security. Local runs (plain HTTP on 127.0.0.1) turn the HTTPS-only settings off.
SECURE_SSL = env_bool("SECURE_SSL", not (DEBUG or LOCAL))
SECURE_SSL_REDIRECT = SECURE_SSL
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_SSL)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
# Proxies in front of the app; the API rate limit and the login lockout count each
# client by the address they put in X-Forwarded-For (core.clients.client_address).
NUM_PROXIES = env_int("NUM_PROXIES", 1) if BEHIND_PROXY else None
if BEHIND_PROXY:
    # The reverse proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Uploaded PDFs of outcome documents are limited in size (checked in the model too).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

# A commitment with no progress update for this many days is marked stale.
STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 365)

# Public pages may be cached by a CDN for this many seconds.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 60)

# The server keeps anonymous public pages in the shared cache (Redis when REDIS_URL is
# set) for this many seconds, under a key that holds the data version: any write to a
# public record makes every kept page unreachable at once. 0 turns the page cache off
# (benchmarks of the uncached cost). While the database is down, and while many readers
# miss the same page, nginx's micro-cache answers (deploy/nginx/mayoralforum.conf).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# The apps whose records are shown on public pages: a write to any of their models
# bumps the data version.
PAGE_CACHE_APPS = ("cities", "forums", "commitments", "core", "opendata")

# Login throttling: lock out after repeated failures; the lock lifts by itself.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# The same client address as the API rate limit, not the proxy's.
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"
# And per account, from any address (portal/models.py): after LOGIN_FREE_ATTEMPTS
# failures each attempt waits a delay that doubles from 1 s up to LOGIN_MAX_DELAY_SECONDS;
# failures are forgotten a day after the last one, and at once on a successful log-in.
LOGIN_THROTTLE = {
    "free": env_int("LOGIN_FREE_ATTEMPTS", 10),
    "first_delay": 1,
    "max_delay": env_int("LOGIN_MAX_DELAY_SECONDS", 300),
    "forget_after": 86_400,
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_ANON_RATE", "120/minute")},
    # Behind the reverse proxy every request comes from the proxy's address: count
    # each client by the address the proxy appends to X-Forwarded-For instead.
    "NUM_PROXIES": NUM_PROXIES,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mayoral Forum API",
    "DESCRIPTION": "Read-only data of the Mayoral Forum on Mobility, Migration and Development.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Without deep links an operation's path is plain text, not a link nested inside
    # the button that opens it (a screen reader cannot reach a nested control).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Stable names for choice sets that share a field name (kind, role, status).
    "ENUM_NAME_OVERRIDES": {
        "CityKindEnum": "cities.models.City.Kind",
        "OrganizationKindEnum": "cities.models.Organization.Kind",
        "OutcomeKindEnum": "forums.models.OutcomeDocument.Kind",
        "ParticipationRoleEnum": "forums.models.ForumParticipation.Role",
        "PartnerRoleEnum": "forums.models.ForumPartner.Role",
        "CommitmentStatusEnum": "commitments.models.Commitment.Status",
        "RelocationStatusEnum": "commitments.models.RelocationAgreement.Status",
        "DatePrecisionEnum": "core.dates.DatePrecision",
    },
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

SIMPLE_HISTORY_REVERT_DISABLED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
