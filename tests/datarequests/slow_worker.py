"""A real Celery worker (``python -m tests.datarequests.slow_worker``) whose export builds
stop at their last member, the reply letter, for ten minutes: a build to kill halfway."""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from config.celery import app  # noqa: E402
from datarequests import letters  # noqa: E402


def _letter_that_never_comes(**kwargs):
    time.sleep(600)


letters.reply_letter_pdf = _letter_that_never_comes

if __name__ == "__main__":
    app.worker_main(
        ["worker", "--pool=solo", "--loglevel=WARNING", "--without-mingle", "--without-gossip"]
    )
