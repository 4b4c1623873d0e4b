from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    name = "bruecken.guide"
    label = "guide"
    verbose_name = _("Guideline")

    def ready(self):
        from bruecken import waiting

        from . import waiting as guide_waiting

        # What waits for a user on their home page.
        waiting.register("guide", guide_waiting.waiting_for)
