"""Checks on the translation catalogs, shared by the check_catalogs command and the test suite."""

import polib


def incomplete_entries(catalog: polib.POFile) -> list[polib.POEntry]:
    """Entries with no translation (any plural form empty) or marked fuzzy."""
    bad = []
    for entry in catalog:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            bad.append(entry)
        elif entry.msgid_plural:
            if not entry.msgstr_plural or any(not v for v in entry.msgstr_plural.values()):
                bad.append(entry)
        elif not entry.msgstr:
            bad.append(entry)
    return bad


def catalog_files(pattern: str = "*/LC_MESSAGES/*.po") -> list:
    """Every catalog of the project: the root locale/ (LOCALE_PATHS) and each app's own locale/ folder, where
    the apps of the later sales steps keep their strings (makemessages files them there by itself)."""
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    roots = [Path(p) for p in settings.LOCALE_PATHS]
    base = (Path(settings.BASE_DIR) / "showroom").resolve()
    for config in apps.get_app_configs():
        app_locale = Path(config.path).resolve() / "locale"
        if app_locale.is_dir() and base in app_locale.parents:
            roots.append(app_locale)
    return sorted(path for root in roots for path in root.glob(pattern))
