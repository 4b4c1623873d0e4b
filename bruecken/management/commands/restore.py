from django.core.management.base import BaseCommand

from bruecken import backup


class Command(BaseCommand):
    help = (
        "Load an archive of `bruecken backup` (database and files) into this installation's "
        "database, which must be migrated and hold no data yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive written by `bruecken backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="delete all data in the database first, and overwrite files of the same name",
        )

    def handle(self, *args, archive, force=False, **options):
        report = self.stdout.write if options["verbosity"] >= 1 else (lambda _message: None)
        backup.restore_backup(archive, force=force, report=report)
        report(self.style.SUCCESS(f"Restored from {archive}"))
