from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "bruecken.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from bruecken import housekeeping, personal_data, waiting
        from bruecken.privacy import retention
        from bruecken.programs.models import LocalProcess
        from bruecken.programs.signals import process_started

        from . import personal_data as mine
        from . import pickers, searching, services
        from . import retention as events_retention
        from . import waiting as events_waiting

        process_started.connect(
            services.create_process_workshops, sender=LocalProcess, dispatch_uid="events.workshops"
        )
        # The periodic steps (bruecken/housekeeping.py), each with what its count means.
        for name, step, counts in [
            ("invitation_reminders", services.send_reminders, "invitation reminders"),
            ("offers", services.settle_offers, "events with offers settled"),
            ("event_reminders", services.send_event_reminders, "event reminders"),
            (
                "unconfirmed_registrations",
                services.delete_past_retention,
                "unconfirmed registrations deleted",
            ),
        ]:
            housekeeping.register(name, step, counts)
        # What waits for a user on their home page (bruecken/waiting.py).
        waiting.register("events", events_waiting.waiting_for)
        # Registrations and invitations keep a person without an account from counting as
        # inactive (bruecken/privacy/retention.py).
        retention.register_activity("events", events_retention.recent_activity)
        # What the full-text search finds events by (bruecken/fulltext/).
        searching.register()
        # The workshops' type-ahead picker (bruecken/pickers.py).
        pickers.register()
        # What "Meine Daten", the export and the erasure find here (bruecken/personal_data.py).
        for name, collect in [
            ("registrations", mine.collect_registrations),
            ("attendance", mine.collect_attendance),
            ("invitations", mine.collect_invitations),
            ("agenda_items", mine.collect_agenda),
        ]:
            personal_data.register(name, collect=collect)
        personal_data.register("participation_erasure", erase=mine.erase_participation)
        for kind, title, rows, since in mine.HELD:
            personal_data.register_held(kind, title, rows, since)
