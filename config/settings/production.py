"""Production: every secret from the environment, nothing embedded, no insecure default."""

import base64
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import (
    cache_settings,
    database_settings,
    databases_with_replica,
    export_storage_settings,
)
from config.settings.environment import (
    env_bool,
    env_int,
    env_list,
    env_required,
    secret_check,
)

DEBUG = False

SECRET_KEY = env_required(
    "SECRET_KEY", "a long random string (50+ characters) known only to this site."
)
if SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use 50 or more random characters."
    )
secret_check("SECRET_KEY", SECRET_KEY, min_length=50)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in production: "
        "the host names this site answers to, comma-separated."
    )

FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must be set in production: "
        "Fernet keys, newest first, comma-separated."
    )
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')."
        ) from error
    secret_check("FIELD_ENCRYPTION_KEYS", _key, min_length=44)
    _raw = base64.urlsafe_b64decode(_key)
    if all(32 <= byte < 127 for byte in _raw):
        # 32 random bytes are all printable characters about once in 10^14 keys: this one
        # was typed, not generated.
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key made from typed text, not random bytes; "
            "generate one with Fernet.generate_key()."
        )
FIELD_BLIND_INDEX_KEY = env_required(
    "FIELD_BLIND_INDEX_KEY", "a random secret of 32+ characters for look-ups of encrypted values."
)
if len(FIELD_BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured("FIELD_BLIND_INDEX_KEY must be at least 32 characters.")
secret_check("FIELD_BLIND_INDEX_KEY", FIELD_BLIND_INDEX_KEY, min_length=32)

AUDIT_CHAIN_KEYS = env_list("AUDIT_CHAIN_KEYS")
if not AUDIT_CHAIN_KEYS:
    raise ImproperlyConfigured(
        "AUDIT_CHAIN_KEYS must be set in production: random secrets of 32+ characters that "
        "sign the audit trail, newest first, comma-separated."
    )
if any(len(key) < 32 or key.startswith("local-development-only") for key in AUDIT_CHAIN_KEYS):
    raise ImproperlyConfigured(
        "AUDIT_CHAIN_KEYS holds a development or short key: use 32+ random characters."
    )
for _key in AUDIT_CHAIN_KEYS:
    secret_check("AUDIT_CHAIN_KEYS", _key, min_length=32)
# The checkpoints prove the trail's head from outside the database: their place is named on
# purpose (another disk, a write-once bucket's mount), never a default inside the app's tree.
AUDIT_CHECKPOINT_PATH = Path(
    env_required(
        "AUDIT_CHECKPOINT_PATH",
        "the append-only file the audit checkpoints are written to, outside the database "
        "and the application's own folder.",
    )
)
AUDIT_CHECKPOINT_SIGNING_KEY = env_required(
    "AUDIT_CHECKPOINT_SIGNING_KEY",
    "an Ed25519 private key, 32 random bytes in base64, that signs the audit checkpoints.",
)
try:
    _checkpoint_key = base64.b64decode(AUDIT_CHECKPOINT_SIGNING_KEY, validate=True)
except ValueError:
    _checkpoint_key = b""
if len(_checkpoint_key) != 32 or _checkpoint_key.startswith(b"local-development-only"):
    raise ImproperlyConfigured(
        "AUDIT_CHECKPOINT_SIGNING_KEY must be 32 random bytes in base64, not the development key "
        "(python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')."
    )
EVIDENCE_SIGNING_KEY = env_required(
    "EVIDENCE_SIGNING_KEY",
    "an Ed25519 private key, 32 random bytes in base64, that signs evidence packs.",
)
try:
    _evidence_key = base64.b64decode(EVIDENCE_SIGNING_KEY, validate=True)
except ValueError:
    _evidence_key = b""
if len(_evidence_key) != 32 or _evidence_key.startswith(b"local-development-only"):
    raise ImproperlyConfigured(
        "EVIDENCE_SIGNING_KEY must be 32 random bytes in base64, not the development key "
        "(python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')."
    )
if _evidence_key == _checkpoint_key:
    raise ImproperlyConfigured(
        "EVIDENCE_SIGNING_KEY must differ from AUDIT_CHECKPOINT_SIGNING_KEY: each key signs one "
        "kind of proof."
    )

env_required("DATABASE_URL", "the PostgreSQL server (postgres://user:password@host:5432/name).")
DATABASES = {"default": database_settings()}
# Several hosts: DATABASE_REPLICA_URL adds a read replica for the read-only staff pages.
DATABASE_ROUTERS, MIDDLEWARE = databases_with_replica(DATABASES, MIDDLEWARE)  # noqa: F405
CELERY_BROKER_URL = env_required("CELERY_BROKER_URL", "the Redis broker (redis://host:6379/0).")
CACHES = cache_settings(CELERY_BROKER_URL)
# Links in emails sent by workers (a no-account requester's export, a recipient's
# acknowledgement) start with it: without it they would point at 127.0.0.1.
SITE_URL = env_required("SITE_URL", "this site's https:// address, for links in emails.")
SITE_URL = SITE_URL.rstrip("/")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the site's https:// address in production.")

# Text messages through a gateway: its credentials, or it would fail at the first code sent.
_SMS_CREDENTIALS = {
    "sms.backends.twilio.SmsBackend": ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"),
    "sms.backends.messagebird.SmsBackend": ("MESSAGEBIRD_ACCESS_KEY",),
}
for _name in _SMS_CREDENTIALS.get(SMS_BACKEND or "", ()):  # noqa: F405
    env_required(_name, f"the credentials of SMS_BACKEND={SMS_BACKEND}.")  # noqa: F405

# Exports: MEDIA_ROOT/exports, or with EXPORT_STORAGE_BUCKET a bucket every host shares
# (EXPORT_STORAGE_ENDPOINT_URL, EXPORT_STORAGE_REGION, EXPORT_STORAGE_PREFIX; see base.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "exports": export_storage_settings(MEDIA_ROOT),  # noqa: F405
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
