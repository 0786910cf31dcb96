"""The project's wiring: settings, urls, the Celery app and wsgi.

The Celery app is loaded with the settings, so every app's ``@shared_task`` binds to it.
"""

from config.celery import app as celery_app

__all__ = ["celery_app"]
