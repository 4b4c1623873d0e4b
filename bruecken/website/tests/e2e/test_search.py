"""The global search from the staff bar: reached and used with the keyboard alone, its results
page passes axe-core's WCAG 2.1 A and AA checks in German and English."""

import pytest
from playwright.sync_api import expect

from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, tab_to, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def test_office_searches_from_the_staff_bar(page, live_server, log_in, office, bonn, language):
    for number in range(7):
        OrganisationFactory(name=f"Äthiopischer Verein {number}", municipality=bonn)
    log_in(office)
    open_page(page, url(live_server, language, "website:personal_home"))
    tab_to(page, "#staff-search-q")
    page.keyboard.type("aethiopisch")
    page.keyboard.press("Enter")
    expect(page.locator("#search-organisations")).to_be_visible()
    assert page.locator("section[aria-labelledby='search-organisations'] li").count() == 5
    assert_accessible(page)
    page.locator("section[aria-labelledby='search-organisations'] p a").click()
    expect(page.locator("main li")).to_have_count(7)
    assert_accessible(page)
