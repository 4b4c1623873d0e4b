import time

from django.core.management.base import BaseCommand
from django.db import transaction

from bruecken import fulltext


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of every searchable kind (organisations, people, "
        "events, goals, results, recommendations) from the database: after writes that "
        "bypassed the application, or a change of what documents hold. Safe to run any time."
    )

    def handle(self, *args, **options):
        for model in fulltext.registered_models():
            started = time.monotonic()
            # One kind at a time, all or nothing: searches see the old index until it is done.
            with transaction.atomic():
                fulltext.reindex(model)
            if options["verbosity"] >= 1:
                count = model._base_manager.count()
                self.stdout.write(
                    f"{model._meta.verbose_name_plural}: {count:,} indexed "
                    f"in {time.monotonic() - started:.1f} s"
                )
