from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "bruecken.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self):
        from bruecken import housekeeping

        from . import snapshots

        # Figures of scopes nobody opened since the data changed.
        housekeeping.register(
            "network_snapshots", snapshots.delete_outdated, "outdated network figures deleted"
        )
