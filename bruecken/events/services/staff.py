"""The staff side: events and their facts, the workshops of a new local process, participants
added or cancelled by the organisers, agenda, documents, attendance and minutes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bruecken.accounts import audit
from bruecken.permissions import require
from bruecken.programs.models import Admission, WorkshopKind
from bruecken.storage import delete_quietly

from .. import notifications
from ..exceptions import Refused
from ..models import AgendaItem, Document, Event, Invitation, Registration
from .places import add_participant, cancel, lock_event, offer_next, places_held

# An event's facts as the organisers edit them, in the order the form asks for them.
EVENT_EDITABLE = [
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
    "languages",
    "is_published",
]
EVENT_M2M = ["languages"]
EVENT_FIELDS = [name for name in EVENT_EDITABLE if name not in EVENT_M2M]
# A change of any of these is a change of time or place: everyone registered is told.
TIME_AND_PLACE = ["starts_at", "ends_at", "venue", "online_url"]
PROGRAM_LEVEL_KINDS = (WorkshopKind.EXCHANGE, WorkshopKind.SEMINAR)
AGENDA_FIELDS = ["starts_at", "title", "title_en", "responsible"]
DOCUMENT_FIELDS = ["title", "file"]
ATTENDANCE_FIELDS = ["attended", "checked_in_at"]


def _assign_fields(instance, values, fields):
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])


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


def create_process_workshops(sender, process, user, **kwargs):
    """One draft workshop per step of the new local process's template. Receives programs'
    `process_started` (connected in apps.py), inside the transaction that starts the process."""
    for step in process.template.steps.order_by("position"):
        workshop = Event(
            program=process.program,
            process=process,
            position=step.position,
            kind=step.kind,
            title=f"{step.title} {process.municipality}",
            description=step.purpose,
            capacity_min=step.capacity_min,
            capacity=step.capacity_max,
            admission=step.admission,
        )
        with audit.changes(user, workshop, ["title"], subjects=[process]):
            workshop.save()


def create_program_event(user, program, values):
    """A program-level exchange workshop or advisory seminar (no local process)."""
    require(user, "programs.manage_program", program)
    kind = values.get("kind")
    if kind not in PROGRAM_LEVEL_KINDS:
        raise ValidationError(
            {"kind": _("The program office creates exchange workshops and seminars here.")}
        )
    with transaction.atomic():
        event = Event(program=program, process=None, kind=kind)
        with audit.changes(user, event, EVENT_FIELDS + EVENT_M2M, subjects=[program]):
            _save_event(event, _normalised(values))
    return event


def _normalised(values):
    """A browser sends line breaks as CRLF: the same venue must not read as a new one."""
    if isinstance(values.get("venue"), str):
        values = {**values, "venue": values["venue"].replace("\r\n", "\n")}
    return values


def _same(old, new):
    if isinstance(old, str) or isinstance(new, str):
        return (old or "").replace("\r\n", "\n") == (new or "").replace("\r\n", "\n")
    # Aware datetimes compare as instants, whatever zone each is given in.
    return old == new


def time_and_place_changes(old, event):
    """What of the time and place really changed: {field: [old, new]}, in TIME_AND_PLACE order."""
    return {
        name: [old[name], getattr(event, name)]
        for name in TIME_AND_PLACE
        if not _same(old[name], getattr(event, name))
    }


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
        event = lock_event(event)
        require(user, "events.manage_event", event)
        if event.is_cancelled:
            raise Refused(_("This event has been cancelled."), code="cancelled")
        old_capacity = event.capacity
        old_time_and_place = {name: getattr(event, name) for name in TIME_AND_PLACE}
        values = _normalised(values)
        with audit.changes(user, event, EVENT_FIELDS + EVENT_M2M, subjects=[event.program]):
            _assign_fields(event, values, EVENT_FIELDS)
            held = places_held(event)
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
        if event.capacity > old_capacity and not (event.starts_at and event.starts_at <= now):
            offer_next(event, now)
        moved = time_and_place_changes(old_time_and_place, event)
        if moved and _has_people_to_tell(event):
            notifications.event_changed(event, moved)
    return event


def cancel_event(user, event, now=None):
    """Call an event off; everyone registered is told. Registrations keep their status, so the
    record shows who would have come."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(event)
        require(user, "events.manage_event", event)
        if event.is_cancelled:
            raise Refused(_("This event has been cancelled already."), code="cancelled")
        if event.starts_at and event.starts_at <= now:
            raise Refused(_("This event has already begun."), code="begun")
        with audit.changes(user, event, ["cancelled_at"], subjects=[event.program]):
            event.cancelled_at = now
            event.save(update_fields=["cancelled_at", "updated_at"])
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
    require(user, "events.manage_event", event)
    if event.starts_at and event.starts_at <= now:
        raise Refused(_("This event has already begun."), code="begun")
    return cancel(registration, by=user, now=now)


# Agenda and documents


def _save_part(user, part, fields, values):
    """Save an agenda item or document of an event with `values`, audited."""
    with audit.changes(user, part, fields, subjects=[part.event]):
        _assign_fields(part, values, fields)
        part.full_clean()
        part.save()
    return part


def add_agenda_item(user, event, values):
    require(user, "events.facilitate_event", event)
    with transaction.atomic():
        return _save_part(user, AgendaItem(event=event), AGENDA_FIELDS, values)


def update_agenda_item(user, item, values):
    require(user, "events.facilitate_event", item.event)
    with transaction.atomic():
        item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("event__process")
            .get(pk=item.pk)
        )
        return _save_part(user, item, AGENDA_FIELDS, values)


def delete_agenda_item(user, item):
    require(user, "events.facilitate_event", item.event)
    with transaction.atomic():
        audit.deleted(user, item, AGENDA_FIELDS, subjects=[item.event])
        item.delete()


def add_document(user, event, values):
    """Attach a file; the model limits its type and size."""
    require(user, "events.facilitate_event", event)
    with transaction.atomic():
        return _save_part(user, Document(event=event, uploaded_by=user), DOCUMENT_FIELDS, values)


def delete_document(user, document):
    require(user, "events.facilitate_event", document.event)
    with transaction.atomic():
        audit.deleted(user, document, DOCUMENT_FIELDS, subjects=[document.event])
        storage, name = document.file.storage, document.file.name
        document.delete()
        # The file goes once the row is gone for good (a store down then is logged: the
        # deletion is done all the same).
        transaction.on_commit(lambda: delete_quietly(storage, name))


# Attendance and minutes


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
        require(user, "events.facilitate_event", event)
        if registration.status != Registration.Status.CONFIRMED:
            raise Refused(
                _("Attendance is recorded for confirmed participants only."), code="not_confirmed"
            )
        if event.is_cancelled:
            raise Refused(_("This event has been cancelled."), code="cancelled")
        if event.starts_at is None or timezone.localdate(event.starts_at) > timezone.localdate(now):
            raise Refused(
                _("Attendance is recorded from the day of the event on."), code="too_early"
            )
        subjects = [event, registration.person]
        with audit.changes(user, registration, ATTENDANCE_FIELDS, subjects=subjects):
            registration.attended = attended
            if attended:
                registration.checked_in_at = registration.checked_in_at or now
            else:
                registration.checked_in_at = None
            registration.save(update_fields=ATTENDANCE_FIELDS)
    return registration


def update_minutes(user, event, text):
    """The minutes of a workshop, as Markdown."""
    require(user, "events.facilitate_event", event)
    text = (text or "").replace("\r\n", "\n").strip()
    with transaction.atomic():
        event = lock_event(event)
        with audit.changes(user, event, ["minutes"]):
            event.minutes = text
            event.save(update_fields=["minutes", "updated_at"])
    return event
