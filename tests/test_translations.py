"""English and Simplified Chinese ship with every page: no string is left untranslated."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import verified_login

LOCALE = Path(__file__).resolve().parent.parent / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_simplified_chinese_catalogue():
    assert LOCALE / "zh_Hans/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_message_is_translated(path):
    catalogue = polib.pofile(str(path))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_compiled_catalogue_is_up_to_date(path):
    source = {entry.msgid: entry.msgstr for entry in polib.pofile(str(path)) if not entry.obsolete}
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(path.with_suffix(".mo")))}

    assert compiled == source, "run: python manage.py compilemessages --ignore=.venv"


@pytest.mark.django_db
def test_admin_data_map_speaks_chinese(client, staff_user):
    verified_login(client, staff_user)

    with translation.override("zh-hans"):
        page = client.get(reverse("admin:datamap"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    content = page.content.decode()
    assert "数据地图" in content
    assert "注册信息（A.2）" in content


@pytest.mark.django_db
def test_home_page_offers_both_languages(client):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "Your personal data at the marketplace" in english
    assert "您在平台上的个人资料" in chinese
    assert "简体中文" in english


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="skipped: GNU gettext (xgettext) is not installed, so strings cannot be extracted",
)
def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path):
    root = LOCALE.parent
    copy = tmp_path / "project"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".local", ".git", "tests", "bench", "*.mo", "build", "dist", "*.egg-info"
        ),
    )
    env = {
        **os.environ,
        "DJANGO_ENV": "local",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",  # never connected to
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )

    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    shipped = {e.msgid for e in polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))}
    missing = sorted(extracted - shipped)
    assert missing == [], "run makemessages -l zh_Hans and translate: " + repr(missing[:10])
