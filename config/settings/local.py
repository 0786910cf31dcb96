"""Local development and the demo: the servers DATABASE_URL and CELERY_BROKER_URL name.

manage.py, rundemo and the test runner set them to the embedded PostgreSQL and Redis
(devservers) when they are unset; importing these settings starts nothing.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import cache_settings, database_settings
from config.settings.environment import env_bool, env_list, env_str

# The demo data and `rundemo`; production has no demo.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

# Off by default: the demo is the product, and Django's debug pages would show its settings
# and every URL to anyone who mistypes one. DEBUG=1 turns them on for development.
DEBUG = env_bool("DEBUG", False)
# Development-only values, refused by production settings.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-local-development-only-key")
FIELD_ENCRYPTION_KEYS = env_list(
    "FIELD_ENCRYPTION_KEYS", ["bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXk="]
)
FIELD_BLIND_INDEX_KEY = env_str("FIELD_BLIND_INDEX_KEY", "local-development-only-blind-index-key")

DATABASES = {"default": database_settings()}
CACHES = cache_settings(CELERY_BROKER_URL)  # noqa: F405

# Static files come straight from the apps (no collectstatic needed locally).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
