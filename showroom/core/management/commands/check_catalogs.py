"""Fail if a translation catalog has an untranslated or fuzzy entry (both languages must be complete)."""

import polib
from django.core.management.base import BaseCommand, CommandError

from showroom.core.i18n import catalog_files, incomplete_entries


class Command(BaseCommand):
    help = "Check that every catalog in locale/ is completely translated."

    def handle(self, *args, **options):
        problems = []
        for po_path in catalog_files():
            for entry in incomplete_entries(polib.pofile(str(po_path))):
                problems.append(f"{po_path}: {entry.msgid[:80]!r}")
        if problems:
            raise CommandError("Incomplete translations:\n" + "\n".join(problems[:200]))
        self.stdout.write("all catalogs complete")
