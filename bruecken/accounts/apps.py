from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bruecken.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from bruecken import personal_data

        from . import personal_data as mine

        # What "Meine Daten", the export and the erasure find here (bruecken/personal_data.py).
        for name, collect in [
            ("account", mine.collect_account),
            ("roles", mine.collect_roles),
            ("account_invitations", mine.collect_account_invitations),
            ("audit_about", mine.collect_audit_about),
            ("audit_by", mine.collect_audit_by),
        ]:
            personal_data.register(name, collect=collect)
        personal_data.register("account_erasure", erase=mine.erase_account)
        for kind, title, rows, since in mine.HELD:
            personal_data.register_held(kind, title, rows, since)
