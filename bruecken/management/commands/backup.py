from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bruecken import backup


class Command(BaseCommand):
    help = (
        "Write the database and every stored file into one archive (tar.gz with a manifest) "
        "that `bruecken restore` loads into a new database, SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="where to write it (default: bruecken-backup-<date and time>.tar.gz here); a "
            "folder puts it there under that name",
        )

    def handle(self, *args, archive=None, **options):
        name = f"bruecken-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        target = Path(archive) if archive else Path(name)
        if target.is_dir():
            target = target / name
        if not target.parent.is_dir():
            raise CommandError(f"There is no folder {target.parent} to write the backup to.")
        if target.exists():
            raise CommandError(f"{target} exists already; name another file.")
        report = self.stdout.write if options["verbosity"] >= 1 else (lambda _message: None)
        backup.write_backup(target, report=report)
        report(self.style.SUCCESS(f"Backup written to {target}"))
