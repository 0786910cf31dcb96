"""Settings, read from the environment in one place.

``DJANGO_ENV`` picks the module: ``local`` (default: embedded PostgreSQL and
Redis, demo-friendly), ``test`` (the suite) or ``production`` (every secret
required, nothing embedded).
"""
