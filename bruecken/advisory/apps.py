from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisoryConfig(AppConfig):
    name = "bruecken.advisory"
    label = "advisory"
    verbose_name = _("Advisory follow-up")

    def ready(self):
        from bruecken import figures, housekeeping, personal_data, waiting

        from . import figures as advisory_figures
        from . import personal_data as mine
        from . import pickers, services
        from . import waiting as advisory_waiting

        # The advisor is reminded of a follow-up on its date (bruecken/housekeeping.py).
        housekeeping.register(
            "advice_follow_ups", services.send_follow_up_reminders, "follow-up reminders"
        )
        # "Nachfassen fällig" on the advisor's and the coordinator's home page.
        waiting.register("advisory", advisory_waiting.waiting_for)
        # Follow-ups due per municipality: the program dashboard and the guideline.
        figures.register("advisory", advisory_figures.per_municipality)
        # The seminar and advisor pickers of the advice form.
        pickers.register()
        # What "Meine Daten", the export and the erasure find here (bruecken/personal_data.py).
        personal_data.register("advice", collect=mine.collect_advice)
        personal_data.register("advice_erasure", erase=mine.erase_advice)
        for kind, title, rows, since in mine.HELD:
            personal_data.register_held(kind, title, rows, since)
