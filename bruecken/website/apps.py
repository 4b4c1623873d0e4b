from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "bruecken.website"
    label = "website"
    verbose_name = _("Website")

    def ready(self):
        from bruecken import housekeeping, waiting

        from . import services
        from . import waiting as website_waiting

        # Messages from the contact and feedback forms are kept for a limited time only.
        housekeeping.register(
            "contact_messages", services.delete_old_messages, "old contact messages deleted"
        )
        # What waits for a user on their home page.
        waiting.register("website", website_waiting.waiting_for)
