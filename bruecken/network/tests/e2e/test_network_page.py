"""The network page as a browser shows it, in German and English: no WCAG 2.1 A/AA violation
that axe-core finds, with the graph and the chart drawn, and the page usable at 320 px."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import OrganisationKind
from bruecken.actors.tests.factories import OrganisationFactory, TieFactory
from bruecken.events.tests.factories import EventFactory
from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import assert_reflows

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


@pytest.fixture
def program(transactional_db):
    bonn = MunicipalityFactory(name="Bonn", ags="05314000")
    program = ProgramFactory(municipalities=[bonn])
    process = LocalProcessFactory(program=program, municipality=bonn)
    workshop = timezone.localdate() - datetime.timedelta(days=30)
    EventFactory(
        process=process,
        starts_at=timezone.make_aware(datetime.datetime.combine(workshop, datetime.time(10))),
    )
    kinds = [
        OrganisationKind.MIGRANT_ORGANISATION,
        OrganisationKind.MIGRANT_ORGANISATION,
        OrganisationKind.ADMINISTRATION,
        OrganisationKind.NGO,
    ]
    organisations = [OrganisationFactory(municipality=bonn, kind=kind) for kind in kinds]
    for (a, b), offset in zip([(0, 1), (2, 3), (0, 2), (1, 3)], [-10, -20, 5, 6], strict=True):
        TieFactory(
            source=organisations[a],
            target=organisations[b],
            started_on=workshop + datetime.timedelta(days=offset),
        )
    return program


def test_program_network_page(page, live_server, log_in, program, language):
    log_in(user_with_role(Role.PROGRAM_OFFICE))
    with translation.override(language):
        address = live_server.url + reverse("network:program", args=[program.pk])
    response = page.goto(address)
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator("#network-graph")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    assert_reflows(page)  # the graph and the chart too, redrawn at the new width


def test_bad_date_page(page, live_server, log_in, program, language):
    log_in(user_with_role(Role.PROGRAM_OFFICE))
    with translation.override(language):
        address = live_server.url + reverse("network:program", args=[program.pk])
    response = page.goto(address + "?until=2026-99-99")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
