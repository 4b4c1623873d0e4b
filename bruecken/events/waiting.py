"""What waits for a user in the events app (bruecken/waiting.py): invitations to answer and
places offered, for the person linked to the account; for staff, the coming workshops they run
that have too few registrations or whose registration closes soon, each linked to its page."""

from datetime import timedelta

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bruecken.waiting import Item
from bruecken.web import content, fill

from .models import Event, Invitation, Registration
from .overview import WARNING_DAYS

Status = Registration.Status
# The page lists so many workshops of each kind at most; the rest are on the dashboards.
MAX_WORKSHOPS = 10


def _own(user, now):
    person = getattr(user, "person", None)
    if person is None:
        return []
    mine = reverse("participate:mine")
    counts = Invitation.objects.filter(
        person=person,
        status=Invitation.Status.PENDING,
        event__cancelled_at__isnull=True,
        event__starts_at__gt=now,
    ).aggregate(n=Count("id"))
    offered = Registration.objects.filter(
        person=person, status=Status.OFFERED, event__cancelled_at__isnull=True
    ).count()
    return [
        Item(
            ngettext(
                "%(count)s invitation to an event waits for your answer.",
                "%(count)s invitations to events wait for your answer.",
                counts["n"],
            )
            % {"count": counts["n"]},
            mine,
            counts["n"],
        ),
        Item(
            ngettext(
                "A place was offered to you: please accept it before the offer expires.",
                "%(count)s places were offered to you: please accept them before the offers "
                "expire.",
                offered,
            )
            % {"count": offered},
            mine,
            offered,
        ),
    ]


def _day(value):
    return formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


def _workshops(user, now):
    coming = Event.objects.facilitated_by(user).filter(cancelled_at__isnull=True, starts_at__gt=now)
    soon = now + timedelta(days=WARNING_DAYS)
    few = (
        coming.filter(starts_at__lte=soon, capacity_min__gt=0)
        .annotate(
            confirmed=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED))
        )
        .filter(confirmed__lt=F("capacity_min"))
        .order_by("starts_at", "pk")[:MAX_WORKSHOPS]
    )
    items = [
        Item(
            fill(
                _("%(title)s on %(day)s: %(confirmed)s confirmed, at least %(minimum)s needed."),
                title=content(event, "title"),
                day=_day(event.starts_at),
                confirmed=event.confirmed,
                minimum=event.capacity_min,
            ),
            event.get_absolute_url(),
            kind="warning",
        )
        for event in few
    ]
    closing = coming.filter(
        registration_deadline__gt=now, registration_deadline__lte=soon
    ).order_by("registration_deadline", "pk")[:MAX_WORKSHOPS]
    items += [
        Item(
            fill(
                _("%(title)s: registration closes on %(day)s."),
                title=content(event, "title"),
                day=_day(event.registration_deadline),
            ),
            event.get_absolute_url(),
            kind="info",
        )
        for event in closing
    ]
    return items


def waiting_for(user, now):
    return _own(user, now) + _workshops(user, now)
