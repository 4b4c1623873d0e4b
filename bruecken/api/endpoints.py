"""The API's operations. Each list is built from a fixed number of queries, whatever its size."""

import hashlib
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Annotated

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query
from ninja.errors import ValidationError

from bruecken.actors.filters import _through_exists, search_terms
from bruecken.actors.models import Membership, Organisation, OrganisationKind, Person, Topic
from bruecken.events.models import Event, Registration
from bruecken.links import path_for_id
from bruecken.places.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    Partnership,
    PartnershipKind,
)
from bruecken.programs.models import (
    Goal,
    Program,
    Result,
    ResultKind,
    ResultStatus,
    WorkshopKind,
)
from bruecken.translation import is_english, localized
from bruecken.website.cache import WATCHED_APPS, cached_for_version
from bruecken.website.structured_data import absolute

from . import schemas, visibility
from .api import api
from .auth import TOKEN_ONLY

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000_000
MAX_ID = 2**31 - 1
# Text without NUL (PostgreSQL refuses it in a query).
TEXT_PATTERN = r"^[^\x00]*$"

Limit = Annotated[int, Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size (1–100).")]
Offset = Annotated[int, Query(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")]
Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(None, ge=1, le=MAX_ID)]
Text = Annotated[
    str | None,
    Query(None, max_length=200, pattern=TEXT_PATTERN, description="Words that must all occur."),
]
CountryCode = Annotated[
    str | None,
    Query(None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166 country code, e.g. ET."),
]
TopicCode = Annotated[
    str | None,
    Query(None, pattern=r"^[a-z0-9-]{1,40}$", description="Topic code, e.g. sdg-4."),
]
UpdatedSince = Annotated[
    datetime | None,
    Query(None, description="Only rows changed at or after this time (ISO 8601)."),
]

ERRORS = {401: schemas.Error, 422: schemas.ValidationErrorOut, 429: schemas.Error}
DETAIL_ERRORS = {**ERRORS, 404: schemas.Error}


def responses(page):
    return {200: page, **ERRORS}


def _enum(name, choices):
    return Enum(name, {value: value for value in choices.values}, type=str)


OrganisationKindParam = _enum("OrganisationKind", OrganisationKind)
MunicipalityKindParam = _enum("MunicipalityKind", MunicipalityKind)
FederalStateParam = _enum("FederalState", FederalState)
PartnershipKindParam = _enum("PartnershipKind", PartnershipKind)
WorkshopKindParam = _enum("WorkshopKind", WorkshopKind)
ResultKindParam = _enum("ResultKind", ResultKind)
ResultStatusParam = _enum("ResultStatus", ResultStatus)
RegistrationStatusParam = _enum("RegistrationStatus", Registration.Status)


class OrganisationOrder(StrEnum):
    name = "name"
    updated = "updated_at"
    updated_desc = "-updated_at"
    id = "id"


ORGANISATION_ORDER = {
    "name": ["name_key", "pk"],
    "updated_at": ["updated_at", "pk"],
    "-updated_at": ["-updated_at", "-pk"],
    "id": ["pk"],
}


# Helpers


def reader(request):
    return request.auth


def _aware(moment, name="updated_since"):
    if moment is None:
        return None
    if not 1900 <= moment.year <= 2200:
        raise ValidationError(
            [
                {
                    "loc": ("query", name),
                    "msg": _("The date must lie between the years 1900 and 2200."),
                }
            ]
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def cached_count(queryset):
    """The number of rows, kept until the content changes (`website.cache`): counting every
    matching row costs more than fetching a page. Keyed by the query itself, so by the filters
    and the reader's scope. Only for models whose changes count the content version up."""
    if queryset.model._meta.app_label not in WATCHED_APPS:
        return queryset.count()
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0
    key = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    return cached_for_version(f"api-count:{key}", queryset.count)


def serialize_all(rows, serialize):
    return [serialize(row) for row in rows]


def paginate(request, queryset, limit, offset, serialize, prepare=None):
    """One page as the response. The rows are serialised by our functions and written as JSON
    straight away: validating every row again with pydantic would double the time of a page.
    The OpenAPI tests (Schemathesis) check that the answers keep to the documented schema."""
    count = cached_count(queryset)
    rows = list(queryset[offset : offset + limit]) if offset < count else []
    if prepare is not None:
        prepare(rows)

    def address(new_offset):
        query = request.GET.copy()
        query["offset"] = str(new_offset)
        query["limit"] = str(limit)
        return f"{request.path}?{query.urlencode()}"

    data = {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": address(offset + limit) if offset + limit < count else None,
        "previous": address(max(offset - limit, 0)) if offset > 0 and count else None,
        "results": serialize_all(rows, serialize),
    }
    return api.create_response(request, data, status=200)


def ref(obj, name=None):
    return {"id": obj.pk, "name": name if name is not None else obj.name}


def coded(objects):
    return [{"code": obj.code, "name": obj.name} for obj in objects]


def label(obj, field):
    return str(getattr(obj, f"get_{field}_display")())


class Labels:
    """The labels of a field's choices in the active language, looked up once per request."""

    def __init__(self, choices):
        self.labels = {value: str(text) for value, text in choices}

    def __getitem__(self, value):
        return self.labels.get(value, value)


def search(queryset, text):
    for term in search_terms(text):
        queryset = queryset.filter(search_text__contains=term)
    return queryset


# Municipalities and partnerships


def municipality_queryset():
    return Municipality.objects.annotate(
        participating=Exists(
            Program.municipalities.through.objects.filter(municipality=OuterRef("pk"))
        )
    )


def municipality_out(m):
    return {
        "id": m.pk,
        "name": m.name,
        "kind": m.kind,
        "kind_label": label(m, "kind"),
        "ags": m.ags,
        "federal_state": m.federal_state,
        "federal_state_label": label(m, "federal_state") if m.federal_state else "",
        "participating": m.participating,
    }


MunicipalityPage = schemas.page_of(schemas.MunicipalityOut, "MunicipalityPage")


@api.get(
    "/municipalities",
    response=responses(MunicipalityPage),
    tags=["places"],
    operation_id="list_municipalities",
    summary="Municipalities",
)
def list_municipalities(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    q: Text = None,
    kind: Annotated[MunicipalityKindParam | None, Query(None)] = None,
    federal_state: Annotated[FederalStateParam | None, Query(None)] = None,
    participating: Annotated[
        bool | None, Query(None, description="Only those in a program.")
    ] = None,
):
    """German municipalities (public reference data), by name."""
    queryset = municipality_queryset().order_by("name", "pk")
    for term in search_terms(q):
        queryset = queryset.filter(name__icontains=term)
    if kind:
        queryset = queryset.filter(kind=kind.value)
    if federal_state:
        queryset = queryset.filter(federal_state=federal_state.value)
    if participating is not None:
        queryset = queryset.filter(participating=participating)
    return paginate(request, queryset, limit, offset, municipality_out)


@api.get(
    "/municipalities/{municipality_id}",
    response={200: schemas.MunicipalityOut, **DETAIL_ERRORS},
    tags=["places"],
    operation_id="get_municipality",
    summary="One municipality",
)
def get_municipality(request, municipality_id: Id):
    return municipality_out(get_object_or_404(municipality_queryset(), pk=municipality_id))


def partnership_out(p):
    return {
        "id": p.pk,
        "municipality": ref(p.municipality),
        "partner_name": p.partner_name,
        "country": {"code": p.country.code, "name": p.country.name},
        "kind": p.kind,
        "kind_label": label(p, "kind"),
        "since": p.since,
        "note": p.note,
        "source": p.source,
    }


PartnershipPage = schemas.page_of(schemas.PartnershipOut, "PartnershipPage")


@api.get(
    "/partnerships",
    response=responses(PartnershipPage),
    tags=["places"],
    operation_id="list_partnerships",
    summary="Municipal partnerships abroad",
)
def list_partnerships(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    municipality: OptionalId = None,
    country: CountryCode = None,
    kind: Annotated[PartnershipKindParam | None, Query(None)] = None,
):
    """Partnerships of municipalities with localities abroad (public, each with its source)."""
    queryset = Partnership.objects.select_related("municipality", "country").order_by(
        "municipality__name", "municipality_id", "partner_name", "pk"
    )
    if municipality:
        queryset = queryset.filter(municipality_id=municipality)
    if country:
        queryset = queryset.filter(country__code=country.upper())
    if kind:
        queryset = queryset.filter(kind=kind.value)
    return paginate(request, queryset, limit, offset, partnership_out)


# Programs and the topic taxonomy


def program_out(p):
    return {
        "id": p.pk,
        "name": localized(p, "name"),
        "description": localized(p, "description"),
        "office": p.office,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "municipalities": [ref(m) for m in p.municipalities.all()],
    }


def program_queryset():
    return Program.objects.prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name", "pk"))
    )


ProgramPage = schemas.page_of(schemas.ProgramOut, "ProgramPage")


@api.get(
    "/programs",
    response=responses(ProgramPage),
    tags=["programs"],
    operation_id="list_programs",
    summary="Programs",
)
def list_programs(request, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0):
    """The programs and their participating municipalities (public, as on the website), the
    newest first."""
    queryset = program_queryset().order_by("-starts_on", "pk")
    return paginate(request, queryset, limit, offset, program_out)


@api.get(
    "/programs/{program_id}",
    response={200: schemas.ProgramOut, **DETAIL_ERRORS},
    tags=["programs"],
    operation_id="get_program",
    summary="One program",
)
def get_program(request, program_id: Id):
    return program_out(get_object_or_404(program_queryset(), pk=program_id))


TopicPage = schemas.page_of(schemas.TopicOut, "TopicPage")


@api.get(
    "/topics",
    response=responses(TopicPage),
    tags=["actors"],
    operation_id="list_topics",
    summary="Topics (the codes of the topic filter)",
)
def list_topics(request, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0):
    """The taxonomy of organisations' topics: the 17 Sustainable Development Goals and the
    development-education topics."""
    groups = Labels(Topic.Group.choices)

    def serialize(t):
        return {"code": t.code, "name": t.name, "group": t.group, "group_label": groups[t.group]}

    return paginate(request, Topic.objects.order_by("position", "pk"), limit, offset, serialize)


# Organisations


def organisation_queryset(user):
    return Organisation.objects.filter(visibility.organisations_q(user)).select_related(
        "municipality"
    )


# The many-to-many lists of organisations: (relation, related model's name on the through
# table). Fetched as plain tuples, one query each, without building model objects.
ORGANISATION_LISTS = [
    ("countries", "country"),
    ("topics", "topic"),
    ("engagement_forms", "engagementform"),
    ("languages", "language"),
]


def attach_lists(organisations):
    by_id = {o.pk: o for o in organisations}
    english = is_english()
    for field, target in ORGANISATION_LISTS:
        for o in organisations:
            setattr(o, f"api_{field}", [])
        if not by_id:
            continue
        through = Organisation._meta.get_field(field).remote_field.through
        rows = (
            through.objects.filter(organisation_id__in=by_id)
            .order_by(f"{target}__code")
            .values_list(
                "organisation_id", f"{target}__code", f"{target}__name_de", f"{target}__name_en"
            )
        )
        for organisation_id, code, name_de, name_en in rows:
            getattr(by_id[organisation_id], f"api_{field}").append(
                {"code": code, "name": name_en if english else name_de}
            )


def organisation_serializer():
    kinds = Labels(OrganisationKind.choices)
    profile_path = path_for_id("website:organisation")

    def serialize(o):
        public = o.consent_given_at is not None
        return {
            "id": o.pk,
            "name": o.name,
            "kind": o.kind,
            "kind_label": kinds[o.kind],
            "municipality": {"id": o.municipality_id, "name": o.municipality.name},
            "countries": o.api_countries,
            "topics": o.api_topics,
            "engagement_forms": o.api_engagement_forms,
            "languages": o.api_languages,
            "description": o.description,
            "competences": o.competences,
            "website": o.website,
            "email": o.email,
            "phone": o.phone.as_international if o.phone else "",
            "address": o.address,
            "founded": o.founded,
            "is_public": public,
            "profile_url": absolute(profile_path(o.pk)) if public else None,
            "updated_at": o.updated_at,
        }

    return serialize


OrganisationPage = schemas.page_of(schemas.OrganisationOut, "OrganisationPage")


@api.get(
    "/organisations",
    response=responses(OrganisationPage),
    tags=["actors"],
    operation_id="list_organisations",
    summary="Organisations",
)
def list_organisations(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    q: Text = None,
    municipality: OptionalId = None,
    kind: Annotated[OrganisationKindParam | None, Query(None)] = None,
    country: CountryCode = None,
    topic: TopicCode = None,
    public: Annotated[
        bool | None, Query(None, description="Only public (true) or non-public (false) ones.")
    ] = None,
    updated_since: UpdatedSince = None,
    order: Annotated[OrganisationOrder, Query(OrganisationOrder.name)] = OrganisationOrder.name,
):
    """Anonymously the organisations that consented to publication (the website's directory);
    with a token also those the user's role covers."""
    queryset = search(organisation_queryset(reader(request)), q)
    if municipality:
        queryset = queryset.filter(municipality_id=municipality)
    if kind:
        queryset = queryset.filter(kind=kind.value)
    if country:
        queryset = queryset.filter(
            _through_exists(Organisation, "countries", country__code=country.upper())
        )
    if topic:
        queryset = queryset.filter(_through_exists(Organisation, "topics", topic__code=topic))
    if public is not None:
        queryset = queryset.filter(consent_given_at__isnull=not public)
    if updated_since:
        queryset = queryset.filter(updated_at__gte=_aware(updated_since))
    queryset = queryset.order_by(*ORGANISATION_ORDER[order.value])
    return paginate(
        request, queryset, limit, offset, organisation_serializer(), prepare=attach_lists
    )


@api.get(
    "/organisations/{organisation_id}",
    response={200: schemas.OrganisationOut, **DETAIL_ERRORS},
    tags=["actors"],
    operation_id="get_organisation",
    summary="One organisation",
)
def get_organisation(request, organisation_id: Id):
    organisation = get_object_or_404(organisation_queryset(reader(request)), pk=organisation_id)
    attach_lists([organisation])
    return organisation_serializer()(organisation)


# People


def person_queryset(user):
    signed_in = user.is_authenticated and user.is_active
    memberships = Membership.objects.filter(
        organisation__in=Organisation.objects.filter(visibility.organisations_q(user))
    ).select_related("organisation")
    if not signed_in:
        memberships = memberships.filter(visibility.current_membership_q())
    return (
        Person.objects.filter(visibility.people_q(user))
        .annotate(details=visibility.person_details_annotation(user))
        .select_related("municipality")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=memberships.order_by("organisation__name_key", "pk").only(
                    "person_id",
                    "role",
                    "is_contact",
                    "started_on",
                    "ended_on",
                    "organisation__id",
                    "organisation__name",
                ),
            ),
            # Details are for token users only.
            *(["languages", "countries"] if signed_in else []),
        )
    )


def person_out(p):
    details = bool(p.details)
    return {
        "id": p.pk,
        "name": p.name,
        "is_public": p.consent_given_at is not None,
        "memberships": [
            {
                "organisation": ref(m.organisation),
                "role": m.role,
                "is_contact": m.is_contact,
                "started_on": m.started_on,
                "ended_on": m.ended_on,
            }
            for m in p.memberships.all()
        ],
        "details": details,
        "email": p.email if details else None,
        "phone": (p.phone.as_international if p.phone else "") if details else None,
        "municipality": (ref(p.municipality) if p.municipality else None) if details else None,
        "languages": coded(sorted(p.languages.all(), key=lambda x: x.code)) if details else None,
        "countries": coded(sorted(p.countries.all(), key=lambda x: x.code)) if details else None,
        "competences": p.competences if details else None,
        "is_decision_maker": p.is_decision_maker if details else None,
        "is_multiplier": p.is_multiplier if details else None,
        "updated_at": p.updated_at,
    }


PersonPage = schemas.page_of(schemas.PersonOut, "PersonPage")


@api.get(
    "/people",
    response=responses(PersonPage),
    tags=["actors"],
    operation_id="list_people",
    summary="People",
)
def list_people(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    q: Text = None,
    organisation: OptionalId = None,
    municipality: OptionalId = None,
    updated_since: UpdatedSince = None,
):
    """Anonymously the people who consented to publication, with their name and current
    memberships in public organisations (as organisation profiles show them); with a token
    those the user's role covers, with details where the role allows."""
    user = reader(request)
    queryset = person_queryset(user)
    if user.is_authenticated:
        queryset = search(queryset, q)
    else:
        # Anonymously the name only: the search text also holds e-mail addresses.
        for term in search_terms(q):
            queryset = queryset.filter(name__icontains=term)
    if organisation:
        memberships = Membership.objects.filter(organisation_id=organisation).filter(
            organisation__in=Organisation.objects.filter(visibility.organisations_q(user))
        )
        if not user.is_authenticated:
            memberships = memberships.filter(visibility.current_membership_q())
        queryset = queryset.filter(pk__in=memberships.values("person_id"))
    if municipality:
        queryset = queryset.filter(
            Q(municipality_id=municipality)
            | Q(
                pk__in=Membership.objects.filter(organisation__municipality_id=municipality).values(
                    "person_id"
                )
            )
        )
    if updated_since:
        queryset = queryset.filter(updated_at__gte=_aware(updated_since))
    queryset = queryset.order_by("name", "pk")
    return paginate(request, queryset, limit, offset, person_out)


@api.get(
    "/people/{person_id}",
    response={200: schemas.PersonOut, **DETAIL_ERRORS},
    tags=["actors"],
    operation_id="get_person",
    summary="One person",
)
def get_person(request, person_id: Id):
    return person_out(get_object_or_404(person_queryset(reader(request)), pk=person_id))


# Events


def event_queryset(user):
    return (
        Event.objects.filter(visibility.events_q(user))
        .select_related("program", "process__municipality")
        .annotate(
            places_held=Count(
                "registrations", filter=Q(registrations__status__in=Registration.HOLDS_PLACE)
            )
        )
        .prefetch_related("languages")
    )


def program_ref(program):
    return ref(program, localized(program, "name"))


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
        "languages": coded(sorted(e.languages.all(), key=lambda x: x.code)),
        "updated_at": e.updated_at,
    }


EventPage = schemas.page_of(schemas.EventOut, "EventPage")


@api.get(
    "/events",
    response=responses(EventPage),
    tags=["events"],
    operation_id="list_events",
    summary="Events",
)
def list_events(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    municipality: OptionalId = None,
    program: OptionalId = None,
    kind: Annotated[WorkshopKindParam | None, Query(None)] = None,
    starts_from: Annotated[date | None, Query(None, description="Starting on or after.")] = None,
    starts_until: Annotated[date | None, Query(None, description="Starting on or before.")] = None,
    updated_since: UpdatedSince = None,
):
    """Anonymously the published events (the website's calendar); with a token also the
    workshops of the user's municipalities. Ordered by start."""
    queryset = event_queryset(reader(request))
    if municipality:
        queryset = queryset.filter(process__municipality_id=municipality)
    if program:
        queryset = queryset.filter(program_id=program)
    if kind:
        queryset = queryset.filter(kind=kind.value)
    if starts_from:
        queryset = queryset.filter(starts_at__date__gte=starts_from)
    if starts_until:
        queryset = queryset.filter(starts_at__date__lte=starts_until)
    if updated_since:
        queryset = queryset.filter(updated_at__gte=_aware(updated_since))
    queryset = queryset.order_by(F("starts_at").asc(nulls_last=True), "position", "pk")
    now = timezone.now()
    return paginate(request, queryset, limit, offset, lambda e: event_out(e, now))


@api.get(
    "/events/{event_id}",
    response={200: schemas.EventOut, **DETAIL_ERRORS},
    tags=["events"],
    operation_id="get_event",
    summary="One event",
)
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


RegistrationPage = schemas.page_of(schemas.RegistrationOut, "RegistrationPage")


@api.get(
    "/registrations/mine",
    response=responses(RegistrationPage),
    auth=TOKEN_ONLY,
    tags=["events"],
    operation_id="my_registrations",
    summary="The token user's own registrations",
)
def my_registrations(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    status: Annotated[RegistrationStatusParam | None, Query(None)] = None,
):
    """The registrations (and waiting-list places) of the person linked to the token's user
    account. Needs a token."""
    queryset = (
        Registration.objects.filter(person__user=reader(request))
        .select_related("event", "person")
        .order_by(F("event__starts_at").asc(nulls_last=True), "pk")
    )
    if status:
        queryset = queryset.filter(status=status.value)
    return paginate(request, queryset, limit, offset, registration_out)


# Goals and results


def goal_queryset(user):
    return Goal.objects.filter(visibility.goals_q(user)).select_related(
        "process__program", "process__municipality", "responsible", "rating"
    )


def _rating(goal):
    try:
        return goal.rating
    except Goal.rating.RelatedObjectDoesNotExist:
        return None


def goal_out(g, user):
    rating = _rating(g)
    responsible = g.responsible
    return {
        "id": g.pk,
        "title": g.title,
        "description": g.description,
        "indicator": g.indicator,
        "program": program_ref(g.process.program),
        "municipality": ref(g.process.municipality),
        "target_date": g.target_date,
        "responsible": ref(responsible)
        if responsible is not None and visibility.sees_organisation(user, responsible)
        else None,
        "rating": rating.rating if rating else None,
        "rating_label": label(rating, "rating") if rating else None,
        "is_public": g.is_public,
        "created_at": g.created_at,
    }


GoalPage = schemas.page_of(schemas.GoalOut, "GoalPage")


@api.get(
    "/goals",
    response=responses(GoalPage),
    tags=["programs"],
    operation_id="list_goals",
    summary="Goals of the local processes",
)
def list_goals(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    municipality: OptionalId = None,
    program: OptionalId = None,
):
    """Anonymously the goals marked public (as on the municipality pages); with a token also
    those of the user's municipalities."""
    user = reader(request)
    queryset = goal_queryset(user)
    if municipality:
        queryset = queryset.filter(process__municipality_id=municipality)
    if program:
        queryset = queryset.filter(process__program_id=program)
    queryset = queryset.order_by("process__program_id", "process__municipality__name", "pk")
    return paginate(request, queryset, limit, offset, lambda g: goal_out(g, user))


@api.get(
    "/goals/{goal_id}",
    response={200: schemas.GoalOut, **DETAIL_ERRORS},
    tags=["programs"],
    operation_id="get_goal",
    summary="One goal",
)
def get_goal(request, goal_id: Id):
    user = reader(request)
    return goal_out(get_object_or_404(goal_queryset(user), pk=goal_id), user)


def result_queryset(user):
    return (
        Result.objects.filter(visibility.results_q(user))
        .select_related("workshop__program", "workshop__process__municipality")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.filter(visibility.goals_q(user)).only("id").order_by("pk"),
            ),
            Prefetch(
                "organisations",
                queryset=Organisation.objects.filter(visibility.organisations_q(user))
                .only("id", "name")
                .order_by("name_key", "pk"),
            ),
        )
    )


def result_out(r):
    workshop = r.workshop
    municipality = workshop.process.municipality if workshop.process_id else None
    return {
        "id": r.pk,
        "kind": r.kind,
        "kind_label": label(r, "kind"),
        "text": r.text,
        "status": r.status,
        "status_label": label(r, "status"),
        "event_id": r.workshop_id,
        "program": program_ref(workshop.program),
        "municipality": ref(municipality) if municipality else None,
        "goals": [goal.pk for goal in r.goals.all()],
        "organisations": [ref(o) for o in r.organisations.all()],
        "is_public": r.is_public,
        "created_at": r.created_at,
    }


ResultPage = schemas.page_of(schemas.ResultOut, "ResultPage")


@api.get(
    "/results",
    response=responses(ResultPage),
    tags=["programs"],
    operation_id="list_results",
    summary="Results of the workshops",
)
def list_results(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    municipality: OptionalId = None,
    program: OptionalId = None,
    kind: Annotated[ResultKindParam | None, Query(None)] = None,
    status: Annotated[ResultStatusParam | None, Query(None)] = None,
):
    """Anonymously the results marked public; with a token also those of the user's
    municipalities."""
    queryset = result_queryset(reader(request))
    if municipality:
        queryset = queryset.filter(workshop__process__municipality_id=municipality)
    if program:
        queryset = queryset.filter(workshop__program_id=program)
    if kind:
        queryset = queryset.filter(kind=kind.value)
    if status:
        queryset = queryset.filter(status=status.value)
    queryset = queryset.order_by("workshop__program_id", "workshop_id", "pk")
    return paginate(request, queryset, limit, offset, result_out)


@api.get(
    "/results/{result_id}",
    response={200: schemas.ResultOut, **DETAIL_ERRORS},
    tags=["programs"],
    operation_id="get_result",
    summary="One result",
)
def get_result(request, result_id: Id):
    return result_out(get_object_or_404(result_queryset(reader(request)), pk=result_id))
