"""privacy-office: settings, urls, the Celery app and the personal-data registry."""

from privacy_office.celery import app as celery_app

__all__ = ["celery_app"]
