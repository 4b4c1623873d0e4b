"""What the API holds about a person (bruecken/personal_data.py): their API tokens (never the
secret, which is not kept)."""

from django.utils.translation import gettext_lazy as _

from bruecken.personal_data import section

from .models import ApiToken


def collect_tokens(person, user):
    if user is None:
        return None
    tokens = ApiToken.objects.filter(user=user)
    return section(
        "api_tokens",
        _("API tokens"),
        tokens,
        ["name", "prefix", "created_at", "last_used_at", "revoked_at"],
    )


def erase_tokens(erasure):
    """The account's API tokens are deleted: nothing signs in as the erased person again."""
    if erasure.user is None:
        return {}
    return {"api_tokens": ApiToken.objects.filter(user=erasure.user).delete()[0]}
