"""Events (the website's calendar; with a token also the workshops of the user's municipalities)
and the token user's own registrations."""

from datetime import date
from typing import Annotated

from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query

from bruecken.events.models import Event, Registration
from bruecken.programs.models import WorkshopKind
from bruecken.translation import localized

from .. import schemas
from ..auth import TOKEN_ONLY
from .base import (
    DEFAULT_LIMIT,
    Area,
    Id,
    Limit,
    Offset,
    OptionalId,
    UpdatedSince,
    aware,
    choice,
    coded,
    label,
    page,
    program_ref,
    reader,
    ref,
)

router = Area("events")

WorkshopKindParam = choice("WorkshopKind", WorkshopKind)
RegistrationStatusParam = choice("RegistrationStatus", Registration.Status)


def event_queryset(user):
    return (
        Event.objects.visible_to(user)
        .select_related("program", "process__municipality")
        .annotate(
            places_held=Count(
                "registrations", filter=Q(registrations__status__in=Registration.HOLDS_PLACE)
            )
        )
        .prefetch_related("languages")
    )


def event_out(e, now=None):
    municipality = e.process.municipality if e.process_id else None
    return {
        "id": e.pk,
        "title": localized(e, "title"),
        "description": localized(e, "description"),
        "kind": e.kind,
        "kind_label": label(e, "kind"),
        "program": program_ref(e.program),
        "municipality": ref(municipality) if municipality else None,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "venue": e.venue,
        "online_url": e.online_url,
        "capacity": e.capacity,
        "places_free": max(e.capacity - e.places_held, 0),
        "admission": e.admission,
        "admission_label": label(e, "admission"),
        "registration_deadline": e.registration_deadline,
        "registration_open": e.registration_open(now),
        "is_published": e.is_published,
        "is_cancelled": e.is_cancelled,
        "languages": coded(e.languages.all()),
        "updated_at": e.updated_at,
    }


@router.list("/events", schemas.EventOut, summary="Events")
def list_events(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    municipality: OptionalId = None,
    program: OptionalId = None,
    kind: WorkshopKindParam = None,
    starts_from: Annotated[date | None, Query(None, description="Starting on or after.")] = None,
    starts_until: Annotated[date | None, Query(None, description="Starting on or before.")] = None,
    updated_since: UpdatedSince = None,
):
    """Anonymously the published events (the website's calendar); with a token also the
    workshops of the user's municipalities. Ordered by start."""
    now = timezone.now()
    return page(
        request,
        event_queryset(reader(request)),
        lambda e: event_out(e, now),
        limit,
        offset,
        filters={
            "process__municipality_id": municipality,
            "program_id": program,
            "kind": kind,
            "starts_at__date__gte": starts_from,
            "starts_at__date__lte": starts_until,
            "updated_at__gte": aware(updated_since),
        },
        order=[F("starts_at").asc(nulls_last=True), "position", "pk"],
    )


@router.detail("/events/{event_id}", schemas.EventOut, summary="One event")
def get_event(request, event_id: Id):
    return event_out(get_object_or_404(event_queryset(reader(request)), pk=event_id))


def registration_out(r):
    return {
        "id": r.pk,
        "event": {
            "id": r.event_id,
            "title": localized(r.event, "title"),
            "starts_at": r.event.starts_at,
        },
        "person": ref(r.person),
        "status": r.status,
        "status_label": label(r, "status"),
        "source": r.source,
        "source_label": label(r, "source"),
        "registered_at": r.registered_at,
        "offer_expires_at": r.offer_expires_at,
        "attended": r.attended,
    }


@router.list(
    "/registrations/mine",
    schemas.RegistrationOut,
    auth=TOKEN_ONLY,
    summary="The token user's own registrations",
)
def my_registrations(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    status: RegistrationStatusParam = None,
):
    """The registrations (and waiting-list places) of the person linked to the token's user
    account. Needs a token."""
    return page(
        request,
        Registration.objects.filter(person__user=reader(request)).select_related("event", "person"),
        registration_out,
        limit,
        offset,
        filters={"status": status},
        order=[F("event__starts_at").asc(nulls_last=True), "pk"],
    )
