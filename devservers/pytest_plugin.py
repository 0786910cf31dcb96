"""Start the embedded servers for the test run before Django reads its settings.

Loaded with ``-p devservers.pytest_plugin`` (pyproject's addopts). A server given by
DATABASE_URL or CELERY_BROKER_URL is used as it is; an embedded PostgreSQL serves the suite
as its two roles (owner and app, README's Security); an embedded server this run started is
stopped when the run ends, one that was already running (a demo) is left running.
"""

import pytest

import devservers

_STARTED = pytest.StashKey[set]()


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # A wrapper, so this runs before pytest-django's own hook reads the settings.
    early_config.stash[_STARTED] = devservers.environ_ensure(roles=True)
    return (yield)


def pytest_unconfigure(config):
    devservers.stop(config.stash.get(_STARTED, set()))
