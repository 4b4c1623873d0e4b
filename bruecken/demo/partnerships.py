"""The demo's partnership profiles: Leipzig's partnership with Addis Abeba seeks contacts in
water and education, works in Amharic and English, and is carried by the city's office for
international cooperation, so that the matching puts Leipzig's Ethiopian organisations first.
Entered by the demo program office through the services (audited); running it again changes
nothing."""

from django.db import transaction

from bruecken.actors.models import EngagementForm, Organisation, OrganisationKind, Topic
from bruecken.actors.services import create_organisation
from bruecken.partnerships.services import update_partnership
from bruecken.places.models import Language, Municipality, Partnership, PartnershipStatus

from .accounts import demo_office

LEIPZIG = "14713000"
CARRIER = "Stadt Leipzig – Referat Internationale Zusammenarbeit"
PROFILES = {
    (LEIPZIG, "Addis Abeba"): {
        "topics": ["sdg-6", "sdg-4"],
        "languages": ["am", "en"],
        "engagement_forms": ["knowledge-transfer", "aid-projects"],
    },
}


def _carrier(office, municipality):
    organisation = Organisation.objects.filter(municipality=municipality, name=CARRIER).first()
    if organisation is None:
        organisation = create_organisation(
            office,
            {
                "name": CARRIER,
                "kind": OrganisationKind.ADMINISTRATION,
                "municipality": municipality,
                "description": "Fiktive Demo-Organisation. Kommunaler Akteur der "
                "Eine-Welt-Arbeit: trägt die Städtepartnerschaften der Stadt.",
                "website": "https://referat-international-leipzig.example",
                "email": "international@leipzig.example",
            },
        )
        # No service sets the demo flag (nor should one).
        Organisation.objects.filter(pk=organisation.pk).update(is_demo=True)
    return organisation


@transaction.atomic
def create_demo_partnerships(office=None):
    """Give the demo partnerships their profiles; returns the partnerships changed or kept."""
    office = office or demo_office()
    done = []
    for (ags, partner), profile in PROFILES.items():
        partnership = Partnership.objects.filter(
            municipality__ags=ags, partner_name=partner
        ).first()
        if partnership is None:
            continue
        municipality = Municipality.objects.get(pk=partnership.municipality_id)
        values = {
            "status": PartnershipStatus.ACTIVE,
            "topics": list(Topic.objects.filter(code__in=profile["topics"])),
            "languages": list(Language.objects.filter(code__in=profile["languages"])),
            "engagement_forms": list(
                EngagementForm.objects.filter(code__in=profile["engagement_forms"])
            ),
            "carried_by": _carrier(office, municipality),
        }
        done.append(update_partnership(office, partnership, values))
    return done
