from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "bruecken.website"
    label = "website"
    verbose_name = _("Website")

    def ready(self):
        from . import cache

        cache.connect_signals()
