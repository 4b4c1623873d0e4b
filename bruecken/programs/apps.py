from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "bruecken.programs"
    label = "programs"
    verbose_name = _("Programs")

    def ready(self):
        from . import pickers, searching

        # The type-ahead pickers' goals and results (bruecken/pickers.py).
        pickers.register()
        # What the full-text search finds them by (bruecken/fulltext/).
        searching.register()
