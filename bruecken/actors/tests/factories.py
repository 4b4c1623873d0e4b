from datetime import UTC

import factory

from bruecken.actors.models import (
    EngagementForm,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    Tie,
    TieKind,
    Topic,
)
from bruecken.places.tests.factories import MunicipalityFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("code",)

    code = "sdg-4"
    group = Topic.Group.SDG
    name_de = "SDG 4: Hochwertige Bildung"
    name_en = "SDG 4: Quality education"
    position = 4


class EngagementFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementForm
        django_get_or_create = ("code",)

    code = "remittances"
    name_de = "Geldüberweisungen"
    name_en = "Remittances"


class OrganisationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Verein {n} e.V.")
    kind = OrganisationKind.MIGRANT_ORGANISATION
    municipality = factory.SubFactory(MunicipalityFactory)

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    class Params:
        public = factory.Trait(
            consent_given_at=factory.Faker("past_datetime", tzinfo=UTC),
            consent_given_by="Vorstand",
        )

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.set(extracted)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    municipality = factory.SubFactory(MunicipalityFactory)

    class Params:
        public = factory.Trait(
            consent_given_at=factory.Faker("past_datetime", tzinfo=UTC),
            consent_given_by="selbst",
        )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Mitglied"


class TieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tie

    source = factory.SubFactory(OrganisationFactory)
    target = factory.SubFactory(OrganisationFactory)
    kind = TieKind.COOPERATION
