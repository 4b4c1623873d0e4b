from django.apps import AppConfig


class BrueckenConfig(AppConfig):
    """The project's own app: base layout, shared template tags, static files, translations."""

    name = "bruecken"
    verbose_name = "Brücken"

    def ready(self):
        from . import cache, lookups  # noqa: F401 (registers the lookups)

        cache.connect_signals()

        from django.db.backends.signals import connection_created

        from . import fulltext

        # The SQL function the word-part table's triggers call (SQLite).
        connection_created.connect(fulltext.install_functions, dispatch_uid="fulltext-functions")

        from . import housekeeping, workers

        # Tasks whose worker died: queued again or failed, never RUNNING for ever.
        housekeeping.register(
            "lost_tasks", workers.recover_lost_tasks, "lost background tasks queued again or failed"
        )
