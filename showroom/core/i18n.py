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
