"""API tokens: a secret shown once, stored only as its SHA-256 hash."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bruecken.tokens import hash_token, new_token  # noqa: F401 (hash_token: for the API's callers)

TOKEN_PREFIX = "brk_"  # noqa: S105 (a marker that tells secret scanners what it is)


def new_raw_token():
    return TOKEN_PREFIX + new_token()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the municipal portal.")
    )
    # The first characters, to tell tokens apart in lists; not enough to guess the rest.
    prefix = models.CharField(_("beginning"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None
