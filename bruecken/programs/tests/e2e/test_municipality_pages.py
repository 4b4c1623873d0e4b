"""The pages for adding a municipality to a program and for a municipality's partnerships pass
axe-core's WCAG 2.1 A and AA checks in German and English, reflow at 320 px, and the
suggestions of the type-ahead fields work in the browser."""

import pytest
from playwright.sync_api import expect

from bruecken.places.tests.factories import CountryFactory, MunicipalityFactory, PartnershipFactory
from bruecken.programs.tests.factories import ProgramFactory
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import assert_reflows, open_page, pick, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


@pytest.fixture
def program(transactional_db):
    bonn = MunicipalityFactory(name="Bonn", ags="05314000")
    MunicipalityFactory(name="Leipzig", ags="14713000")
    return ProgramFactory(municipalities=[bonn])


def test_add_a_municipality(page, live_server, log_in, office, program, language):
    log_in(office)
    open_page(page, url(live_server, language, "programs:municipality_add", program.pk))
    assert_accessible(page)
    # Typed and chosen from the suggestions, by keyboard.
    pick(page, "#id_municipality", "Leip", "Leipzig")
    expect(page.locator("#id_municipality-chosen")).to_contain_text("Leipzig")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(program.name)
    assert program.municipalities.filter(name="Leipzig").exists()


def test_add_page_with_errors(page, live_server, log_in, office, program, language):
    log_in(office)
    open_page(page, url(live_server, language, "programs:municipality_add", program.pk))
    # A name no municipality has: nothing to choose, and the form is sent without a choice.
    page.locator("#id_municipality").press_sequentially("Atlantis", delay=20)
    no_matches = page.locator("[data-picker]").get_attribute("data-text-none")
    expect(page.locator("#id_municipality-status")).to_have_text(no_matches)
    expect(page.locator("#id_municipality-listbox")).to_be_hidden()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    assert_reflows(page)


def test_partnership_pages(page, live_server, log_in, office, program, language):
    bonn = program.municipalities.get()
    partnership = PartnershipFactory(
        municipality=bonn, country=CountryFactory(), partner_name="Cape Coast"
    )
    log_in(office)
    open_page(page, url(live_server, language, "partnerships:partnership_list", bonn.pk))
    assert_accessible(page)
    assert_reflows(page)
    open_page(page, url(live_server, language, "partnerships:partnership_edit", partnership.pk))
    assert_accessible(page)
    # The partnership's country is the picker's chosen one.
    chosen = page.locator("#id_country-chosen")
    expect(chosen.locator("input[name=country]")).to_have_value(str(partnership.country.pk))
    expect(chosen).to_contain_text("Ghana (GH)")
