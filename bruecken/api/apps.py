from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "bruecken.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        from bruecken import personal_data

        from . import personal_data as mine

        # What "Meine Daten", the export and the erasure find here (bruecken/personal_data.py).
        personal_data.register("api_tokens", collect=mine.collect_tokens)
        personal_data.register("api_tokens_erasure", erase=mine.erase_tokens)
