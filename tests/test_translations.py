"""English and Simplified Chinese ship with every page: no string is left untranslated."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

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
    client.force_login(staff_user)

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
