from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "bruecken.actors"
    label = "actors"
    verbose_name = _("Actors")

    def ready(self):
        from bruecken import personal_data, waiting
        from bruecken.accounts.signals import invitation_accepted

        from . import account_links, listing_waiting, pickers, searching
        from . import personal_data as mine

        # What "Meine Daten", the export and the erasure find here (bruecken/personal_data.py).
        for name, collect in [
            ("person", mine.collect_person),
            ("consents", mine.collect_consents),
            ("consent_history", mine.collect_consent_history),
            ("memberships", mine.collect_memberships),
        ]:
            personal_data.register(name, collect=collect)
        personal_data.register("person_erasure", erase=mine.erase_person_record)
        for kind, title, rows, since in mine.HELD:
            personal_data.register_held(kind, title, rows, since)

        waiting.register("actors_listing", listing_waiting.waiting_for)
        # The type-ahead pickers' organisations, people and topics (bruecken/pickers.py).
        pickers.register()
        # What the full-text search finds them by (bruecken/fulltext/).
        searching.register()

        # accounts may not import actors: it announces an accepted invitation, actors links
        # the new account to its person.
        invitation_accepted.connect(
            account_links.link_on_acceptance, dispatch_uid="actors_link_on_acceptance"
        )
