"""The participant side: event pages, registering, personal links from e-mails, "my
invitations and registrations", calendar feeds.

Every change goes through `events.services`; a refusal is shown as a message in the user's
language and changes nothing."""

import logging
import smtplib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bruecken import ratelimit, structured_data
from bruecken.places.models import Municipality
from bruecken.programs.models import Admission, Program
from bruecken.translation import localized
from bruecken.web import confirm_first, content, fill

from . import calendars, emails, services
from .forms import PeopleChoiceForm, PublicRegistrationForm
from .models import Event, Invitation, Registration

Status = Registration.Status


def _person(user):
    """The registry entry linked to the account, or None."""
    if not user.is_authenticated:
        return None
    return getattr(user, "person", None)


def _published(pk):
    return get_object_or_404(
        Event.objects.select_related("program", "process__municipality").prefetch_related(
            "languages", "agenda"
        ),
        pk=pk,
        is_published=True,
    )


def _places(event):
    held = Registration.objects.filter(event=event, status__in=Registration.HOLDS_PLACE).count()
    waiting = Registration.objects.filter(event=event, status=Status.WAITING).count()
    return {"free": max(event.capacity - held, 0), "waiting": waiting}


def _next_url(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    # A path on this site: anything else would be taken for the name of a page (a 500).
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def _status_message(registration):
    if registration.status == Status.CONFIRMED:
        return _("Your place is confirmed. A confirmation with a calendar entry is on its way.")
    if registration.status == Status.WAITING:
        return _(
            "The event is fully booked: you are number %(position)s on the waiting list. "
            "When a place becomes free, we will offer it to you by e-mail."
        ) % {"position": services.waiting_position(registration)}
    if registration.status == Status.CANCELLED:
        return _("Your registration has been cancelled.")
    return None


# The event page and what a logged-in participant does there


def _event_context(request, event, public_form=None, nominate_form=None):
    person = _person(request.user)
    registration = None
    if person is not None:
        registration = Registration.objects.filter(event=event, person=person).first()
    # People without an account register through the form; those with a linked registry entry
    # keep the one-click registration.
    offers_form = not request.user.is_authenticated and services.offers_public_registration(event)
    return {
        "event": event,
        "title": localized(event, "title"),
        "description": localized(event, "description"),
        "event_data": structured_data.event(event),
        "places": _places(event),
        "person": person,
        "registration": registration,
        "position": services.waiting_position(registration) if registration else None,
        "registration_open": event.registration_open(),
        "self_registration": event.admission != Admission.INVITED,
        "public_form": (public_form or PublicRegistrationForm()) if offers_form else None,
        "program_calendar_url": reverse("participate:program_calendar", args=[event.program_id]),
        "municipality_calendar_url": reverse(
            "participate:municipality_calendar", args=[event.process.municipality_id]
        )
        if event.process_id
        else None,
        "nominate_form": nominate_form or _nominate_form(request.user, event),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def event_detail(request, pk):
    """The event page; a POST is the registration form for people without an account (posted
    here, so that the page with its errors keeps its address and language switch)."""
    event = _published(pk)
    if request.method == "POST":
        return _public_register(request, event)
    return render(request, "events/participate/event_detail.html", _event_context(request, event))


def _nominate_form(user, event, data=None):
    """The people picker for signing people up, scoped to those this user may still sign up
    (`nominable_people`, less those already on the list); None where they may sign up no one.
    The page names no one until searched: for the program office that is the whole registry."""
    if not user.is_authenticated:
        return None
    nominable = services.nominable_people(user, event)
    if not nominable.exists():
        return None
    active = Registration.objects.filter(
        event=event, person=OuterRef("pk"), status__in=Registration.ACTIVE
    )
    return PeopleChoiceForm(data, people=nominable.exclude(Exists(active)))


@login_required
@require_POST
def sign_up(request, pk):
    """Sign the chosen people up. Without JavaScript the picker's search step comes here too:
    the page comes back with the matches (or the form's errors) to choose from."""
    event = _published(pk)
    form = _nominate_form(request.user, event, request.POST)
    if form is None:
        messages.error(request, _("You cannot sign anyone up for this event."))
        return redirect("participate:event", pk=event.pk)
    if not form.is_valid():
        context = _event_context(request, event, nominate_form=form)
        return render(request, "events/participate/event_detail.html", context)
    try:
        registrations = services.sign_up(request.user, event, list(form.cleaned_data["people"]))
    except services.Refused as refusal:
        messages.error(request, refusal.message)
    else:
        waiting = sum(1 for r in registrations if r.status == Registration.Status.WAITING)
        messages.success(
            request,
            ngettext(
                "%(count)s person signed up.", "%(count)s people signed up.", len(registrations)
            )
            % {"count": len(registrations)}
            + (
                " "
                + ngettext(
                    "%(count)s of them is on the waiting list.",
                    "%(count)s of them are on the waiting list.",
                    waiting,
                )
                % {"count": waiting}
                if waiting
                else ""
            ),
        )
    return redirect("participate:event", pk=event.pk)


@login_required
@require_POST
def register(request, pk):
    event = _published(pk)
    person = _person(request.user)
    if person is None:
        messages.error(request, _("Your account is not linked to an entry in the registry yet."))
        return redirect("participate:event", pk=event.pk)
    try:
        registration = services.take_place(event, person, source=Registration.Source.SELF)
    except services.Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _status_message(registration))
    return redirect("participate:event", pk=event.pk)


def _own_registration(request, pk):
    """The user's own registration; anyone else's is not found."""
    person = _person(request.user)
    if person is None:
        raise Http404
    return get_object_or_404(Registration.objects.select_related("event"), pk=pk, person=person)


def _change_own_registration(request, pk, change, done):
    registration = _own_registration(request, pk)
    try:
        change(registration, by=request.user)
    except services.Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect(_next_url(request, reverse("participate:mine")))


@login_required
@require_POST
def accept_offer(request, pk):
    return _change_own_registration(
        request, pk, services.accept_offer, _("You have accepted the place. See you there!")
    )


def _confirm_own_cancel(request, registration, act, **page):
    """Ask before giving up one's own registration, naming what it sets off; `act` gives it up.
    `page`: where the page leads back to, and what it carries."""
    title = content(registration.event, "title")
    if registration.status == Registration.Status.WAITING:
        question = fill(_("Leave the waiting list for “%(title)s”?"), title=title)
        consequence = _("You lose your position on the waiting list. This cannot be undone.")
        confirm = _("Leave the waiting list")
    else:
        question = fill(_("Cancel your registration for “%(title)s”?"), title=title)
        consequence = _(
            "You give up your place; it is offered to the first person on the waiting list, if "
            "there is one. This cannot be undone."
        )
        confirm = _("Cancel my registration")
    return confirm_first(
        request, act, question=question, consequence=consequence, confirm=confirm, **page
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel_registration(request, pk):
    registration = _own_registration(request, pk)

    def act():
        return _change_own_registration(
            request, pk, services.cancel, _("Your registration has been cancelled.")
        )

    if not registration.is_active:
        return act()  # nothing left to confirm: the service says why
    return _confirm_own_cancel(
        request,
        registration,
        act,
        back_url=_next_url(request, reverse("participate:mine")),
        carry=["next"],
    )


def event_ics(request, pk):
    """One event as a calendar file: a published event, or one the user is invited to or
    registered for."""
    event = get_object_or_404(Event, pk=pk, starts_at__isnull=False)
    if not event.is_published:
        person = _person(request.user)
        concerned = person is not None and (
            Registration.objects.filter(event=event, person=person).exists()
            or Invitation.objects.filter(event=event, person=person).exists()
        )
        if not concerned:
            raise Http404
    return _calendar_response(calendars.ics_for_events(event.title, [event]), f"event-{pk}.ics")


# Personal links from e-mails: no login, the address the e-mail went to proves who it is


class AddressForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        help_text=gettext_lazy("The address our e-mail was sent to."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def _show_refusal(form, context, refusal):
    """A refused answer through a personal link: at the address when it is someone else's,
    above the form otherwise."""
    if refusal.code == "other_person":
        form.add_error("email", refusal.message)
    else:
        context["refusal"] = refusal.message


def _invalid_link(request, template, refusal):
    """The page of a personal link that names nothing (any more)."""
    return render(request, template, {"invalid": refusal.message}, status=404)


def _chosen(request, form, name, choices, missing):
    """The choice the POST names under `name`; a key of `choices`, else the form says
    `missing`."""
    choice = request.POST.get(name)
    if choice not in choices:
        form.add_error(None, missing)
    return choice


ANSWERS = {"accept": True, "decline": False}


def invitation(request, token):
    try:
        invitation = services.invitation_for_token(token)
    except services.Refused as refusal:
        return _invalid_link(request, "events/participate/invitation.html", refusal)
    event = invitation.event
    context = {"invitation": invitation, "event": event}
    form = AddressForm(request.POST or None)
    if request.method == "POST":
        answer = _chosen(
            request, form, "answer", ANSWERS, _("Please choose whether you accept or decline.")
        )
        if form.is_valid():
            try:
                invitation, registration = services.answer_invitation(
                    token, form.cleaned_data["email"], ANSWERS[answer]
                )
            except services.Refused as refusal:
                _show_refusal(form, context, refusal)
            else:
                context.update(
                    invitation=invitation,
                    registration=registration,
                    position=services.waiting_position(registration) if registration else None,
                    answered=True,
                    # Counted after the answer: the place just taken is no longer free.
                    places=_places(event),
                )
                return render(request, "events/participate/invitation.html", context)
    try:
        services.check_answerable(invitation)
    except services.Refused as refusal:
        # No form for a link that cannot be answered any more.
        context["closed"] = refusal.message
    context.update(form=form, places=_places(event))
    return render(request, "events/participate/invitation.html", context)


ACTIONS = {"accept": services.accept_offer, "cancel": services.cancel}


def registration_link(request, token):
    """The personal link to a registration: accept an offered place, or cancel."""
    try:
        registration = services.registration_for_token(token)
    except services.Refused as refusal:
        return _invalid_link(request, "events/participate/registration.html", refusal)
    form = AddressForm(request.POST or None)
    context = {"registration": registration, "event": registration.event}
    if request.method == "POST":
        action = _chosen(request, form, "action", ACTIONS, _("Please choose what you want to do."))
        if form.is_valid():
            try:
                services.check_owner(registration, form.cleaned_data["email"])
            except services.Refused as refusal:
                _show_refusal(form, context, refusal)
            else:

                def act():
                    done = _registration_link_action(registration, action, form, context)
                    return _registration_page(request, registration, done or form, context)

                if action != "cancel" or not registration.is_active:
                    return act()
                return _confirm_own_cancel(
                    request, registration, act, back_url=request.path, carry=["email", "action"]
                )
            registration.refresh_from_db()
    return _registration_page(request, registration, form, context)


def _registration_link_action(registration, action, form, context):
    """Run the chosen action; a fresh address form when done, None when refused."""
    try:
        ACTIONS[action](registration)
    except services.Refused as refusal:
        _show_refusal(form, context, refusal)
        done = None
    else:
        context["done"] = (
            _("You have accepted the place. See you there!")
            if action == "accept"
            else _("Your registration has been cancelled.")
        )
        done = AddressForm()
    registration.refresh_from_db()
    return done


def _registration_page(request, registration, form, context):
    context.update(
        form=form,
        position=services.waiting_position(registration),
    )
    return render(request, "events/participate/registration.html", context)


# Registration without an account: the form on the event page sends a link by e-mail; the
# link's page registers on a POST only, so that mail scanners opening links register nobody.

logger = logging.getLogger(__name__)


def _public_register(request, event):
    if request.user.is_authenticated or not services.offers_public_registration(event):
        messages.error(request, _("Registration without an account is not open for this event."))
        return redirect("participate:event", pk=event.pk)
    form = PublicRegistrationForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "events/participate/event_detail.html",
            _event_context(request, event, public_form=form),
        )
    context = {
        "event": event,
        "title": localized(event, "title"),
        "hours": settings.PUBLIC_REGISTRATION_LINK_HOURS,
    }
    template = "events/participate/public_registration_sent.html"
    # Counted for valid requests only: they are the ones that send e-mail.
    if not ratelimit.allow("registration", request):
        context["limited"] = True
        return render(request, template, context, status=429)
    token = services.public_registration_token(event, form.cleaned_data, get_language())
    confirm_url = settings.SITE_URL + reverse("participate:confirm_registration", args=[token])
    message = emails.public_registration_message(event, form.cleaned_data, confirm_url)
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send the confirmation link for event %s", event.pk)
        services.forget_public_registration(token)
        context["failed"] = True
        return render(request, template, context, status=503)
    context["email"] = form.cleaned_data["email"]
    return render(request, template, context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_registration(request, token):
    template = "events/participate/public_registration_confirm.html"
    try:
        wish = services.public_registration_request(token)
    except services.Refused as refusal:
        # An expired or old-style link points back to its event, to register again there.
        again = refusal.code in ("expired", "old_link")
        event = services.expired_link_event(token) if again else None
        return render(
            request,
            template,
            {"invalid": refusal.message, "event": event, "expired": again},
            status=400,
        )
    event = wish.event
    context = {"wish": wish, "event": event, "title": localized(event, "title")}
    try:
        if request.method == "POST":
            outcome = services.register_from_link(token)
            context.update(registration=outcome.registration, done=outcome.created)
        else:
            context["registration"] = services.public_registration_state(wish)
    except services.Refused as refusal:
        context["refusal"] = refusal.message
    registration = context.get("registration")
    context.update(
        places=_places(event),
        position=services.waiting_position(registration) if registration else None,
    )
    return render(request, template, context)


# My invitations and registrations


@login_required
def mine(request):
    person = _person(request.user)
    if person is None:
        return render(request, "events/participate/mine.html", {"person": None})
    now = timezone.now()
    registrations = list(
        Registration.objects.filter(person=person)
        .select_related("event")
        .order_by("event__starts_at", "event_id")
    )
    for registration in registrations:
        registration.position = services.waiting_position(registration)
        registration.is_past = bool(
            registration.event.starts_at and registration.event.starts_at < now
        )
    invitations = [
        {
            "invitation": invitation,
            "token": services.invitation_token(invitation)
            if invitation.status == Invitation.Status.PENDING
            else None,
        }
        for invitation in Invitation.objects.filter(person=person)
        .select_related("event")
        .order_by("event__starts_at", "event_id")
    ]
    context = {
        "person": person,
        "registrations": registrations,
        "invitations": invitations,
        "feed_url": calendars.person_feed_url(person),
    }
    return render(request, "events/participate/mine.html", context)


# Calendar feeds


def _calendar_response(content, filename):
    response = HttpResponse(content, content_type=calendars.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def program_calendar(request, pk):
    program = get_object_or_404(Program, pk=pk)
    events = calendars.program_events(program)
    return _calendar_response(
        calendars.ics_for_events(program.name, events), f"program-{program.pk}.ics"
    )


def municipality_calendar(request, pk):
    municipality = get_object_or_404(Municipality, pk=pk)
    events = calendars.municipality_events(municipality)
    name = _("Events in %(municipality)s") % {"municipality": municipality.name}
    return _calendar_response(
        calendars.ics_for_events(name, events), f"municipality-{municipality.pk}.ics"
    )


def person_calendar(request, token):
    person = calendars.person_for_feed_token(token)
    if person is None:
        raise Http404
    response = _calendar_response(calendars.person_feed(person), "my-events.ics")
    # Personal data: not for shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
