from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "bruecken.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from bruecken import housekeeping, personal_data

        from . import exports, guest, retention

        # Exports of "Meine Daten" are deleted once they expire (DATA_EXPORT_HOURS).
        housekeeping.register(
            "data_exports", exports.delete_expired, "expired data exports deleted"
        )
        # An export whose worker died is built again or marked failed (bruecken/workers.py).
        from bruecken import workers

        workers.when_lost(exports.build_export_task, exports.export_lost)
        # Retention periods (retention.py; the other apps register theirs beside their data).
        for name, step, counts in [
            ("inactive_people", retention.delete_inactive_people, "inactive people erased"),
            (
                "account_invitations",
                retention.delete_expired_invitations,
                "old account invitations deleted",
            ),
            ("data_links", guest.delete_expired_links, "expired personal data links deleted"),
        ]:
            housekeeping.register(name, step, counts)
        # An erased person's links to their data page stop working.
        personal_data.register("data_links", erase=guest.erase_links)
        # Erasure requests waiting for the program office (ledger_waiting.py).
        from bruecken import waiting

        from . import ledger_waiting

        waiting.register("erasure_requests", ledger_waiting.waiting_for)
        personal_data.register_held(
            "data_exports",
            _("Data exports"),
            lambda: exports.DataExport.objects.all(),
            "requested_at",
        )
