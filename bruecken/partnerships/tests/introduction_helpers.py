"""Fixtures and helpers of the introduction tests: Leipzig's partnership with Addis Abeba,
carried by the city's office for international cooperation, and an Ethiopian association."""

import re

import pytest
from django.core import mail

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import OrganisationKind
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.partnerships import introductions
from bruecken.partnerships.models import PartnershipProfile
from bruecken.places.models import Country, Partnership
from bruecken.places.tests.factories import MunicipalityFactory, PartnershipFactory

LINK = re.compile(r"/(de|en)/partnerships/introductions/answer/([A-Za-z0-9_\-]+)/")


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://bruecken.example.org"


@pytest.fixture
def ethiopia(reference_data):
    return Country.objects.get(code="ET")


@pytest.fixture
def leipzig(reference_data):
    return MunicipalityFactory(name="Leipzig", ags="14713000")


@pytest.fixture
def city_office(leipzig):
    return OrganisationFactory(
        name="Referat Internationale Zusammenarbeit",
        kind=OrganisationKind.ADMINISTRATION,
        municipality=leipzig,
        email="international@leipzig.example",
    )


@pytest.fixture
def partnership(leipzig, ethiopia, city_office):
    # The reference data holds it (the model municipalities' partnerships).
    partnership = Partnership.objects.filter(municipality=leipzig, country=ethiopia).first()
    if partnership is None:
        partnership = PartnershipFactory(
            municipality=leipzig, partner_name="Addis Abeba", country=ethiopia
        )
    PartnershipProfile.objects.update_or_create(
        partnership=partnership, defaults={"carried_by": city_office}
    )
    return partnership


@pytest.fixture
def diaspora(leipzig, ethiopia):
    """Reached through its representative's account (no address of its own), in English."""
    organisation = OrganisationFactory(
        name="Äthiopischer Verein Leipzig", municipality=leipzig, countries=[ethiopia]
    )
    representative = user_with_role(Role.REPRESENTATIVE, organisation=organisation)
    representative.language = "en"
    representative.save()
    return organisation


@pytest.fixture
def coordinator(leipzig):
    return user_with_role(Role.COORDINATOR, municipality=leipzig)


def tokens_in(messages):
    """{recipient address: token} from the e-mails' answer links."""
    found = {}
    for message in messages:
        match = LINK.search(message.body)
        if match:
            found[message.to[0]] = match.group(2)
    return found


def propose(capture, user, **kwargs):
    """Propose and run the e-mail task; returns (introduction, {address: token})."""
    before = len(mail.outbox)
    with capture(execute=True):
        introduction = introductions.propose(user, **kwargs)
    return introduction, tokens_in(mail.outbox[before:])


def answer(capture, token, accept=True):
    with capture(execute=True):
        return introductions.answer(token, accept)
