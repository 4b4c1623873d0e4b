"""The staff pages of events: facts, agenda, documents, invitations, registrations and
attendance (what a workshop produced, its goals, results, ratings and minutes:
`outcome_views.py`). Views check the rule, validate, and call the service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from bruecken.accounts.audit import history
from bruecken.actors.history import describe_entries
from bruecken.actors.models import Membership, Person
from bruecken.permissions import require
from bruecken.programs.models import (
    Admission,
    Goal,
    Program,
    ResultStatusChange,
    WorkshopKind,
)
from bruecken.web import (
    apply_form_error,
    confirm_first,
    confirm_then,
    content,
    fill,
    form_page,
    german,
    staff_area,
)

from . import services
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    DocumentForm,
    EventForm,
    InviteByEmailForm,
    PeopleChoiceForm,
    ProgramEventForm,
    RescheduleForm,
)
from .models import AgendaItem, Document, Event, Invitation, Registration
from .overview import (
    State,
    below_minimum_soon,
    mark_shown_memberships,
    mark_shown_organisations,
    workshop_state,
)
from .view_helpers import event_url, get_event, part_form

Status = Registration.Status
HISTORY_LENGTH = 50
SIGN_IN_SPARE_ROWS = 5


def _current_memberships(prefix=""):
    """Each person's current memberships with their organisations, in one query."""
    return Prefetch(
        f"{prefix}memberships",
        queryset=Membership.objects.current()
        .select_related("organisation")
        .order_by("organisation__name_key"),
        to_attr="current_memberships",
    )


def _registration_groups(event):
    """Registrations by status; the waiting list in its order, with positions as
    `services.waiting_position` counts them."""
    registrations = (
        event.registrations.select_related("person__municipality")
        .prefetch_related(_current_memberships("person__"))
        .order_by("registered_at", "id")
    )
    groups = {status: [] for status in Status.values}
    for registration in registrations:
        groups[registration.status].append(registration)
    groups[Status.CONFIRMED].sort(key=lambda r: (r.person.name.casefold(), r.pk))
    groups[Status.WAITING].sort(key=lambda r: (r.queued_at or r.registered_at, r.pk))
    for position, registration in enumerate(groups[Status.WAITING], start=1):
        registration.position = position
    return groups


def _delegates_by_municipality(event, confirmed):
    counts = {}
    for registration in confirmed:
        name = str(registration.person.municipality or _("no municipality"))
        counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items())


@staff_area
def event_detail(request, pk):
    event = get_event(request, pk)
    now = timezone.now()
    groups = _registration_groups(event)
    mark_shown_memberships(request.user, [r.person for group in groups.values() for r in group])
    confirmed = groups[Status.CONFIRMED]
    invitations = list(event.invitations.select_related("person").order_by("person__name", "id"))
    results = list(
        event.results.prefetch_related(
            "goals",
            "organisations",
            Prefetch(
                "status_changes",
                queryset=ResultStatusChange.objects.select_related("changed_by"),
            ),
        ).order_by("id")
    )
    goals = []
    if event.process_id and event.kind in (WorkshopKind.INITIATIVE, WorkshopKind.EVALUATION):
        goals = list(
            Goal.objects.filter(process_id=event.process_id)
            .select_related("responsible", "rating")
            .order_by("id")
        )
    mark_shown_organisations(request.user, goals, results)
    state = workshop_state(event, now)
    context = {
        "event": event,
        "state": state,
        "state_label": State.LABELS[state],
        "warning": below_minimum_soon(event, len(confirmed), now),
        "agenda": event.agenda.select_related("responsible"),
        "documents": event.documents.select_related("uploaded_by"),
        "invitations": invitations,
        "invitation_counts": {
            status: sum(1 for i in invitations if i.status == status)
            for status in Invitation.Status.values
        },
        "confirmed": confirmed,
        "offered": groups[Status.OFFERED],
        "waiting": groups[Status.WAITING],
        "expired": groups[Status.EXPIRED],
        "cancelled": groups[Status.CANCELLED],
        "attended_count": sum(1 for r in confirmed if r.attended),
        "no_show_count": sum(1 for r in confirmed if r.attended is False),
        "delegates": _delegates_by_municipality(event, confirmed)
        if event.kind == WorkshopKind.EXCHANGE
        else [],
        "goals": goals,
        "results": results,
        "history": describe_entries(history(event)[:HISTORY_LENGTH]),
        "can_manage": request.user.has_perm("events.manage_event", event),
        "can_rate": request.user.has_perm("events.rate_goals", event),
        # Before the start: afterwards the registrations are the record of who came.
        "can_cancel": request.user.has_perm("events.manage_event", event)
        and not event.is_cancelled
        and state != State.HELD,
        "now": now,
    }
    return render(request, "events/event_detail.html", context)


@staff_area
def event_create(request, program_pk):
    program = get_object_or_404(Program, pk=program_pk)
    require(request.user, "programs.manage_program", program)
    form = ProgramEventForm(request.POST or None, instance=Event(program=program))
    return form_page(
        request,
        form,
        "events/event_form.html",
        {"program": program},
        lambda data: services.create_program_event(request.user, program, data),
    )


@staff_area
def event_edit(request, pk):
    event = get_event(request, pk, "events.manage_event")
    if event.is_cancelled:
        messages.error(request, _("This event has been cancelled."))
        return redirect(event)
    form = EventForm(request.POST or None, instance=event)
    return form_page(
        request,
        form,
        "events/event_form.html",
        {"event": Event.objects.select_related("program", "process").get(pk=event.pk)},
        lambda data: services.update_event(request.user, event, data),
    )


def _people_to_tell(event):
    return Registration.objects.filter(event=event, status__in=Registration.ACTIVE).count()


@staff_area
def event_reschedule(request, pk):
    event = get_event(request, pk, "events.manage_event")
    if event.is_cancelled:
        messages.error(request, _("This event has been cancelled."))
        return redirect(event)
    form = RescheduleForm(request.POST or None, instance=event)
    return form_page(
        request,
        form,
        "events/event_reschedule.html",
        {
            "event": Event.objects.select_related("program", "process").get(pk=event.pk),
            "registered": _people_to_tell(event),
        },
        lambda data: services.update_event(request.user, event, data),
    )


@staff_area
def event_cancel(request, pk):
    event = get_event(request, pk, "events.manage_event")

    def cancel():
        try:
            services.cancel_event(request.user, event)
        except services.Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request, _("The event is cancelled. Everyone registered is told by e-mail.")
            )
        return redirect(event)

    registered = _people_to_tell(event)
    return confirm_first(
        request,
        cancel,
        question=fill(_("Cancel %(title)s?"), title=content(event, "title")),
        consequence=ngettext(
            "%(counter)s person is registered and will be told by e-mail that the event is "
            "cancelled.",
            "%(counter)s people are registered and will be told by e-mail that the event is "
            "cancelled.",
            registered,
        )
        % {"counter": registered}
        + " "
        + _("This cannot be undone; registrations stay on record."),
        confirm=_("Cancel the event"),
        back_url=event_url(event),
        template="events/event_cancel.html",
        context={"event": event},
    )


# Agenda


def _agenda_people(request, event, current=None):
    """Who may be responsible for an agenda item: the people invited or registered, and those of
    the event's municipality, as far as the user may see them."""
    involved = Q(
        Exists(
            Registration.objects.filter(
                event=event, person=OuterRef("pk"), status__in=Registration.ACTIVE
            )
        )
    ) | Q(Exists(Invitation.objects.filter(event=event, person=OuterRef("pk"))))
    if event.process_id:
        involved |= Q(municipality_id=event.process.municipality_id)
    if current:
        involved |= Q(pk=current)
    return Person.objects.visible_to(request.user).filter(involved).order_by("name")


@staff_area
def agenda_add(request, pk):
    event = get_event(request, pk)
    form = AgendaItemForm(request.POST or None, people=_agenda_people(request, event))
    return part_form(
        request,
        event,
        form,
        "events/agenda_form.html",
        lambda data: services.add_agenda_item(request.user, event, data),
        "agenda-heading",
    )


@staff_area
def agenda_edit(request, pk):
    item = get_object_or_404(
        AgendaItem.objects.select_related("event__program", "event__process__municipality"), pk=pk
    )
    event = item.event
    require(request.user, "events.facilitate_event", event)
    if request.method == "POST" and "delete" in request.POST:
        return confirm_then(
            request,
            lambda: services.delete_agenda_item(request.user, item),
            done=_("Agenda item removed."),
            then=event_url(event, "agenda-heading"),
            question=fill(_("Remove the agenda item “%(title)s”?"), title=content(item, "title")),
            consequence=_("The item is removed from the agenda. This cannot be undone."),
            confirm=_("Remove agenda item"),
            back_url=reverse("events:agenda_edit", args=[item.pk]),
            carry=["delete"],
        )
    form = AgendaItemForm(
        request.POST or None,
        instance=item,
        people=_agenda_people(request, event, item.responsible_id),
    )
    return part_form(
        request,
        event,
        form,
        "events/agenda_form.html",
        lambda data: services.update_agenda_item(request.user, item, data),
        "agenda-heading",
        {"item": item},
    )


# Documents


@staff_area
def document_add(request, pk):
    event = get_event(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    return part_form(
        request,
        event,
        form,
        "events/document_form.html",
        lambda data: services.add_document(request.user, event, data),
        "documents-heading",
        success=_("Document uploaded."),
    )


def _get_document(request, pk):
    document = get_object_or_404(
        Document.objects.select_related("event__program", "event__process__municipality"), pk=pk
    )
    require(request.user, "events.facilitate_event", document.event)
    return document


@staff_area
def document_download(request, pk):
    document = _get_document(request, pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file is missing.")) from None
    # Always as a download: a file is never shown as a page of this site.
    return FileResponse(handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


@staff_area
@require_http_methods(["GET", "POST"])
def document_delete(request, pk):
    document = _get_document(request, pk)
    event = document.event

    return confirm_then(
        request,
        lambda: services.delete_document(request.user, document),
        done=_("“%(title)s” was removed.") % {"title": document.title},
        then=event_url(event, "documents-heading"),
        question=fill(_("Remove the document “%(title)s”?"), title=german(document.title)),
        consequence=_("The file is deleted and nobody can download it any more."),
        confirm=_("Remove document"),
        back_url=event_url(event, "documents-heading"),
    )


# Invitations and registrations: choosing people from the registry


def _circle_only(event):
    return event.admission == Admission.INITIATIVE_CIRCLE


def _choice_form(event, candidates, data=None):
    """The people picker. The choice is checked against all `candidates`, so that the
    service's refusal names someone who may not take part; the search offers only those the
    admission lets in (the initiative circle where only it takes part)."""
    return PeopleChoiceForm(data, people=candidates, offered=services.admissible(event, candidates))


def _invitation_candidates(request, event):
    return (
        Person.objects.visible_to(request.user)
        .exclude(email="")
        .exclude(Exists(Invitation.objects.filter(event=event, person=OuterRef("pk"))))
    )


@staff_area
def invite(request, pk):
    event = get_event(request, pk, "events.manage_event")
    candidates = _invitation_candidates(request, event)
    choice_form = _choice_form(event, candidates)
    email_form = InviteByEmailForm(prefix="new")
    by_email = request.POST.get("action") == "email" and not _circle_only(event)
    if request.method == "POST" and by_email:
        email_form = InviteByEmailForm(request.POST, prefix="new")
        if email_form.is_valid():
            try:
                person = services.invite_by_email(request.user, event, email_form.cleaned_data)
            except ValidationError as error:
                apply_form_error(email_form, error)
            else:
                messages.success(request, _("%(name)s is invited.") % {"name": person.name})
                return redirect(event_url(event, "invitations-heading"))
    elif request.method == "POST":
        choice_form = _choice_form(event, candidates, request.POST)
        if choice_form.is_valid():
            try:
                created = services.invite(request.user, event, choice_form.cleaned_data["people"])
            except ValidationError as error:
                apply_form_error(choice_form, error)
            else:
                messages.success(
                    request,
                    ngettext("%(count)s person invited.", "%(count)s people invited.", len(created))
                    % {"count": len(created)},
                )
                return redirect(event_url(event, "invitations-heading"))
    if event.is_cancelled:
        messages.warning(request, _("This event has been cancelled."))
    context = {"event": event, "circle_only": _circle_only(event)}
    context.update({"choice_form": choice_form, "email_form": email_form})
    return render(request, "events/invite.html", context)


@staff_area
def participant_add(request, pk):
    event = get_event(request, pk, "events.manage_event")
    candidates = Person.objects.visible_to(request.user).exclude(
        Exists(
            Registration.objects.filter(
                event=event, person=OuterRef("pk"), status__in=Registration.ACTIVE
            )
        )
    )
    choice_form = _choice_form(event, candidates, request.POST or None)
    if request.method == "POST" and choice_form.is_valid():
        try:
            added = services.add_participants(
                request.user, event, choice_form.cleaned_data["people"]
            )
        except ValidationError as error:
            apply_form_error(choice_form, error)
        else:
            confirmed = sum(1 for r in added if r.status == Status.CONFIRMED)
            waiting = len(added) - confirmed
            message = ngettext(
                "%(count)s person confirmed.", "%(count)s people confirmed.", confirmed
            ) % {"count": confirmed}
            if waiting:
                message += " " + ngettext(
                    "%(count)s person is on the waiting list.",
                    "%(count)s people are on the waiting list.",
                    waiting,
                ) % {"count": waiting}
            messages.success(request, message)
            return redirect(event_url(event, "registrations-heading"))
    context = {"event": event, "circle_only": _circle_only(event), "choice_form": choice_form}
    return render(request, "events/participant_add.html", context)


def _cancel_consequence(registration):
    """What cancelling a registration sets off, in words: the e-mail and the waiting list."""
    name = registration.person.name
    if registration.status == Status.WAITING:
        return _("%(name)s leaves the waiting list and is told by e-mail.") % {"name": name}
    if (
        registration.status in Registration.HOLDS_PLACE
        and not registration.event.is_cancelled
        and registration.event.registrations.filter(status=Status.WAITING).exists()
    ):
        return _(
            "%(name)s is told by e-mail, and the place is offered to the first on the "
            "waiting list. This cannot be undone."
        ) % {"name": name}
    return _("%(name)s is told by e-mail. This cannot be undone.") % {"name": name}


@staff_area
@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk):
    registration = get_object_or_404(
        Registration.objects.select_related(
            "person", "event__program", "event__process__municipality"
        ),
        pk=pk,
    )
    event = registration.event
    require(request.user, "events.manage_event", event)
    back_url = event_url(event, "registrations-heading")

    def cancel():
        try:
            services.cancel_registration(request.user, registration)
        except services.Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("The registration of %(name)s is cancelled.")
                % {"name": registration.person.name},
            )
        return redirect(back_url)

    if not registration.is_active:
        return cancel()  # nothing left to confirm: the service says why
    return confirm_first(
        request,
        cancel,
        question=fill(
            _("Cancel the registration of %(name)s for “%(title)s”?"),
            name=registration.person.name,
            title=content(event, "title"),
        ),
        consequence=_cancel_consequence(registration),
        confirm=_("Cancel registration"),
        back_url=back_url,
    )


# Attendance


def _confirmed(event):
    return (
        event.registrations.filter(status=Status.CONFIRMED)
        .select_related("person")
        .prefetch_related(_current_memberships("person__"))
        .order_by("person__name", "id")
    )


def _attendance_open(event, now=None):
    now = now or timezone.now()
    return (
        not event.is_cancelled
        and event.starts_at is not None
        and timezone.localdate(event.starts_at) <= timezone.localdate(now)
    )


def _attendance_counts(registrations):
    return {
        "total": len(registrations),
        "attended_count": sum(1 for r in registrations if r.attended),
        "no_show_count": sum(1 for r in registrations if r.attended is False),
    }


def _attendance_row(request, event, registration, error):
    """The changed row for htmx, with the counts above the table (out of band, in the live
    region) and the focus on the row's first button, where the pressed one was."""
    registrations = list(_confirmed(event))
    mark_shown_memberships(request.user, [r.person for r in registrations])
    row = next((r for r in registrations if r.pk == registration.pk), None)
    if row is None:
        return redirect("events:attendance", event.pk)
    return render(
        request,
        "events/includes/attendance_row.html",
        {
            "event": event,
            "registration": row,
            "attendance_open": _attendance_open(event),
            "error": error,
            "focus": True,
            "count_update": True,
            **_attendance_counts(registrations),
        },
    )


@staff_area
def attendance(request, pk):
    event = get_event(request, pk)
    if request.method == "POST":
        form = AttendanceForm(
            request.POST, registrations=event.registrations.filter(status=Status.CONFIRMED)
        )
        if form.is_valid():
            registration = form.cleaned_data["registration"]
            error = None
            try:
                services.mark_attendance(request.user, registration, form.attended_value)
            except services.Refused as refusal:
                error = refusal.message
            if request.htmx:
                return _attendance_row(request, event, registration, error)
            if error:
                messages.error(request, error)
            return redirect(
                reverse("events:attendance", args=[event.pk]) + f"#registration-{registration.pk}"
            )
        messages.error(request, _("That did not work: choose a confirmed participant."))
        return redirect("events:attendance", event.pk)
    registrations = list(_confirmed(event))
    mark_shown_memberships(request.user, [r.person for r in registrations])
    return render(
        request,
        "events/attendance.html",
        {
            "event": event,
            "registrations": registrations,
            "attendance_open": _attendance_open(event),
            **_attendance_counts(registrations),
        },
    )


@staff_area
def sign_in_sheet(request, pk):
    event = get_event(request, pk)
    registrations = list(_confirmed(event))
    mark_shown_memberships(request.user, [r.person for r in registrations])
    return render(
        request,
        "events/sign_in_sheet.html",
        {
            "event": event,
            "registrations": registrations,
            "spare_rows": range(SIGN_IN_SPARE_ROWS),
        },
    )
