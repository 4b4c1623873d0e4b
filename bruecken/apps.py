from django.apps import AppConfig


class BrueckenConfig(AppConfig):
    """The project's own app: base layout, shared template tags, static files, translations."""

    name = "bruecken"
    verbose_name = "Brücken"

    def ready(self):
        from . import cache

        cache.connect_signals()
