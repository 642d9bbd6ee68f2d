"""`manage.py import_leads <file> --user <username>`: the lead sheet import, from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from showroom.accounts.models import User
from showroom.core.errors import DomainError
from showroom.reception.intake import leads_import_sheet


class Command(BaseCommand):
    help = "Import a lead sheet (CSV or XLSX) as the given manager; a sheet with any refused row imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The sheet: .csv (UTF-8 or GBK) or .xlsx")
        parser.add_argument("--user", required=True, help="Username of the manager importing (needs the import right)")
        parser.add_argument("--source", default="", help="Source of rows without one, e.g. autohome")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        user = User.objects.select_related("store").filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        try:
            report = leads_import_sheet(actor=user, data=data, filename=path.name, default_source=options["source"])
        except DomainError as err:
            raise CommandError(str(err.message)) from err
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"row {error.row}, {error.column}: {error.message}")
            raise CommandError(f"{len({e.row for e in report.errors})} rows refused; nothing imported.")
        self.stdout.write(
            f"rows={report.rows} imported={report.imported} new_customers={report.created} "
            f"known_customers={report.attached} existing_leads={report.existing} "
            f"repeated_in_sheet={report.duplicates_in_sheet}"
        )
