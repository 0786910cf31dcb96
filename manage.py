#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that touch neither the database nor the broker: no embedded server is started.
# (makemigrations needs a PostgreSQL backend: pgtrigger compiles its triggers with it.)
NEEDS_NO_SERVER = {
    "check",
    "compilemessages",
    "diffsettings",
    "help",
    "makemessages",
    "startapp",
    "version",
}


def main() -> None:
    environment = os.environ.get("DJANGO_ENV", "local")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{environment}")
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    embeddable = os.environ["DJANGO_SETTINGS_MODULE"] in {
        "config.settings.local",
        "config.settings.test",
    }
    if embeddable and command not in NEEDS_NO_SERVER and not command.startswith("-"):
        import devservers

        # Where DATABASE_URL or CELERY_BROKER_URL is unset, the embedded server (left running;
        # `make stop` stops it).
        devservers.environ_ensure()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
