"""The test suite: as local, with fast hashing and mail kept in memory."""

from pathlib import Path

from config.settings.environment import env_str
from config.settings.local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never elsewhere
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "sms.backends.locmem.SmsBackend"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Connections held past a request by live-server or worker threads would block
# dropping the test database at the end of the run.
for _database in DATABASES.values():  # noqa: F405 (the replica's too, when there is one)
    _database["CONN_MAX_AGE"] = 0
# A Redis database of its own, emptied before each test (tests/conftest.py).
_cache = CACHES["default"]  # noqa: F405
if "LOCATION" in _cache:  # not for a command that needs no server (a cache in memory)
    _cache["LOCATION"] = _cache["LOCATION"].replace("db=1", "db=2")
    if _cache["LOCATION"].endswith("/1"):
        _cache["LOCATION"] = _cache["LOCATION"][:-2] + "/2"

# Files of the suite's own (exports, scans) apart from the demo's, which a purge test would
# otherwise take for orphans; a fixed place, so worker processes started by tests share it.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".local" / "test-media")))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": export_storage_settings(MEDIA_ROOT),  # noqa: F405
}
NOTICE_RETRY_BASE_SECONDS = 1  # a receiver down for a while is retried within the test
