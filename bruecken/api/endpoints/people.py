"""People, their memberships and, where the reader's role allows, their details."""

from django.db.models import BooleanField, Case, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404

from bruecken import fulltext
from bruecken.accounts import roles
from bruecken.actors.models import Membership, Organisation, Person

from .. import schemas
from .base import (
    DEFAULT_LIMIT,
    Area,
    Id,
    Limit,
    Offset,
    OptionalId,
    Text,
    UpdatedSince,
    aware,
    coded,
    page,
    reader,
    ref,
)

router = Area("actors")


def memberships_shown(user):
    """Memberships in the organisations the reader sees, as far as the reader may see them
    (`Membership.objects.visible_to`: a person can withdraw being shown as a member);
    anonymously only the current ones."""
    memberships = Membership.objects.visible_to(user).filter(
        organisation__in=Organisation.objects.visible_to(user)
    )
    return memberships if user.is_authenticated else memberships.current()


def details_annotation(user):
    """True for the rows whose non-public details the user may read (the field `details`)."""
    if roles.is_program_office(user):
        return Value(True)
    if not user.is_authenticated:
        return Value(False)
    return Case(
        When(Person.visibility_q(user, private=True), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def person_queryset(user):
    memberships = memberships_shown(user).select_related("organisation")
    return (
        Person.objects.visible_to(user)
        .annotate(details=details_annotation(user))
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
            *(["languages", "countries"] if user.is_authenticated else []),
        )
    )


def person_out(p):
    details = bool(p.details)
    return {
        "id": p.pk,
        "name": p.name,
        "is_public": p.is_public,
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
        "languages": coded(p.languages.all()) if details else None,
        "countries": coded(p.countries.all()) if details else None,
        "competences": p.competences if details else None,
        "is_decision_maker": p.is_decision_maker if details else None,
        "is_multiplier": p.is_multiplier if details else None,
        "updated_at": p.updated_at,
    }


def in_organisation(user, organisation):
    """People with a membership in `organisation` that the reader sees."""
    members = memberships_shown(user).filter(organisation_id=organisation)
    return Q(pk__in=members.values("person_id"))


def in_municipality(municipality):
    """People of `municipality`, or members of its organisations."""
    members = Membership.objects.filter(organisation__municipality_id=municipality)
    return Q(municipality_id=municipality) | Q(pk__in=members.values("person_id"))


@router.list("/people", schemas.PersonOut, summary="People")
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
    # Anonymously the name only; with a token private details and e-mail addresses of those
    # the user may see them of (`search_as`).
    queryset = person_queryset(user)
    if user.is_authenticated:
        searched = queryset.search_as(user, q)
    else:
        searched = queryset.search(q, [fulltext.NAME])
    return page(
        request,
        searched,
        person_out,
        limit,
        offset,
        filters={"updated_at__gte": aware(updated_since)},
        where=[
            in_organisation(user, organisation) if organisation else None,
            in_municipality(municipality) if municipality else None,
        ],
        order=[fulltext.RANKED, "name", "pk"] if fulltext.is_ranked(searched) else ["name", "pk"],
    )


@router.detail("/people/{person_id}", schemas.PersonOut, summary="One person")
def get_person(request, person_id: Id):
    return person_out(get_object_or_404(person_queryset(reader(request)), pk=person_id))
