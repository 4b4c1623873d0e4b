"""Everything that takes or frees a place at an event: capacity, admission, the waiting list and
its offers.

One function, `take_place`, decides every new place: it locks the event row (on PostgreSQL;
SQLite's IMMEDIATE transactions serialise writers anyway), recounts confirmed places and open
offers from the rows, and only then inserts. Freed places go as time-limited offers to the
waiting list, in order."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.actors.models import Person
from bruecken.permissions import require
from bruecken.programs.models import Admission, WorkshopKind

from .. import notifications
from ..exceptions import Refused
from ..models import Event, Registration

Status = Registration.Status
Source = Registration.Source
REGISTRATION_FIELDS = ["status", "source", "offer_expires_at", "attended"]


def offer_validity():
    return timedelta(hours=getattr(settings, "WAITING_LIST_OFFER_HOURS", 48))


def lock_event(event):
    """The event's row, locked until the transaction ends: places are counted under it."""
    return Event.objects.select_for_update(of=("self",)).select_related("process").get(pk=event.pk)


def initiative_circle(process, now=None):
    """The people who took part in the initiative workshop of the process
    (`Registration.objects.participants`), once it has begun and unless it was cancelled."""
    took_part = Registration.objects.filter(
        event__process=process,
        event__kind=WorkshopKind.INITIATIVE,
        event__starts_at__lte=now or timezone.now(),
        event__cancelled_at__isnull=True,
    ).participants()
    return Person.objects.filter(pk__in=took_part.values("person_id"))


def admissible(event, people):
    """Of `people`, those the event's admission lets take part as far as the circle goes:
    where only the initiative circle is admitted, the circle alone (what the pickers offer)."""
    if event.admission != Admission.INITIATIVE_CIRCLE:
        return people
    if event.process_id is None:
        return people.none()
    return people.filter(pk__in=initiative_circle(event.process).values("pk"))


def check_circle(event, person):
    """Where only the initiative circle is admitted, refuse anyone else."""
    if event.admission != Admission.INITIATIVE_CIRCLE:
        return
    if (
        event.process_id is None
        or not initiative_circle(event.process).filter(pk=person.pk).exists()
    ):
        raise Refused(
            # "Took part" as `initiative_circle` counts: attended where attendance was recorded.
            _(
                "Only the people who took part in the initiative workshop of this local process "
                "take part in this workshop."
            ),
            code="not_in_circle",
        )


def _check_admission(event, person, source):
    if event.admission == Admission.INITIATIVE_CIRCLE:
        check_circle(event, person)
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


def check_open(event, source, now):
    """Refuse a place at a cancelled event; others than the organisers also before it is
    published, after the deadline and once it has begun."""
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


def places_held(event):
    return Registration.objects.filter(event=event, status__in=Registration.HOLDS_PLACE).count()


def _changes(by, registration):
    """Record what the block changes on the registration (`audit.changes`)."""
    subjects = [registration.event, registration.person]
    return audit.changes(by, registration, REGISTRATION_FIELDS, subjects=subjects)


def take_place(event, person, *, source, by=None, now=None):
    """Register `person`: a confirmed place while there is one, else the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(event)
        check_open(event, source, now)
        _check_admission(event, person, source)
        _expire_offers(event, now)
        registration = Registration.objects.filter(event=event, person=person).first()
        if registration and registration.is_active:
            raise Refused(_("You are already registered for this event."), code="registered")
        registration = registration or Registration(event=event, person=person)
        with _changes(by, registration):
            full = places_held(event) >= event.capacity
            registration.status = Status.WAITING if full else Status.CONFIRMED
            registration.source = source
            registration.registered_at = now
            registration.queued_at = now if full else None
            registration.offer_expires_at = None
            registration.attended = None
            registration.save()
        notifications.registration_changed(registration)
    return registration


def add_participant(user, event, person):
    """An organiser adds someone: deadlines do not apply, capacity and admission do."""
    require(user, "events.manage_event", event)
    return take_place(event, person, source=Source.ORGANISER, by=user)


def _set_status(registration, status, by, **fields):
    with _changes(by, registration):
        registration.status = status
        for name, value in fields.items():
            setattr(registration, name, value)
        registration.save()


def offer_next(event, now):
    """Offer freed places to the waiting list, first come first served."""
    free = event.capacity - places_held(event)
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
    offer_next(event, now)


def expire_offers(event, now=None):
    """Pass expired offers on (run by the worker; every registration does it as well)."""
    with transaction.atomic():
        _expire_offers(lock_event(event), now or timezone.now())


def cancel(registration, *, by=None, now=None):
    """The participant (or an organiser) gives up a place or leaves the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.is_active:
            raise Refused(_("This registration is no longer active."), code="inactive")
        freed = registration.status in Registration.HOLDS_PLACE
        _set_status(registration, Status.CANCELLED, by, offer_expires_at=None)
        notifications.registration_changed(registration)
        if freed and not event.is_cancelled:
            offer_next(event, now)
    return registration


def accept_offer(registration, *, by=None, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event)
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
    return registration.waiting_position()


# Housekeeping: offers that expired while nobody registered, places added while people wait.


def events_with_offers_to_settle(now):
    """Upcoming events where an offer has expired, or where places are free while people wait
    (when places are added, say): `expire_offers` passes those places on."""
    return (
        Event.objects.filter(cancelled_at__isnull=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__gt=now))
        .annotate(
            expired=Count(
                "registrations",
                filter=Q(
                    registrations__status=Status.OFFERED,
                    registrations__offer_expires_at__lt=now,
                ),
            ),
            waiting=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
            held=Count(
                "registrations", filter=Q(registrations__status__in=Registration.HOLDS_PLACE)
            ),
        )
        .filter(Q(expired__gt=0) | Q(waiting__gt=0, held__lt=F("capacity")))
        .order_by("pk")
    )


def settle_offers(now=None):
    """A housekeeping step: pass on the places of `events_with_offers_to_settle`."""
    now = now or timezone.now()
    events = list(events_with_offers_to_settle(now))
    for event in events:
        expire_offers(event, now=now)
    return len(events)
