"""People without an account reach their data through a personal link in every e-mail we send
them: see it, download it, have it deleted, or stop the e-mails they need not get.

The link carries a random token and nothing else (no id, no name, no address); only the token's
hash is kept (`GuestLink`), and it expires after GUEST_DATA_LINK_DAYS. Whoever holds the link
acts for the person, like with an invitation link: the pages ask nothing more."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bruecken import mail
from bruecken.tokens import hash_token, new_token

from .models import GuestLink

# Longer is refused unread: a token is 43 characters.
TOKEN_MAX_LENGTH = 100


class InvalidLink(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


def issue_token(person, now=None):
    """A new personal token for `person` (the raw value exists only in the e-mail)."""
    now = now or timezone.now()
    token = new_token()
    GuestLink.objects.create(
        person=person,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=settings.GUEST_DATA_LINK_DAYS),
    )
    return token


def _absolute(name, token):
    return settings.SITE_URL + reverse(name, args=[token])


def data_link(person):
    """The absolute address of the person's data page, in the active language."""
    return _absolute("privacy:guest", issue_token(person))


def links(person):
    """The data page and the unsubscribe page, sharing one token."""
    token = issue_token(person)
    return {
        "data_url": _absolute("privacy:guest", token),
        "unsubscribe_url": _absolute("privacy:guest_unsubscribe", token),
    }


def footer(person):
    """What an e-mail to `person` ends with, in the active language, and its extra headers:
    the personal links for someone without an account; nothing for an account holder (they
    find everything under "Meine Daten" after signing in)."""
    if person.user_id is not None:
        return "", {}
    found = links(person)
    text = mail.privacy_footer(link_days=settings.GUEST_DATA_LINK_DAYS, **found)
    return text, mail.unsubscribe_headers(found["unsubscribe_url"])


def person_for_token(token, now=None):
    """The person a link is for; InvalidLink when it is made up, altered or expired."""
    token = str(token or "")
    link = None
    if 0 < len(token) <= TOKEN_MAX_LENGTH and "\x00" not in token:
        link = (
            GuestLink.objects.select_related("person").filter(token_hash=hash_token(token)).first()
        )
    if link is None:
        raise InvalidLink(
            _(
                "This link is not valid. Please use the link exactly as it came in our e-mail; "
                "every e-mail from us carries a current one."
            ),
            code="invalid",
        )
    if link.expires_at <= (now or timezone.now()):
        raise InvalidLink(
            ngettext(
                "This link has expired: for your protection, it works for %(days)s day. The "
                "next e-mail from us carries a new one; or write to us through the contact form.",
                "This link has expired: for your protection, it works for %(days)s days. The "
                "next e-mail from us carries a new one; or write to us through the contact form.",
                settings.GUEST_DATA_LINK_DAYS,
            )
            % {"days": settings.GUEST_DATA_LINK_DAYS},
            code="expired",
        )
    return link.person


def forget_links(person):
    """Delete the person's links (their data was erased); returns how many."""
    deleted, _rows = GuestLink.objects.filter(person=person).delete()
    return deleted


def erase_links(erasure):
    """The eraser (bruecken/personal_data.py): the erased person's links stop working."""
    return forget_links(erasure.person) if erasure.person is not None else 0


def delete_expired_links(now=None):
    """Housekeeping: links past their time lead nowhere; returns how many were deleted."""
    deleted, _rows = GuestLink.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
