import factory

from bruecken.actors.models import ListingRequest, OrganisationKind
from bruecken.places.tests.factories import MunicipalityFactory


class ListingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListingRequest

    name = factory.Sequence(lambda n: f"Afrikanischer Kulturverein {n} e.V.")
    kind = OrganisationKind.MIGRANT_ORGANISATION
    municipality = factory.SubFactory(MunicipalityFactory)
    description = "Wir fördern Bildungsprojekte in Ghana."
    contact_name = "Ama Boateng"
    contact_email = factory.Sequence(lambda n: f"ama{n}@example.org")
    contact_role = "Vorsitzende"
    publish_organisation = True
    publish_contact = False
