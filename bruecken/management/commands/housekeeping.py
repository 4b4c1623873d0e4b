from django.core.management.base import BaseCommand, CommandError

from bruecken import housekeeping


class Command(BaseCommand):
    help = (
        "Periodic work of every app (reminders, expired waiting-list offers, deleting old "
        "messages, uploads and outdated figures). Safe to run as often as you like."
    )

    def handle(self, *args, **options):
        counts, failed = housekeeping.run()
        if options["verbosity"] >= 1:
            self.stdout.write(
                ", ".join(
                    f"{label}: {counts.get(name, '-')}"
                    for name, (_step, label) in housekeeping.STEPS.items()
                )
            )
        if failed:
            raise CommandError(f"Housekeeping failed: {', '.join(failed)} (see the log)")
