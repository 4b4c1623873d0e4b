"""Registration without an account: the visitor's details travel in a signed, time-limited link
sent to the address they gave; nothing is stored until they confirm through that link."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Person
from bruecken.programs.models import Admission

from ..exceptions import Refused
from ..models import Event, Registration
from .places import check_open, lock_event, take_place

Source = Registration.Source
PUBLIC_REGISTRATION_SALT = "bruecken.events.public_registration"
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


@dataclass(frozen=True)
class PublicRegistration:
    registration: Registration
    # False when the link had been used already and the registration was there.
    created: bool


def public_registration_token(event, values, language, now=None):
    """The token of the confirmation link: signed (nothing in it can be changed) and stamped
    with the time it was made (it expires)."""
    now = now or timezone.now()
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    return signing.dumps(
        {
            "e": event.pk,
            "n": values["name"],
            "m": values["email"].strip().lower(),
            "o": values.get("organisation") or "",
            "l": language,
            "t": int(now.timestamp()),
        },
        salt=PUBLIC_REGISTRATION_SALT,
        compress=True,
    )


def _invalid_link():
    return Refused(
        _(
            "This confirmation link is not valid. Please use the link exactly as it came in our "
            "e-mail."
        ),
        code="invalid_link",
    )


def _request_from(data):
    try:
        event = Event.objects.select_related("program", "process__municipality").get(pk=data["e"])
        request = RegistrationRequest(
            event=event,
            name=str(data["n"]),
            email=str(data["m"]),
            organisation=str(data.get("o") or ""),
            language=data["l"] if data.get("l") in dict(settings.LANGUAGES) else "de",
            issued_at=datetime.fromtimestamp(int(data["t"]), tz=UTC),
        )
    except (Event.DoesNotExist, KeyError, TypeError, ValueError, OverflowError):
        raise _invalid_link() from None
    if not event.is_published:
        raise _invalid_link()
    return request


def public_registration_request(token):
    """What the link asks for; refused when it was altered, made up or has expired."""
    try:
        data = signing.loads(
            token,
            salt=PUBLIC_REGISTRATION_SALT,
            max_age=public_registration_validity(),
        )
    except signing.SignatureExpired:
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
        ) from None
    except signing.BadSignature:
        raise _invalid_link() from None
    if not isinstance(data, dict):
        raise _invalid_link()
    return _request_from(data)


def expired_link_event(token):
    """The published event an expired (but genuine) link was for, to point the visitor back to
    it; None for anything else."""
    try:
        return _request_from(signing.loads(token, salt=PUBLIC_REGISTRATION_SALT)).event
    except (signing.BadSignature, Refused, AttributeError, TypeError):
        return None


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


def _check_unused(registration, request):
    if registration and registration.registered_at >= request.issued_at:
        # Registered through this link (or otherwise after it was sent), then cancelled.
        raise Refused(
            _(
                "This confirmation link has been used already. To register again, please use "
                "the form on the event page."
            ),
            code="used",
        )


def public_registration_state(request, now=None):
    """For the confirmation page, before anything is done: the active registration the address
    has already (or None); a Refused when the link can no longer register anyone."""
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
    nobody twice."""
    now = now or timezone.now()
    request = public_registration_request(token)
    with transaction.atomic():
        # Under the event's lock, so that the same link used twice at once finds the entry the
        # first use made.
        event = lock_event(request.event)
        person, registration = _existing(request, event)
        if registration and registration.is_active:
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
    return PublicRegistration(registration, created=True)
