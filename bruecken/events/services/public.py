"""Registration without an account: what the visitor entered waits on the server as a
`PendingRegistration`; the e-mail's link carries only a random token (its hash is stored), so no
name or address ever appears in a URL, an access log or a mail log. Nothing is registered until
they confirm through that link; the housekeeping deletes requests after
RETENTION_UNCONFIRMED_REGISTRATION_DAYS."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Person
from bruecken.privacy import ledger
from bruecken.privacy.models import LedgerEntry
from bruecken.programs.models import Admission
from bruecken.tokens import hash_token, new_token

from ..exceptions import Refused
from ..models import Event, PendingRegistration, Registration
from .places import check_open, lock_event, take_place

Source = Registration.Source
# The salt of the links before they became random tokens: only to point an old link's visitor
# back to its event.
LEGACY_SALT = "bruecken.events.public_registration"
# What the registry entry made for a visitor holds, as the audit entry shows it.
PERSON_FIELDS = ["name", "email", "language", "municipality"]


def public_registration_validity():
    return timedelta(hours=settings.PUBLIC_REGISTRATION_LINK_HOURS)


def offers_public_registration(event, now=None):
    """Whether people without an account may register: published events with open
    registration only (not by invitation, not for the initiative circle or delegates)."""
    return event.admission == Admission.OPEN and event.registration_open(now)


@dataclass(frozen=True)
class RegistrationRequest:
    """What a confirmation link asks for."""

    event: Event
    name: str
    email: str
    organisation: str
    language: str
    issued_at: datetime
    pending: PendingRegistration


@dataclass(frozen=True)
class PublicRegistration:
    registration: Registration
    # False when the link had been used already and the registration was there.
    created: bool


def public_registration_token(event, values, language, now=None):
    """Keep what the visitor entered until they confirm, and return the token of the
    confirmation link: random, so it says nothing about them and cannot be guessed."""
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    token = new_token()
    PendingRegistration.objects.create(
        event=event,
        token_hash=hash_token(token),
        name=values["name"],
        email=values["email"].strip().lower(),
        organisation=values.get("organisation") or "",
        language=language,
        created_at=now or timezone.now(),
    )
    return token


def forget_public_registration(token):
    """The confirmation e-mail could not be sent: keep nothing of the request."""
    PendingRegistration.objects.filter(token_hash=hash_token(token), confirmed_at=None).delete()


def _invalid_link():
    return Refused(
        _(
            "This confirmation link is not valid. Please use the link exactly as it came in our "
            "e-mail."
        ),
        code="invalid_link",
    )


def _is_legacy(token):
    # The old links were signed values, with colons; the new tokens never have one.
    return ":" in str(token)


def _legacy_event(token):
    """The published event a genuine old-style link was for; None for anything else (a forged
    or altered one included). What else it carries is not read."""
    if not _is_legacy(token):
        return None
    try:
        data = signing.loads(token, salt=LEGACY_SALT)
        return Event.objects.filter(pk=int(data["e"]), is_published=True).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None


def _pending(token):
    if not token or len(token) > 200 or _is_legacy(token):
        return None
    return (
        PendingRegistration.objects.select_related(
            "event__program", "event__process__municipality", "registration__person"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def public_registration_request(token, now=None):
    """What the link asks for; refused when it was made up, is an old-style link, has expired,
    or its event is no longer published."""
    if _legacy_event(token) is not None:
        raise Refused(
            _(
                "This confirmation link comes from an earlier version of our website and no "
                "longer works. Please register again on the event page; it takes a minute."
            ),
            code="old_link",
        )
    pending = _pending(token)
    if pending is None or not pending.event.is_published:
        raise _invalid_link()
    now = now or timezone.now()
    if pending.confirmed_at is None and pending.created_at + public_registration_validity() < now:
        raise Refused(
            ngettext(
                "This confirmation link has expired: it is valid for %(hours)s hour. Please "
                "register again on the event page.",
                "This confirmation link has expired: it is valid for %(hours)s hours. Please "
                "register again on the event page.",
                settings.PUBLIC_REGISTRATION_LINK_HOURS,
            )
            % {"hours": settings.PUBLIC_REGISTRATION_LINK_HOURS},
            code="expired",
        )
    # A confirmed request keeps no details: they are the registry entry's now.
    person = pending.registration.person if pending.registration_id else None
    return RegistrationRequest(
        event=pending.event,
        name=person.name if person else pending.name,
        email=person.email if person else pending.email,
        organisation=pending.organisation,
        language=pending.language,
        issued_at=pending.created_at,
        pending=pending,
    )


def expired_link_event(token):
    """The published event an expired or old-style (but genuine) link was for, to point the
    visitor back to it; None for anything else."""
    if _is_legacy(token):
        return _legacy_event(token)
    pending = _pending(token)
    return pending.event if pending and pending.event.is_published else None


def _check_public(event, now):
    check_open(event, Source.SELF, now)
    if event.admission != Admission.OPEN:
        raise Refused(_("Registration for this event is not open."), code="not_open")


def _existing(request, event):
    """The registry entry with the link's address (the one registered for the event if there
    is one, else the oldest), and its registration for the event."""
    people = Person.objects.filter(email__iexact=request.email).order_by("pk")
    person = people.filter(registrations__event=event).first() or people.first()
    registration = (
        Registration.objects.filter(event=event, person=person).first() if person else None
    )
    return person, registration


def _used():
    return Refused(
        _(
            "This confirmation link has been used already. To register again, please use "
            "the form on the event page."
        ),
        code="used",
    )


def _check_unused(registration, request):
    if request.pending.confirmed_at is not None and not (registration and registration.is_active):
        raise _used()
    if registration and registration.registered_at >= request.issued_at:
        # Registered otherwise after the link was sent, then cancelled.
        raise _used()


def public_registration_state(request, now=None):
    """For the confirmation page, before anything is done: the active registration the address
    has already (or None); a Refused when the link can no longer register anyone."""
    if request.pending.confirmed_at is not None:
        registration = request.pending.registration
        if registration and registration.is_active:
            return registration
        raise _used()
    _person, registration = _existing(request, request.event)
    if registration and registration.is_active:
        return registration
    _check_unused(registration, request)
    _check_public(request.event, now or timezone.now())
    return None


def register_from_link(token, now=None):
    """Confirm a registration without an account. The registry entry with the link's address is
    used (compared without regard to case), else one is made: not public, since nobody consented
    to that, in the language of the link and the municipality of the event's local process. The
    place then comes from take_place like every other place. Using the link again registers
    nobody twice. The request then keeps no details, only its registration."""
    now = now or timezone.now()
    request = public_registration_request(token, now)
    with transaction.atomic():
        # Under the event's lock, so that the same link used twice at once finds the entry the
        # first use made.
        event = lock_event(request.event)
        pending = PendingRegistration.objects.select_for_update().get(pk=request.pending.pk)
        if pending.confirmed_at is not None:
            registration = pending.registration
            if registration and registration.is_active:
                return PublicRegistration(registration, created=False)
            raise _used()
        person, registration = _existing(request, event)
        if registration and registration.is_active:
            _confirmed(pending, registration, now)
            return PublicRegistration(registration, created=False)
        _check_unused(registration, request)
        _check_public(event, now)
        if person is None:
            person = Person(
                name=request.name,
                email=request.email,
                language=request.language,
                municipality=event.municipality,
            )
            with audit.changes(None, person, PERSON_FIELDS, subjects=[event]):
                person.full_clean(exclude=["user"])
                person.save()
        registration = take_place(event, person, source=Source.SELF, now=now)
        # What the visitor entered, for the organisers: the name as given (the registry entry
        # may have another) and the organisation, which the registry does not keep as text.
        given = {"name": [None, request.name]}
        if request.organisation:
            given["organisation"] = [None, request.organisation]
        audit.record(None, AuditEntry.Action.UPDATE, registration, given, subjects=[event, person])
        _confirmed(pending, registration, now)
    return PublicRegistration(registration, created=True)


def _confirmed(pending, registration, now):
    """The request is done: its details now live in the registry and the audit entry."""
    pending.confirmed_at = now
    pending.registration = registration
    pending.name = pending.email = pending.organisation = ""
    pending.save(update_fields=["confirmed_at", "registration", "name", "email", "organisation"])


def delete_past_retention(now=None):
    """Housekeeping: delete the requests older than RETENTION_UNCONFIRMED_REGISTRATION_DAYS.
    Only the unconfirmed ones held personal details; those are counted and noted in the
    privacy ledger. Returns how many unconfirmed requests were deleted."""
    with transaction.atomic():
        old = PendingRegistration.objects.past_retention(now)
        unconfirmed = old.filter(confirmed_at__isnull=True).count()
        old.delete()
        ledger.record_removal(
            "unconfirmed_registrations", unconfirmed, reason=LedgerEntry.Reason.RETENTION
        )
    return unconfirmed
