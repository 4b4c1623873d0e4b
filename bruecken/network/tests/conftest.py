"""The small network most tests of the network pages use."""

import datetime

import pytest
from django.utils import timezone

from bruecken.actors.models import OrganisationKind, TieKind
from bruecken.actors.tests.factories import OrganisationFactory, TieFactory
from bruecken.events.tests.factories import EventFactory
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory

TODAY = timezone.localdate()
WORKSHOP = TODAY - datetime.timedelta(days=60)
BEFORE = WORKSHOP - datetime.timedelta(days=1)


def days(n):
    return WORKSHOP + datetime.timedelta(days=n)


@pytest.fixture
def world(bonn, kiel):
    """Bonn: two migrant organisations, an administration and an NGO (none public, but one
    migrant organisation), tied within the sides before the workshop and across after it.
    Kiel: one public NGO. One program with both, Bonn's process with one workshop."""
    program = ProgramFactory(municipalities=[bonn, kiel])
    process = LocalProcessFactory(program=program, municipality=bonn)
    EventFactory(
        process=process,
        starts_at=timezone.make_aware(datetime.datetime.combine(WORKSHOP, datetime.time(10))),
    )
    m1 = OrganisationFactory(
        name="Afrika Forum Bonn",
        municipality=bonn,
        kind=OrganisationKind.MIGRANT_ORGANISATION,
        public=True,
    )
    m2 = OrganisationFactory(
        name="Geheimer Verein", municipality=bonn, kind=OrganisationKind.MIGRANT_ORGANISATION
    )
    admin = OrganisationFactory(
        name="Stadtverwaltung Bonn Intern", municipality=bonn, kind=OrganisationKind.ADMINISTRATION
    )
    ngo = OrganisationFactory(
        name="Bonner Privat-NGO", municipality=bonn, kind=OrganisationKind.NGO
    )
    kiel_ngo = OrganisationFactory(
        name="Kieler Eine Welt", municipality=kiel, kind=OrganisationKind.NGO, public=True
    )
    TieFactory(source=m1, target=m2, started_on=days(-10))
    TieFactory(source=admin, target=ngo, started_on=days(-20))
    TieFactory(source=m1, target=admin, started_on=days(5))
    TieFactory(source=m2, target=ngo, started_on=days(6), kind=TieKind.JOINT_PROJECT)
    return {
        "program": program,
        "bonn": bonn,
        "kiel": kiel,
        "m1": m1,
        "m2": m2,
        "admin": admin,
        "ngo": ngo,
        "kiel_ngo": kiel_ngo,
    }
