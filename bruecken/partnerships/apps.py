from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "bruecken.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships and matching")

    def ready(self):
        from bruecken import housekeeping, waiting

        from . import signals, stored
        from . import waiting as partnerships_waiting

        housekeeping.register("matching", stored.housekeeping, "suggestions stored")
        waiting.register("partnerships", partnerships_waiting.waiting_for)
        signals.connect()
        self.ready_introductions()

    def ready_introductions(self):
        from bruecken import figures, housekeeping, personal_data, waiting

        from . import introduction_figures, introduction_waiting, introductions, pickers
        from . import personal_data as mine

        housekeeping.register(
            "introductions_expired", introductions.expire_introductions, "introductions expired"
        )
        waiting.register("introductions", introduction_waiting.waiting_for)
        pickers.register()
        figures.register("partnerships", introduction_figures.per_municipality)
        personal_data.register(
            "introduction_answers",
            collect=mine.collect_introduction_answers,
            erase=mine.erase_introduction_answers,
        )
        # The addresses answer links went to, kept for a while after the answer or the expiry.
        from bruecken.privacy import retention

        housekeeping.register(
            "introduction_addresses",
            retention.ledgered("introduction_addresses", mine.forget_answer_addresses),
            "addresses of past introductions removed",
        )
        personal_data.register_held(
            "introduction_addresses",
            _("Addresses in answers to introductions"),
            mine.held_addresses,
            "expires_at",
        )
