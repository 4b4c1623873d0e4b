from django.core.management.base import BaseCommand

from bruecken.actors.taxonomy import load_taxonomy
from bruecken.places.reference import load_all


class Command(BaseCommand):
    help = (
        "Load reference data: countries and world regions, languages, the topic taxonomy and "
        "the partnerships of the model municipalities. Safe to run again."
    )

    def handle(self, *args, **options):
        load_all()
        load_taxonomy()
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
