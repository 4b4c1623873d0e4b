from django.apps import AppConfig


class BrueckenConfig(AppConfig):
    """The project's own app: base layout, shared template tags, static files, translations."""

    name = "bruecken"
    verbose_name = "Brücken"

    def ready(self):
        from . import cache, lookups  # noqa: F401 (registers the lookups)

        cache.connect_signals()
