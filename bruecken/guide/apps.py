from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    name = "bruecken.guide"
    label = "guide"
    verbose_name = _("Guideline")

    def ready(self):
        from bruecken import waiting
        from bruecken.actors.signals import consent_withdrawn

        from . import redaction, searching
        from . import waiting as guide_waiting

        # What waits for a user on their home page.
        waiting.register("guide", guide_waiting.waiting_for)
        # What the full-text search finds recommendations by (bruecken/fulltext.py).
        searching.register()
        # Published editions no longer name whoever withdrew their consent.
        consent_withdrawn.connect(
            redaction.on_consent_withdrawn, dispatch_uid="guide_redact_editions"
        )
