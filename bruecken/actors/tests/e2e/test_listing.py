"""Asking to be listed and reviewing the request, in a browser: axe-core's WCAG 2.1 A and AA
checks on the public form (empty and with errors), the queue and a request, in German and
English."""

import pytest
from playwright.sync_api import expect

from bruecken.actors.models import ListingRequest, OrganisationKind
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, pick, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def test_the_public_form(page, live_server, reference_data, language):
    open_page(page, url(live_server, language, "website:listing_request"))
    assert_accessible(page)
    # Sent without the required fields: the errors, linked to their fields, take the focus.
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)


def test_a_request_is_sent_and_reviewed(page, live_server, demo, log_in, language):
    open_page(page, url(live_server, language, "website:listing_request"))
    page.locator("#id_name").fill(f"Browser-Verein {language}")
    page.locator("#id_kind").select_option(OrganisationKind.MIGRANT_ORGANISATION)
    pick(page, "#id_municipality", demo.organisation.municipality.name[:4])
    page.locator("#id_contact_name").fill("Ama Boateng")
    page.locator("#id_contact_email").fill("ama@example.org")
    page.locator("#id_consent_processing").check()
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Ask")
    assert ListingRequest.objects.filter(name=f"Browser-Verein {language}").exists()
    assert_accessible(page)

    log_in(demo.bonn_coordinator)
    open_page(page, url(live_server, language, "actors:listing_requests"))
    expect(page.locator("tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.locator("tbody a").first.click()
    expect(page.locator("#id_reason")).to_be_visible()
    assert_accessible(page)
