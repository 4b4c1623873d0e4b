"""The frame every public page shares, in the browser: the language switch keeps the visitor on
the same page (with its filters), the page names its language versions, and the friendly
not-found page is accessible in both languages."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from bruecken.testing_browser import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_the_language_switch_keeps_the_page_and_its_filters(page, live_server, reference_data):
    page.goto(f"{live_server.url}/de/organisations/?kind=ngo&q=verein")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.get_by_role("navigation", name="Sprache").get_by_role("link", name="EN").click()
    expect(page).to_have_url(f"{live_server.url}/en/organisations/?kind=ngo&q=verein")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Search")).to_have_value("verein")
    alternates = page.locator('link[rel="alternate"][hreflang]')
    expect(alternates).to_have_count(3)
    expect(page.locator('link[rel="canonical"]')).to_have_attribute(
        "href", f"{settings.SITE_URL}/en/organisations/"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "heading"),
    [("/de/gibt-es-nicht/", "Seite nicht gefunden"), ("/en/no-such-page/", "Page not found")],
)
def test_the_not_found_page_is_friendly_and_accessible(page, live_server, path, heading):
    response = page.goto(live_server.url + path)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(
        page.get_by_role("navigation", name="Main").or_(page.locator("nav").first)
    ).to_be_visible()
    assert_accessible(page)
