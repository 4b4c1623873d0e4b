from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "bruecken.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from bruecken import workers
        from bruecken.actors.signals import consent_withdrawn

        from . import services

        # A build whose worker died is queued again or marked failed.
        workers.when_lost(services.build_process_document, services.build_lost)

        # Stored process documentation no longer names an organisation that withdrew.
        consent_withdrawn.connect(
            services.on_consent_withdrawn, dispatch_uid="reports_remove_documents"
        )
