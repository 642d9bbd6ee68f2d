"""English is the source language: its catalogs translate each string as itself. Fill the empty English
entries (and tidy the new catalogs' headers) so that only the Chinese needs a translator."""

import polib
from django.core.management.base import BaseCommand

from showroom.core.i18n import catalog_files


class Command(BaseCommand):
    help = "Copy each msgid into its empty English msgstr; set the language of new catalogs."

    def handle(self, *args, **options):
        filled = 0
        for path in catalog_files():
            language = path.parents[1].name
            catalog = polib.pofile(str(path), wrapwidth=79)
            changed = False
            if catalog.metadata.get("Language") != language:
                catalog.metadata["Language"] = language
                changed = True
            if catalog.metadata_is_fuzzy:
                catalog.metadata_is_fuzzy = False
                changed = True
            if language == "en":
                for entry in catalog:
                    if entry.obsolete:
                        continue
                    if "fuzzy" in entry.flags:  # a guess from a similar string: English is the string itself
                        entry.msgstr, entry.msgstr_plural = "", {}
                    if entry.msgid_plural and not (entry.msgstr_plural and all(entry.msgstr_plural.values())):
                        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                    elif not entry.msgid_plural and not entry.msgstr:
                        entry.msgstr = entry.msgid
                    else:
                        continue
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                    filled += 1
                    changed = True
            if changed:
                catalog.save()
        self.stdout.write(f"filled {filled} English entr{'y' if filled == 1 else 'ies'}")
