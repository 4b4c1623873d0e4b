"""The notification e-mails, each in its recipient's language.

A notification kind names what happened and the ids of what it is about. Most kinds go to one
person (a registration, an invitation); the event kinds go to everyone concerned, one message
each. Recipients are looked up when the e-mail is built, after the change has been committed.

`send_notification` is the background task that builds and sends them (`notifications` queues
it when a transaction commits)."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks import task

from bruecken.actors.models import Person
from bruecken.mail import NotSent, privacy_footer, send_each, templated_email  # noqa: F401 (NotSent: raised by send_notification)
from bruecken.privacy import guest

from .calendars import ics_for_events
from .models import Event, Invitation, Registration
from .tokens import invitation_token, registration_token

REGISTRATION_KINDS = {
    "registration_confirmed",
    "registration_waiting",
    "registration_offered",
    "registration_cancelled",
    "registration_expired",
}
INVITATION_KINDS = {"invitation", "invitation_reminder"}
# Event kinds: who hears of it.
EVENT_KINDS = {
    # Everyone registered or still asked to answer an invitation.
    "event_cancelled": Registration.ACTIVE,
    "event_changed": Registration.ACTIVE,
    # Only those coming.
    "event_reminder": (Registration.Status.CONFIRMED,),
}
KINDS = REGISTRATION_KINDS | INVITATION_KINDS | set(EVENT_KINDS)
# Not needed for what the person signed up to: only for those who accept such e-mails
# (`Person.objects.accepting_emails()`, withdrawn on "Meine Daten").
OPTIONAL_KINDS = {"invitation_reminder", "event_reminder"}
# These carry the event as an .ics file for a confirmed participant's calendar.
CALENDAR_KINDS = {"registration_confirmed", "event_changed", "event_cancelled", "event_reminder"}
# What an "event_changed" e-mail names, in this order.
CHANGE_LABELS = {
    "starts_at": _("Start"),
    "ends_at": _("End"),
    "venue": _("Venue"),
    "online_url": _("Online link"),
}
TIME_FIELDS = {"starts_at", "ends_at"}


def _absolute(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def _registration_context(registration):
    return {
        "person": registration.person,
        "event": registration.event,
        "registration": registration,
        "position": registration.waiting_position(),
        "manage_token": registration_token(registration) if registration.is_active else None,
    }


def _invitation_context(invitation):
    return {
        "person": invitation.person,
        "event": invitation.event,
        "invitation": invitation,
        "token": invitation_token(invitation),
    }


def _contexts(kind, ids):
    """One context per recipient."""
    if kind in REGISTRATION_KINDS:
        registration = (
            Registration.objects.select_related("event", "person")
            .filter(pk=ids.get("registration"))
            .first()
        )
        return [_registration_context(registration)] if registration else []
    if kind in INVITATION_KINDS:
        invitation = (
            Invitation.objects.select_related("event", "person")
            .filter(pk=ids.get("invitation"))
            .first()
        )
        return [_invitation_context(invitation)] if invitation else []
    if kind in EVENT_KINDS:
        event = Event.objects.filter(pk=ids.get("event")).first()
        if event is None:
            return []
        registrations = (
            Registration.objects.filter(event=event, status__in=EVENT_KINDS[kind])
            .select_related("event", "person")
            .order_by("id")
        )
        contexts = [_registration_context(registration) for registration in registrations]
        changes = ids.get("changes") or {}
        for context in contexts:
            context["changed"] = changes
        if kind != "event_reminder":
            registered = {context["person"].pk for context in contexts}
            pending = (
                Invitation.objects.filter(event=event, status=Invitation.Status.PENDING)
                .exclude(person__in=registered)
                .select_related("event", "person")
                .order_by("id")
            )
            contexts += [
                {**_invitation_context(invitation), "changed": changes} for invitation in pending
            ]
        return contexts
    raise ValueError(f"unknown notification {kind!r}")


def _changed_value(name, value):
    if not value:
        return "–"
    if name in TIME_FIELDS:
        # In German time and the reader's date format, whatever zone the value was stored in.
        instant = timezone.localtime(datetime.fromisoformat(value))
        return formats.date_format(instant, "DATETIME_FORMAT")
    return ", ".join(line.strip() for line in value.splitlines() if line.strip())


def _describe_changes(changed):
    """(label, old, new) for each change of time or place, formatted in the active language."""
    return [
        (label, _changed_value(name, changed[name][0]), _changed_value(name, changed[name][1]))
        for name, label in CHANGE_LABELS.items()
        if name in changed
    ]


def _message(kind, context):
    person = context["person"]
    event = context["event"]
    with translation.override(person.language):
        changed = context.get("changed") or {}
        context["changes"] = _describe_changes(changed)
        context["time_changed"] = bool(TIME_FIELDS & set(changed))
        context["place_changed"] = bool(set(changed) - TIME_FIELDS)
        context["site_url"] = settings.SITE_URL
        context["event_url"] = _absolute("participate:event", event.pk)
        if context.get("token"):
            context["answer_url"] = _absolute("participate:invitation", context["token"])
        if context.get("manage_token"):
            context["manage_url"] = _absolute("participate:registration", context["manage_token"])
        # Someone without an account: their personal link to their data and to unsubscribe.
        footer, headers = guest.footer(person)
        message = templated_email(
            f"events/email/{kind}", context, person.email, footer=footer, headers=headers
        )
        registration = context.get("registration")
        if (
            kind in CALENDAR_KINDS
            and event.starts_at
            and registration is not None
            and registration.status == Registration.Status.CONFIRMED
        ):
            attachment = ics_for_events(event.title, [event])
            message.attach("event.ics", attachment, "text/calendar; method=PUBLISH")
    return message


def build_messages(kind, ids):
    """The e-mails for `kind`, one per recipient: none when what they are about no longer exists
    or nobody concerned has an address."""
    contexts = [context for context in _contexts(kind, ids) if context["person"].email]
    if kind in OPTIONAL_KINDS and contexts:
        accepting = set(
            Person.objects.accepting_emails()
            .filter(pk__in=[context["person"].pk for context in contexts])
            .values_list("pk", flat=True)
        )
        contexts = [context for context in contexts if context["person"].pk in accepting]
    return [_message(kind, context) for context in contexts]


@task()
def send_notification(kind, ids):
    """Send the e-mails of one notification; `ids` names the registration, invitation or event it
    is about. Returns how many were sent."""
    return send_each(build_messages(kind, ids), f"{kind} {ids}")


def public_registration_message(event, values, confirm_url):
    """The e-mail with the link that confirms a registration without an account, in the
    language the visitor used; sent at once, not queued, so that no copy of their details waits
    in the task queue."""
    days = settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS
    context = {
        "event": event,
        "name": values["name"],
        "confirm_url": confirm_url,
        "event_url": _absolute("participate:event", event.pk),
        "hours": settings.PUBLIC_REGISTRATION_LINK_HOURS,
        "days": days,
    }
    # No person record yet, so no personal link: what is kept, and for how long.
    note = ngettext(
        "Unless you confirm, we delete your details after %(days)s day.",
        "Unless you confirm, we delete your details after %(days)s days.",
        days,
    ) % {"days": days}
    return templated_email(
        "events/email/public_registration_link",
        context,
        values["email"],
        footer=privacy_footer(note=note),
    )
