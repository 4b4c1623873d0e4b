from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "bruecken.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from bruecken import housekeeping, waiting
        from bruecken.programs.models import LocalProcess
        from bruecken.programs.signals import process_started

        from . import services
        from . import waiting as events_waiting

        process_started.connect(
            services.create_process_workshops, sender=LocalProcess, dispatch_uid="events.workshops"
        )
        # The periodic steps (bruecken/housekeeping.py), each with what its count means.
        for name, step, counts in [
            ("invitation_reminders", services.send_reminders, "invitation reminders"),
            ("offers", services.settle_offers, "events with offers settled"),
            ("event_reminders", services.send_event_reminders, "event reminders"),
        ]:
            housekeeping.register(name, step, counts)
        # What waits for a user on their home page (bruecken/waiting.py).
        waiting.register("events", events_waiting.waiting_for)
