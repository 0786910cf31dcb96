"""Local development and the demo: the servers DATABASE_URL and CELERY_BROKER_URL name.

manage.py, rundemo and the test runner set them to the embedded PostgreSQL and Redis
(devservers) when they are unset; importing these settings starts nothing.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import (
    cache_settings,
    database_owner_settings,
    database_settings,
    databases_with_replica,
)
from config.settings.environment import (
    DEVELOPMENT_BLIND_INDEX_KEY,
    DEVELOPMENT_FIELD_ENCRYPTION_KEY,
    DEVELOPMENT_SECRET_KEY,
    env_bool,
    env_list,
    env_str,
)

# The demo data and `rundemo`; production has no demo.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

# Off by default: the demo is the product, and Django's debug pages would show its settings
# and every URL to anyone who mistypes one. DEBUG=1 turns them on for development.
DEBUG = env_bool("DEBUG", False)
# Development-only values, refused by production settings.
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [DEVELOPMENT_FIELD_ENCRYPTION_KEY])
FIELD_BLIND_INDEX_KEY = env_str("FIELD_BLIND_INDEX_KEY", DEVELOPMENT_BLIND_INDEX_KEY)
AUDIT_CHAIN_KEYS = env_list("AUDIT_CHAIN_KEYS", ["local-development-only-audit-chain-key"])
AUDIT_CHECKPOINT_SIGNING_KEY = env_str(  # base64 of b"local-development-only-ckpt-key!"
    "AUDIT_CHECKPOINT_SIGNING_KEY", "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1ja3B0LWtleSE="
)
EVIDENCE_SIGNING_KEY = env_str(  # base64 of b"local-development-only-evid-key!"
    "EVIDENCE_SIGNING_KEY", "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1ldmlkLWtleSE="
)

DATABASES = {"default": database_settings()}
# Several hosts: DATABASE_REPLICA_URL adds a read replica for the read-only staff pages.
DATABASE_ROUTERS, MIDDLEWARE = databases_with_replica(DATABASES, MIDDLEWARE)  # noqa: F405
# The role that owns the tables, for the test runner only (tests/conftest.py); unset, the
# suite creates and empties its database as DATABASE_URL's role.
DATABASE_OWNER = database_owner_settings()
CACHES = cache_settings(CELERY_BROKER_URL)  # noqa: F405

# Static files come straight from the apps (no collectstatic needed locally).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
NOTICE_WEBHOOK_HTTPS_ONLY = False  # a reference receiver on this machine speaks http
