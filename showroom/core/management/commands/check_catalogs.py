"""Fail if a translation catalog has an untranslated or fuzzy entry (both languages must be complete)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from showroom.core.i18n import incomplete_entries


class Command(BaseCommand):
    help = "Check that every catalog in locale/ is completely translated."

    def handle(self, *args, **options):
        problems = []
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                for entry in incomplete_entries(polib.pofile(str(po_path))):
                    problems.append(f"{po_path}: {entry.msgid[:80]!r}")
        if problems:
            raise CommandError("Incomplete translations:\n" + "\n".join(problems[:200]))
        self.stdout.write("all catalogs complete")
