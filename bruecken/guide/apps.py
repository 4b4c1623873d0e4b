from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    name = "bruecken.guide"
    label = "guide"
    verbose_name = _("Guideline")

    def ready(self):
        from bruecken import waiting, workers
        from bruecken.actors.signals import consent_withdrawn

        from . import redaction, searching, services
        from . import waiting as guide_waiting

        # What waits for a user on their home page.
        waiting.register("guide", guide_waiting.waiting_for)
        # What the full-text search finds recommendations by (bruecken/fulltext/).
        searching.register()
        # Published editions no longer name whoever withdrew their consent.
        consent_withdrawn.connect(
            redaction.on_consent_withdrawn, dispatch_uid="guide_redact_editions"
        )
        # A build whose worker died is queued again or failed (bruecken/workers.py).
        workers.when_lost(services.build_edition_task, services.build_lost)
        workers.when_lost(redaction.build_redacted_edition_task, redaction.rebuild_lost)
