"""Municipalities and their partnerships abroad: public reference data."""

from typing import Annotated

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from ninja import Query

from bruecken.places.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    Partnership,
    PartnershipKind,
    PartnershipStatus,
)
from bruecken.programs.models import Program

from .. import schemas
from .base import (
    DEFAULT_LIMIT,
    Area,
    CountryCode,
    Id,
    Limit,
    Offset,
    OptionalId,
    Text,
    choice,
    label,
    page,
    ref,
    search,
)

router = Area("places")

MunicipalityKindParam = choice("MunicipalityKind", MunicipalityKind)
FederalStateParam = choice("FederalState", FederalState)
PartnershipKindParam = choice("PartnershipKind", PartnershipKind)
PartnershipStatusParam = choice("PartnershipStatus", PartnershipStatus)


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


@router.list("/municipalities", schemas.MunicipalityOut, summary="Municipalities")
def list_municipalities(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    q: Text = None,
    kind: MunicipalityKindParam = None,
    federal_state: FederalStateParam = None,
    participating: Annotated[
        bool | None, Query(None, description="Only those in a program.")
    ] = None,
):
    """German municipalities (public reference data), by name."""
    return page(
        request,
        search(municipality_queryset(), q, "name__icontains"),
        municipality_out,
        limit,
        offset,
        filters={"kind": kind, "federal_state": federal_state, "participating": participating},
        order=["name", "pk"],
    )


@router.detail(
    "/municipalities/{municipality_id}", schemas.MunicipalityOut, summary="One municipality"
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
        "status": p.status,
        "status_label": label(p, "status"),
        "note": p.note,
        "source": p.source,
    }


@router.list("/partnerships", schemas.PartnershipOut, summary="Municipal partnerships abroad")
def list_partnerships(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    municipality: OptionalId = None,
    country: CountryCode = None,
    kind: PartnershipKindParam = None,
    status: PartnershipStatusParam = None,
):
    """Partnerships of municipalities with localities abroad (public, each with its source);
    `status`: active, dormant or ended."""
    return page(
        request,
        Partnership.objects.select_related("municipality", "country"),
        partnership_out,
        limit,
        offset,
        filters={
            "municipality_id": municipality,
            "country__code": country.upper() if country else None,
            "kind": kind,
            "status": status,
        },
        order=["municipality__name", "municipality_id", "partner_name", "pk"],
    )
