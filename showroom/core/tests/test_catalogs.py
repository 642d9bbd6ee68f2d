from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from showroom.core.i18n import incomplete_entries

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_every_interface_string_is_translated(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 100
    missing = [entry.msgid for entry in incomplete_entries(catalog)]
    assert missing == []


def test_the_interface_speaks_chinese_by_default_and_english_on_request():
    with translation.override("zh-hans"):
        assert translation.gettext("Workbench") == "工作台"
        assert translation.gettext("Leads") != "Leads"
    with translation.override("en"):
        assert translation.gettext("Workbench") == "Workbench"
