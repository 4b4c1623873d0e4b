"""Organisations (anonymously the website's directory; with a token what the role covers) and
the topic taxonomy their filter uses."""

from enum import StrEnum
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Query

from bruecken import fulltext
from bruecken.actors.filters import _through_exists
from bruecken.actors.models import PUBLIC, Organisation, OrganisationKind, Topic
from bruecken.links import path_for_id
from bruecken.structured_data import absolute
from bruecken.translation import is_english

from .. import schemas
from .base import (
    DEFAULT_LIMIT,
    Area,
    CountryCode,
    Id,
    Labels,
    Limit,
    Offset,
    OptionalId,
    Text,
    TopicCode,
    UpdatedSince,
    aware,
    choice,
    page,
    reader,
)

router = Area("actors")

OrganisationKindParam = choice("OrganisationKind", OrganisationKind)


class OrganisationOrder(StrEnum):
    relevance = "relevance"
    name = "name"
    updated = "updated_at"
    updated_desc = "-updated_at"
    id = "id"


RANKED = fulltext.RANKED
ORGANISATION_ORDER = {
    # The best matches for `q` first (without `q` by name).
    "relevance": [RANKED, "name_key", "pk"],
    "name": ["name_key", "pk"],
    "updated_at": ["updated_at", "pk"],
    "-updated_at": ["-updated_at", "-pk"],
    "id": ["pk"],
}


@router.list("/topics", schemas.TopicOut, summary="Topics (the codes of the topic filter)")
def list_topics(request, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0):
    """The taxonomy of organisations' topics: the 17 Sustainable Development Goals and the
    development-education topics."""
    groups = Labels(Topic.Group.choices)

    def serialize(t):
        return {"code": t.code, "name": t.name, "group": t.group, "group_label": groups[t.group]}

    return page(request, Topic.objects.all(), serialize, limit, offset, order=["position", "pk"])


def organisation_queryset(user):
    return Organisation.objects.visible_to(user).select_related("municipality")


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
            "description_en": o.description_en,
            "competences": o.competences,
            "competences_en": o.competences_en,
            "website": o.website,
            "email": o.email,
            "phone": o.phone.as_international if o.phone else "",
            "address": o.address,
            "founded": o.founded,
            "is_public": o.is_public,
            "profile_url": absolute(profile_path(o.pk)) if o.is_public else None,
            "updated_at": o.updated_at,
        }

    return serialize


@router.list("/organisations", schemas.OrganisationOut, summary="Organisations")
def list_organisations(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    q: Text = None,
    municipality: OptionalId = None,
    kind: OrganisationKindParam = None,
    country: CountryCode = None,
    topic: TopicCode = None,
    public: Annotated[
        bool | None, Query(None, description="Only public (true) or non-public (false) ones.")
    ] = None,
    updated_since: UpdatedSince = None,
    order: Annotated[
        OrganisationOrder,
        Query(
            OrganisationOrder.relevance,
            description="relevance: the best matches for q first (without q by name).",
        ),
    ] = OrganisationOrder.relevance,
):
    """Anonymously the organisations that consented to publication (the website's directory);
    with a token also those the user's role covers. `q` finds every word (folded: "athiopisch"
    finds "Äthiopischer …"; each word as a prefix) in the name, description, competences,
    countries, languages and topics (German and English names)."""
    searched = organisation_queryset(reader(request)).search(q)
    ordering = ORGANISATION_ORDER[order.value]
    if not fulltext.is_ranked(searched):
        ordering = [field for field in ordering if field != RANKED]
    return page(
        request,
        searched,
        organisation_serializer(),
        limit,
        offset,
        filters={
            "municipality_id": municipality,
            "kind": kind,
            "updated_at__gte": aware(updated_since),
        },
        where=[
            _through_exists(Organisation, "countries", country__code=country.upper())
            if country
            else None,
            _through_exists(Organisation, "topics", topic__code=topic) if topic else None,
            None if public is None else (PUBLIC if public else ~PUBLIC),
        ],
        order=ordering,
        prepare=attach_lists,
    )


@router.detail(
    "/organisations/{organisation_id}", schemas.OrganisationOut, summary="One organisation"
)
def get_organisation(request, organisation_id: Id):
    organisation = get_object_or_404(organisation_queryset(reader(request)), pk=organisation_id)
    attach_lists([organisation])
    return organisation_serializer()(organisation)
