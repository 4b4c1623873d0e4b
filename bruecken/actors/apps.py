from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "bruecken.actors"
    label = "actors"
    verbose_name = _("Actors")

    def ready(self):
        from bruecken import waiting
        from bruecken.accounts.signals import invitation_accepted

        from . import account_links, listing_waiting

        waiting.register("actors_listing", listing_waiting.waiting_for)

        # accounts may not import actors: it announces an accepted invitation, actors links
        # the new account to its person.
        invitation_accepted.connect(
            account_links.link_on_acceptance, dispatch_uid="actors_link_on_acceptance"
        )
