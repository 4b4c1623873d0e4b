import factory

from bruecken.places.models import (
    Country,
    Language,
    Municipality,
    MunicipalityKind,
    Partnership,
    PartnershipKind,
    WorldRegion,
)


class WorldRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorldRegion
        django_get_or_create = ("code",)

    code = "002"
    name_de = "Afrika"
    name_en = "Africa"


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "GH"
    name_de = "Ghana"
    name_en = "Ghana"
    region = factory.SubFactory(WorldRegionFactory)


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "de"
    name_de = "Deutsch"
    name_en = "German"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("ags",)

    name = factory.Sequence(lambda n: f"Musterstadt {n}")
    kind = MunicipalityKind.CITY
    ags = factory.Sequence(lambda n: f"05{n + 100000:06d}")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    municipality = factory.SubFactory(MunicipalityFactory)
    partner_name = factory.Sequence(lambda n: f"Partnerort {n}")
    country = factory.SubFactory(CountryFactory)
    kind = PartnershipKind.CITY
    since = 2000
