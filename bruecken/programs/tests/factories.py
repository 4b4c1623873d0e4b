import datetime

import factory

from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.programs.models import LocalProcess, Program
from bruecken.programs.services import load_default_template


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Migration und Entwicklung {n}")
    office = "Servicestelle Kommunen in der Einen Welt"
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2027, 12, 31)
    template = factory.LazyFunction(load_default_template)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


class LocalProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalProcess

    program = factory.SubFactory(ProgramFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    template = factory.SelfAttribute("program.template")
