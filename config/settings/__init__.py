"""Settings, read from the environment in one place.

``DJANGO_ENV`` picks the module: ``local`` (default, demo-friendly), ``test``
(the suite) or ``production`` (every secret required, nothing embedded).
Importing them starts no server: for ``local`` and ``test``, manage.py and the
test runner start the embedded PostgreSQL and Redis (``devservers``) and point
DATABASE_URL and CELERY_BROKER_URL at them when those are unset.
"""
