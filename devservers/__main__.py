"""The embedded servers from the command line.

``python -m devservers stop`` stops them (`make stop`); ``python -m devservers run CMD …``
runs a command with DATABASE_URL and CELERY_BROKER_URL pointing at them where unset (the
database as the suite's app role, DATABASE_OWNER_URL as its owner), then stops the servers
it started (`make test`).
"""

import subprocess
import sys

import devservers

USAGE = "usage: python -m devservers stop | python -m devservers run COMMAND [ARGUMENT …]"

if sys.argv[1:] == ["stop"]:
    for sentence in devservers.stop([devservers.POSTGRES, devservers.REDIS]):
        print(sentence)
elif sys.argv[1:2] == ["run"] and len(sys.argv) > 2:
    started = devservers.environ_ensure(roles=True)
    try:
        status = subprocess.call(sys.argv[2:])  # noqa: S603 - the caller's own command
    finally:
        for sentence in devservers.stop(started):
            print(sentence)
    sys.exit(status)
else:
    sys.exit(USAGE)
