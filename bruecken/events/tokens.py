"""The signed personal links in e-mails: an invitation's answer link, and a registration's link
to accept an offer or cancel (for people without an account). Signed, so they cannot be guessed
or altered; the e-mails make them, the participant pages read them."""

import secrets

from django.core import signing
from django.utils.translation import gettext as _

from .exceptions import Refused
from .models import Invitation, Registration

INVITATION_SALT = "bruecken.events.invitation"
REGISTRATION_SALT = "bruecken.events.registration"


def invitation_token(invitation):
    """The personal link's token: signed, so it cannot be guessed or altered."""
    return signing.dumps({"i": invitation.pk, "k": invitation.key}, salt=INVITATION_SALT)


def invitation_for_token(token):
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
        invitation = Invitation.objects.select_related("event", "person").get(pk=data["i"])
    except (signing.BadSignature, Invitation.DoesNotExist, KeyError, TypeError):
        raise Refused(_("This invitation link is not valid."), code="invalid_link") from None
    if not secrets.compare_digest(invitation.key, str(data.get("k"))):
        raise Refused(_("This invitation link is not valid."), code="invalid_link")
    return invitation


def registration_token(registration):
    """The token of the personal link to a registration (accept an offer, cancel): signed, so it
    cannot be guessed or altered."""
    return signing.dumps({"r": registration.pk}, salt=REGISTRATION_SALT)


def registration_for_token(token):
    try:
        data = signing.loads(token, salt=REGISTRATION_SALT)
        return Registration.objects.select_related("event", "person").get(pk=data["r"])
    except (signing.BadSignature, Registration.DoesNotExist, KeyError, TypeError, ValueError):
        raise Refused(_("This link is not valid."), code="invalid_link") from None


def check_owner(registration, email):
    """Someone using a personal link proves it is theirs with the address it was sent to."""
    if (email or "").strip().casefold() != registration.person.email.casefold():
        raise Refused(_("This link was sent to another e-mail address."), code="other_person")
