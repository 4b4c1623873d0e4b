from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "bruecken.website"
    label = "website"
    verbose_name = _("Website")

    def ready(self):
        from bruecken import housekeeping, personal_data, waiting
        from bruecken.privacy import retention

        from . import personal_data as mine
        from . import pickers, services
        from . import waiting as website_waiting

        # Messages from the contact and feedback forms are kept for a limited time only.
        housekeeping.register(
            "contact_messages",
            retention.ledgered("contact_messages", services.delete_old_messages),
            "old contact messages deleted",
        )
        # The pictures' type-ahead picker (bruecken/pickers.py).
        pickers.register()
        # What waits for a user on their home page.
        waiting.register("website", website_waiting.waiting_for)
        # What "Meine Daten", the export and the erasure find here (bruecken/personal_data.py).
        personal_data.register("messages", collect=mine.collect_messages)
        personal_data.register("messages_erasure", erase=mine.erase_messages)
        for kind, title, rows, since in mine.HELD:
            personal_data.register_held(kind, title, rows, since)
