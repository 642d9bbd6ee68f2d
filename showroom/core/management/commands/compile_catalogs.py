"""Compile the translation catalogs (.po → .mo) with polib, so a fresh machine needs no GNU gettext."""

import polib
from django.core.management.base import BaseCommand

from showroom.core.i18n import catalog_files


class Command(BaseCommand):
    help = "Compile every catalog (locale/ and each app's locale/) into .mo files."

    def handle(self, *args, **options):
        count = 0
        for po_path in catalog_files():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"compiled {count} catalog(s)")
