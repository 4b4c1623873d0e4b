from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "bruecken.transfer"
    label = "transfer"
    verbose_name = _("Import and export")

    def ready(self):
        from bruecken import housekeeping, waiting
        from bruecken.privacy import retention

        from . import services
        from . import waiting as transfer_waiting

        # Uploaded spreadsheets never imported, and the values kept for their preview.
        housekeeping.register(
            "import_uploads",
            retention.ledgered("import_uploads", services.delete_stale_uploads),
            "stale import uploads deleted",
        )
        # What waits for a user on their home page.
        waiting.register("transfer", transfer_waiting.waiting_for)
        # A check or import whose worker died is queued again or failed (bruecken/workers.py).
        from bruecken import workers

        for background_task in (services.check_import_task, services.commit_import_task):
            workers.when_lost(background_task, services.import_lost)
        # What the erasure changes here and the privacy ledger counts (bruecken/personal_data.py).
        from bruecken import personal_data

        from . import personal_data as mine

        personal_data.register("import_values_erasure", erase=mine.erase_import_values)
        for kind, title, rows, since in mine.HELD:
            personal_data.register_held(kind, title, rows, since)
