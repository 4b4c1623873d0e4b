"""Everything that takes or frees a place at an event, and invitations.

One function, `take_place`, decides every new place: it locks the event row (on PostgreSQL;
SQLite's IMMEDIATE transactions serialise writers anyway), recounts confirmed places and open
offers from the rows, and only then inserts. Freed places go as time-limited offers to the
waiting list, in order."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bruecken.accounts import roles
from bruecken.accounts.audit import diff, record, snapshot
from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Person
from bruecken.programs.models import Admission, WorkshopKind

from . import notifications
from .models import AgendaItem, Document, Event, Invitation, Registration

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
    elif event.admission == Admission.INVITED and source in (Source.SELF, Source.NOMINATED):
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
    created = []
    with transaction.atomic():
        event = _lock(event)
        if event.is_cancelled:
            raise Refused(_("This event has been cancelled."), code="cancelled")
        for person in people:
            if not user.has_perm("actors.view_person", person):
                raise PermissionDenied
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


def check_answerable(invitation, now=None):
    """Refuse when the invitation can no longer be answered: it was answered already, or the
    event is cancelled, closed for registration or under way. A refusal (declining) counts as
    an answer too, so nothing changes then either."""
    if invitation.status != Invitation.Status.PENDING:
        raise Refused(_("This invitation has already been answered."), code="used")
    _check_open(invitation.event, Source.INVITATION, now or timezone.now())


def answer_invitation(token, email, accept, now=None):
    """The invitee answers through their link. The link works once, and only for the address
    it was sent to: a forwarded link cannot give someone else the place."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_answerable(invitation, now)
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
            with transaction.atomic():
                # Claimed with a conditional update: two workers never remind twice.
                claimed = Invitation.objects.filter(
                    pk=invitation.pk, reminded_at__isnull=True
                ).update(reminded_at=now)
                if claimed:
                    notifications.invitation_reminder(invitation)
                    sent += 1
    return sent


# The staff side: events, agenda, documents, attendance, minutes.

EVENT_FIELDS = [
    "title",
    "title_en",
    "description",
    "description_en",
    "topic",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "capacity_min",
    "capacity",
    "places_per_municipality",
    "admission",
    "registration_deadline",
    "reminder_days",
    "is_published",
]
EVENT_M2M = ["languages"]
# A change of any of these is a change of time or place: everyone registered is told.
TIME_AND_PLACE = ["starts_at", "ends_at", "venue", "online_url"]
PROGRAM_LEVEL_KINDS = (WorkshopKind.EXCHANGE, WorkshopKind.SEMINAR)
AGENDA_FIELDS = ["starts_at", "title", "responsible"]
ATTENDANCE_FIELDS = ["attended", "checked_in_at"]


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _event_snapshot(event):
    return snapshot(event, EVENT_FIELDS + EVENT_M2M)


def _check_event(event):
    """The rules of the kind of event, beyond what the model's clean() checks."""
    errors = {}
    if event.kind == WorkshopKind.EVALUATION and event.admission != Admission.INITIATIVE_CIRCLE:
        errors["admission"] = _("The evaluation workshop admits the initiative circle only.")
    if event.admission == Admission.INITIATIVE_CIRCLE and event.process_id is None:
        errors["admission"] = _("Only a workshop of a local process has an initiative circle.")
    if (
        event.registration_deadline
        and event.starts_at
        and event.registration_deadline > event.starts_at
    ):
        errors["registration_deadline"] = _("The registration deadline lies after the start.")
    if errors:
        raise ValidationError(errors)


def _save_event(event, values):
    _assign_fields(event, values, EVENT_FIELDS)
    _check_event(event)
    event.full_clean(exclude=EVENT_M2M)
    event.save()
    if "languages" in values:
        event.languages.set(values["languages"])


def _assign_fields(instance, values, fields):
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])


def create_program_event(user, program, values):
    """A program-level exchange workshop or advisory seminar (no local process)."""
    _require(user, "programs.manage_program", program)
    kind = values.get("kind")
    if kind not in PROGRAM_LEVEL_KINDS:
        raise ValidationError(
            {"kind": _("The program office creates exchange workshops and seminars here.")}
        )
    with transaction.atomic():
        event = Event(program=program, process=None, kind=kind)
        _save_event(event, values)
        record(
            user,
            AuditEntry.Action.CREATE,
            event,
            diff({}, _event_snapshot(event)),
            subjects=[program],
        )
    return event


def _has_people_to_tell(event):
    return (
        Registration.objects.filter(event=event, status__in=Registration.ACTIVE).exists()
        or Invitation.objects.filter(event=event, status=Invitation.Status.PENDING).exists()
    )


def update_event(user, event, values, now=None):
    """Change an event. Fewer places than are taken is refused; more places go to the waiting
    list at once. A new time or place is sent to everyone registered."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock(event)
        _require(user, "events.manage_event", event)
        if event.is_cancelled:
            raise Refused(_("This event has been cancelled."), code="cancelled")
        before = _event_snapshot(event)
        old_capacity = event.capacity
        _assign_fields(event, values, EVENT_FIELDS)
        held = _places_held(event)
        if event.capacity is not None and event.capacity < held:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "%(count)s place is taken already; the event cannot have fewer.",
                        "%(count)s places are taken already; the event cannot have fewer.",
                        held,
                    )
                    % {"count": held}
                }
            )
        _save_event(event, values)
        changes = diff(before, _event_snapshot(event))
        if changes:
            record(user, AuditEntry.Action.UPDATE, event, changes, subjects=[event.program])
        if event.capacity > old_capacity and not (event.starts_at and event.starts_at <= now):
            _offer_next(event, now)
        if any(name in changes for name in TIME_AND_PLACE) and _has_people_to_tell(event):
            notifications.event_changed(event)
    return event


def cancel_event(user, event, now=None):
    """Call an event off; everyone registered is told. Registrations keep their status, so the
    record shows who would have come."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock(event)
        _require(user, "events.manage_event", event)
        if event.is_cancelled:
            raise Refused(_("This event has been cancelled already."), code="cancelled")
        if event.starts_at and event.starts_at <= now:
            raise Refused(_("This event has already begun."), code="begun")
        event.cancelled_at = now
        event.save(update_fields=["cancelled_at", "updated_at"])
        record(
            user,
            AuditEntry.Action.UPDATE,
            event,
            {"cancelled_at": [None, str(now)]},
            subjects=[event.program],
        )
        notifications.event_cancelled(event)
    return event


def add_participants(user, event, people):
    """An organiser adds several people: all of them, or none when one is refused."""
    added = []
    with transaction.atomic():
        for person in people:
            try:
                added.append(add_participant(user, event, person))
            except Refused as refusal:
                raise Refused(
                    _("%(name)s: %(reason)s") % {"name": person.name, "reason": refusal.message},
                    code=refusal.code,
                ) from None
    return added


def cancel_registration(user, registration, now=None):
    """An organiser cancels someone's registration before the event; a freed place is offered to
    the waiting list. After the start the record of who came stays as it is."""
    now = now or timezone.now()
    event = registration.event
    _require(user, "events.manage_event", event)
    if event.starts_at and event.starts_at <= now:
        raise Refused(_("This event has already begun."), code="begun")
    return cancel(registration, by=user, now=now)


def invite_by_email(user, event, values):
    """Invite someone who is not in the registry yet: they are added as a person in the event's
    municipality first. Someone the user can see with that address is invited instead."""
    from bruecken.actors.scopes import visible_people
    from bruecken.actors.services import create_person

    _require(user, "events.manage_event", event)
    email = (values.get("email") or "").strip().lower()
    with transaction.atomic():
        event = _lock(event)
        if event.is_cancelled:
            raise Refused(_("This event has been cancelled."), code="cancelled")
        person = visible_people(user).filter(email__iexact=email).order_by("pk").first()
        if person is None:
            person = create_person(
                user,
                {
                    "name": values.get("name", ""),
                    "email": email,
                    "language": values.get("language") or "de",
                    "municipality": event.municipality,
                },
            )
        invite(user, event, [person])
    return person


def _agenda_snapshot(item):
    return snapshot(item, AGENDA_FIELDS)


def add_agenda_item(user, event, values):
    _require(user, "events.facilitate_event", event)
    with transaction.atomic():
        item = AgendaItem(event=event)
        _assign_fields(item, values, AGENDA_FIELDS)
        item.full_clean()
        item.save()
        record(
            user,
            AuditEntry.Action.CREATE,
            item,
            diff({}, _agenda_snapshot(item)),
            subjects=[event],
        )
    return item


def update_agenda_item(user, item, values):
    _require(user, "events.facilitate_event", item.event)
    with transaction.atomic():
        item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("event__process")
            .get(pk=item.pk)
        )
        before = _agenda_snapshot(item)
        _assign_fields(item, values, AGENDA_FIELDS)
        item.full_clean()
        item.save()
        changes = diff(before, _agenda_snapshot(item))
        if changes:
            record(user, AuditEntry.Action.UPDATE, item, changes, subjects=[item.event])
    return item


def delete_agenda_item(user, item):
    _require(user, "events.facilitate_event", item.event)
    with transaction.atomic():
        record(
            user,
            AuditEntry.Action.DELETE,
            item,
            diff(_agenda_snapshot(item), {}),
            subjects=[item.event],
        )
        item.delete()


def add_document(user, event, values):
    """Attach a file; the model limits its type and size."""
    _require(user, "events.facilitate_event", event)
    with transaction.atomic():
        document = Document(event=event, uploaded_by=user)
        _assign_fields(document, values, ["title", "file"])
        document.full_clean()
        document.save()
        record(
            user,
            AuditEntry.Action.CREATE,
            document,
            {"title": [None, document.title], "file": [None, document.file.name]},
            subjects=[event],
        )
    return document


def delete_document(user, document):
    _require(user, "events.facilitate_event", document.event)
    with transaction.atomic():
        record(
            user,
            AuditEntry.Action.DELETE,
            document,
            {"title": [document.title, None], "file": [document.file.name, None]},
            subjects=[document.event],
        )
        storage, name = document.file.storage, document.file.name
        document.delete()
        # The file goes once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(name))


def mark_attendance(user, registration, attended, now=None):
    """Check a confirmed participant in (attended=True), record a no-show (False) or clear the
    record (None). From the day of the event on, and not for a cancelled event."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event__process", "person")
            .get(pk=registration.pk)
        )
        event = registration.event
        _require(user, "events.facilitate_event", event)
        if registration.status != Status.CONFIRMED:
            raise Refused(
                _("Attendance is recorded for confirmed participants only."), code="not_confirmed"
            )
        if event.is_cancelled:
            raise Refused(_("This event has been cancelled."), code="cancelled")
        if event.starts_at is None or timezone.localdate(event.starts_at) > timezone.localdate(now):
            raise Refused(
                _("Attendance is recorded from the day of the event on."), code="too_early"
            )
        before = snapshot(registration, ATTENDANCE_FIELDS)
        registration.attended = attended
        if attended:
            registration.checked_in_at = registration.checked_in_at or now
        else:
            registration.checked_in_at = None
        registration.save(update_fields=ATTENDANCE_FIELDS)
        changes = diff(before, snapshot(registration, ATTENDANCE_FIELDS))
        if changes:
            _record(user, AuditEntry.Action.UPDATE, registration, changes)
    return registration


def update_minutes(user, event, text):
    """The minutes of a workshop, as Markdown."""
    _require(user, "events.facilitate_event", event)
    text = (text or "").replace("\r\n", "\n").strip()
    with transaction.atomic():
        event = _lock(event)
        before = snapshot(event, ["minutes"])
        event.minutes = text
        event.save(update_fields=["minutes", "updated_at"])
        changes = diff(before, snapshot(event, ["minutes"]))
        if changes:
            record(user, AuditEntry.Action.UPDATE, event, changes)
    return event


# Links in e-mails for people without an account, and event reminders (run by the worker)

REGISTRATION_SALT = "bruecken.events.registration"


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


def event_reminder_lead():
    return timedelta(days=getattr(settings, "EVENT_REMINDER_DAYS", 2))


def send_event_reminders(now=None):
    """Remind the confirmed participants of events starting within the next two days; once per
    event, and once more if it moves. Safe to run as often as one likes, also in parallel:
    each event is claimed with a conditional update before its reminder is queued."""
    now = now or timezone.now()
    due = (
        Event.objects.filter(
            is_published=True,
            cancelled_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + event_reminder_lead(),
        )
        .exclude(reminder_sent_for=F("starts_at"))
        .only("pk", "starts_at")
    )
    sent = 0
    for event in due:
        with transaction.atomic():
            claimed = (
                Event.objects.filter(pk=event.pk, starts_at=event.starts_at)
                .exclude(reminder_sent_for=F("starts_at"))
                .update(reminder_sent_for=F("starts_at"))
            )
            if claimed:
                notifications.event_reminder(event)
                sent += 1
    return sent


# Sign-ups for the program's own events


def nominable_people(user, event):
    """Whom `user` may sign up for a program-level event: a representative the current members
    of their organisation (for seminars), a coordinator the people of their municipality (for
    seminars, and as delegates for exchange workshops)."""
    if event.process_id is not None or event.kind not in (
        WorkshopKind.SEMINAR,
        WorkshopKind.EXCHANGE,
    ):
        return Person.objects.none()
    if roles.is_program_office(user):
        return Person.objects.order_by("name")
    condition = Q(pk__in=[])
    organisations = roles.represented_organisation_ids(user)
    if event.kind == WorkshopKind.SEMINAR and organisations:
        condition |= Q(
            memberships__organisation_id__in=organisations, memberships__ended_on__isnull=True
        )
    municipalities = roles.coordinated_municipality_ids(user) & set(
        event.program.municipalities.values_list("pk", flat=True)
    )
    if municipalities:
        condition |= Q(municipality_id__in=municipalities)
    return Person.objects.filter(condition).distinct().order_by("name")


def sign_up(user, event, people):
    """Sign several people up at once, all or none; each takes a place (or the waiting list)
    through take_place, so deadlines, admission and delegate places apply."""
    allowed = set(nominable_people(user, event).values_list("pk", flat=True))
    if not people or any(person.pk not in allowed for person in people):
        raise PermissionDenied
    with transaction.atomic():
        return [take_place(event, person, source=Source.NOMINATED, by=user) for person in people]


# Registration without an account: the visitor's details travel in a signed, time-limited link
# sent to the address they gave; nothing is stored until they confirm through that link.

PUBLIC_REGISTRATION_SALT = "bruecken.events.public_registration"


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
    _check_open(event, Source.SELF, now)
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
        event = _lock(request.event)
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
            person.full_clean(exclude=["user"])
            person.save()
            record(
                None,
                AuditEntry.Action.CREATE,
                person,
                diff({}, snapshot(person, ["name", "email", "language", "municipality"])),
                subjects=[event],
            )
        registration = take_place(event, person, source=Source.SELF, now=now)
        # What the visitor entered, for the organisers: the name as given (the registry entry
        # may have another) and the organisation, which the registry does not keep as text.
        given = {"name": [None, request.name]}
        if request.organisation:
            given["organisation"] = [None, request.organisation]
        record(None, AuditEntry.Action.UPDATE, registration, given, subjects=[event, person])
    return PublicRegistration(registration, created=True)
