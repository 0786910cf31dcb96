# The two commands: `make demo` runs the product, `make test` runs every check.
# Nothing is assumed beyond Python 3.11+ and make.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The suite also runs as if today were each of these (a month end late in the UTC day, so
# already the next day in Hangzhou; 29 February; a Saturday), so a test that reads the wall
# clock for its expectations fails loudly on some date. (The schema fuzz and the tests
# marked dateless, long and reading no date, run once, on today's.)
TEST_TODAYS ?= 2026-08-31T20:00:00+00:00 2028-02-29T20:00:00+00:00 2026-10-03T03:00:00+00:00

.PHONY: demo test test-steps lint install stop clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "privacy-office needs Python 3.11 or newer; found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) manage.py rundemo

# The embedded servers (when DATABASE_URL / CELERY_BROKER_URL are unset) serve every step
# and are stopped at the end if this run started them.
test: $(STAMP)
	$(PY) -m devservers run $(MAKE) --no-print-directory test-steps

test-steps:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_ENV=test $(PY) manage.py check --fail-level WARNING
	DJANGO_ENV=test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_ENV=test $(VENV)/bin/mypy
	$(VENV)/bin/pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)
	@for today in $(TEST_TODAYS); do \
	  echo "== the suite again, as if today were $$today"; \
	  PRIVACY_OFFICE_TEST_NOW=$$today $(VENV)/bin/pytest -q -m "not fuzz and not dateless" $(PYTEST_ARGS) || exit 1; \
	done

stop: $(STAMP)
	$(PY) -m devservers stop

clean: stop
	rm -rf .local $(VENV)
