"""Everything that takes or frees a place at an event, and invitations.

One function, `take_place`, decides every new place: it locks the event row (on PostgreSQL;
SQLite's IMMEDIATE transactions serialise writers anyway), recounts confirmed places and open
offers from the rows, and only then inserts. Freed places go as time-limited offers to the
waiting list, in order."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts.audit import diff, record, snapshot
from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Person
from bruecken.programs.models import Admission, WorkshopKind

from . import notifications
from .models import Event, Invitation, Registration

Status = Registration.Status
Source = Registration.Source
REGISTRATION_FIELDS = ["status", "source", "offer_expires_at", "attended"]
INVITATION_SALT = "bruecken.events.invitation"


class Refused(ValidationError):
    """A request the rules of the event do not allow; its message says why."""


def offer_validity():
    return timedelta(hours=getattr(settings, "WAITING_LIST_OFFER_HOURS", 48))


def _lock(event):
    return Event.objects.select_for_update(of=("self",)).select_related("process").get(pk=event.pk)


def initiative_circle(process):
    """The people who attended the initiative workshop of the process."""
    return Person.objects.filter(
        registrations__event__process=process,
        registrations__event__kind=WorkshopKind.INITIATIVE,
        registrations__attended=True,
    ).distinct()


def _check_admission(event, person, source):
    if event.admission == Admission.INITIATIVE_CIRCLE:
        if (
            event.process_id is None
            or not initiative_circle(event.process).filter(pk=person.pk).exists()
        ):
            raise Refused(
                _(
                    "Only the people who attended the initiative workshop take part in "
                    "this workshop."
                ),
                code="not_in_circle",
            )
    elif event.admission == Admission.INVITED and source == Source.SELF:
        raise Refused(_("This event is by invitation only."), code="invitation_only")
    elif event.admission == Admission.DELEGATES:
        _check_delegate_places(event, person)


def _check_delegate_places(event, person):
    municipality = person.municipality_id
    if municipality is None or not event.program.municipalities.filter(pk=municipality).exists():
        raise Refused(
            _("Delegates come from the municipalities taking part in the program."),
            code="not_a_delegate",
        )
    if event.places_per_municipality:
        taken = Registration.objects.filter(
            event=event, status__in=Registration.HOLDS_PLACE, person__municipality=municipality
        ).count()
        if taken >= event.places_per_municipality:
            raise Refused(
                _("Your municipality's places at this event are taken."), code="delegate_places"
            )


def _check_open(event, source, now):
    if event.is_cancelled:
        raise Refused(_("This event has been cancelled."), code="cancelled")
    if source == Source.ORGANISER:
        return
    if not event.is_published:
        raise Refused(_("Registration for this event is not open."), code="not_open")
    if event.registration_deadline and now > event.registration_deadline:
        raise Refused(_("The registration deadline has passed."), code="deadline")
    if event.starts_at and now > event.starts_at:
        raise Refused(_("This event has already begun."), code="begun")


def _places_held(event):
    return Registration.objects.filter(event=event, status__in=Registration.HOLDS_PLACE).count()


def _record(user, action, registration, changes):
    record(
        user,
        action,
        registration,
        changes,
        subjects=[registration.event, registration.person],
    )


def take_place(event, person, *, source, by=None, now=None):
    """Register `person`: a confirmed place while there is one, else the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock(event)
        _check_open(event, source, now)
        _check_admission(event, person, source)
        _expire_offers(event, now)
        registration = Registration.objects.filter(event=event, person=person).first()
        if registration and registration.is_active:
            raise Refused(_("You are already registered for this event."), code="registered")
        before = snapshot(registration, REGISTRATION_FIELDS) if registration else {}
        registration = registration or Registration(event=event, person=person)
        full = _places_held(event) >= event.capacity
        registration.status = Status.WAITING if full else Status.CONFIRMED
        registration.source = source
        registration.registered_at = now
        registration.queued_at = now if full else None
        registration.offer_expires_at = None
        registration.attended = None
        registration.save()
        action = AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE
        _record(by, action, registration, diff(before, snapshot(registration, REGISTRATION_FIELDS)))
        notifications.registration_changed(registration)
    return registration


def add_participant(user, event, person):
    """An organiser adds someone: deadlines do not apply, capacity and admission do."""
    if not user.has_perm("events.manage_event", event):
        raise PermissionDenied
    return take_place(event, person, source=Source.ORGANISER, by=user)


def _set_status(registration, status, by, **fields):
    before = snapshot(registration, REGISTRATION_FIELDS)
    registration.status = status
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.save()
    _record(
        by,
        AuditEntry.Action.UPDATE,
        registration,
        diff(before, snapshot(registration, REGISTRATION_FIELDS)),
    )


def _offer_next(event, now):
    """Offer freed places to the waiting list, first come first served."""
    free = event.capacity - _places_held(event)
    waiting = Registration.objects.filter(event=event, status=Status.WAITING).order_by(
        "queued_at", "id"
    )
    for registration in waiting[: max(free, 0)]:
        _set_status(registration, Status.OFFERED, None, offer_expires_at=now + offer_validity())
        notifications.registration_changed(registration)


def _expire_offers(event, now):
    expired = Registration.objects.filter(
        event=event, status=Status.OFFERED, offer_expires_at__lt=now
    )
    for registration in expired:
        _set_status(registration, Status.EXPIRED, None)
        notifications.registration_changed(registration)
    _offer_next(event, now)


def expire_offers(event, now=None):
    """Pass expired offers on (run by the worker; every registration does it as well)."""
    with transaction.atomic():
        _expire_offers(_lock(event), now or timezone.now())


def cancel(registration, *, by=None, now=None):
    """The participant (or an organiser) gives up a place or leaves the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.is_active:
            raise Refused(_("This registration is no longer active."), code="inactive")
        freed = registration.status in Registration.HOLDS_PLACE
        _set_status(registration, Status.CANCELLED, by, offer_expires_at=None)
        notifications.registration_changed(registration)
        if freed and not event.is_cancelled:
            _offer_next(event, now)
    return registration


def accept_offer(registration, *, by=None, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Status.OFFERED:
            raise Refused(_("There is no open offer for this registration."), code="no_offer")
        expired = registration.offer_expires_at and registration.offer_expires_at < now
        if expired:
            # Pass the place on (and keep that) before saying no.
            _expire_offers(event, now)
        else:
            _set_status(registration, Status.CONFIRMED, by, offer_expires_at=None)
            notifications.registration_changed(registration)
    if expired:
        raise Refused(_("The offer has expired."), code="expired")
    return registration


def waiting_position(registration):
    """1 for the first on the waiting list; None when not waiting."""
    if registration.status != Status.WAITING:
        return None
    ahead = Registration.objects.filter(
        event=registration.event, status=Status.WAITING, queued_at__lt=registration.queued_at
    ).count()
    same_time = Registration.objects.filter(
        event=registration.event,
        status=Status.WAITING,
        queued_at=registration.queued_at,
        id__lt=registration.id,
    ).count()
    return ahead + same_time + 1


# Invitations


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


def invite(user, event, people):
    """Invite people; those already invited are left as they are. Returns the new invitations."""
    if not user.has_perm("events.manage_event", event):
        raise PermissionDenied
    if event.is_cancelled:
        raise Refused(_("This event has been cancelled."), code="cancelled")
    created = []
    with transaction.atomic():
        for person in people:
            if not person.email:
                raise Refused(
                    _("%(name)s has no e-mail address to send the invitation to.")
                    % {"name": person.name},
                    code="no_email",
                )
            invitation, is_new = Invitation.objects.get_or_create(
                event=event,
                person=person,
                defaults={"invited_by": user},
            )
            if is_new:
                record(
                    user,
                    AuditEntry.Action.CREATE,
                    invitation,
                    {"person": [None, str(person)]},
                    subjects=[event, person],
                )
                notifications.invitation_sent(invitation)
                created.append(invitation)
    return created


def answer_invitation(token, email, accept, now=None):
    """The invitee answers through their link. The link works once, and only for the address
    it was sent to: a forwarded link cannot give someone else the place."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:
            raise Refused(_("This invitation has already been answered."), code="used")
        if (email or "").strip().casefold() != invitation.person.email.casefold():
            raise Refused(
                _("This invitation was sent to another e-mail address."), code="other_person"
            )
        registration = None
        if accept:
            registration = take_place(
                invitation.event, invitation.person, source=Source.INVITATION, now=now
            )
        before = snapshot(invitation, ["status"])
        invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
        invitation.answered_at = now
        invitation.save(update_fields=["status", "answered_at"])
        record(
            None,
            AuditEntry.Action.UPDATE,
            invitation,
            diff(before, snapshot(invitation, ["status"])),
            subjects=[invitation.event, invitation.person],
        )
    return invitation, registration


def send_reminders(now=None):
    """Remind those who have not answered, `reminder_days` before the deadline; once each."""
    now = now or timezone.now()
    pending = Invitation.objects.filter(
        status=Invitation.Status.PENDING,
        reminded_at__isnull=True,
        event__cancelled_at__isnull=True,
        event__registration_deadline__gt=now,
    ).select_related("event")
    sent = 0
    for invitation in pending:
        due = invitation.event.registration_deadline - timedelta(
            days=invitation.event.reminder_days
        )
        if now >= due:
            invitation.reminded_at = now
            invitation.save(update_fields=["reminded_at"])
            notifications.invitation_reminder(invitation)
            sent += 1
    return sent
