from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from showroom.core.i18n import catalog_files, incomplete_entries

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_every_interface_string_is_translated(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 100
    missing = [entry.msgid for entry in incomplete_entries(catalog)]
    assert missing == []


@pytest.mark.parametrize("path", catalog_files(), ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_app_catalog_is_complete_in_both_languages(path):
    assert [entry.msgid for entry in incomplete_entries(polib.pofile(str(path)))] == []


def test_each_later_step_app_keeps_its_own_catalog_in_both_languages():
    apps_with_catalogs = {p.parents[3].name for p in catalog_files() if p.parents[3].name != Path(settings.BASE_DIR).name}
    assert {"catalog", "inventory", "needs", "presentations", "testdrives"} <= apps_with_catalogs


def test_the_interface_speaks_chinese_by_default_and_english_on_request():
    with translation.override("zh-hans"):
        assert translation.gettext("Workbench") == "工作台"
        assert translation.gettext("Leads") != "Leads"
    with translation.override("en"):
        assert translation.gettext("Workbench") == "Workbench"
