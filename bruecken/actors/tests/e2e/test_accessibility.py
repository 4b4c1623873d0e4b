"""Every kind of page, in German and English, passes axe-core's WCAG 2.1 A and AA checks."""

import pytest
from playwright.sync_api import expect

from bruecken.actors import services
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def test_home(page, live_server, reference_data, language):
    open_page(page, url(live_server, language, "home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Brücken")
    expect(page.locator(".card")).not_to_have_count(0)
    assert_accessible(page)


def test_login(page, live_server, reference_data, language):
    open_page(page, url(live_server, language, "accounts:login"))
    expect(page.locator("input[name=username]")).to_be_focused()
    assert_accessible(page)


def test_login_with_wrong_password(page, live_server, demo, language):
    open_page(page, url(live_server, language, "accounts:login"))
    page.locator("input[name=username]").fill("coordinator.bonn@demo.bruecken.de")
    page.locator("input[name=password]").fill("not the password")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_focused()
    assert "/accounts/login/" in page.url
    if language == "en":
        expect(page.get_by_role("alert")).to_contain_text("password is not correct")
    assert_accessible(page)


@pytest.mark.parametrize("name", ["actors:organisation_list", "actors:person_list"])
def test_list(page, live_server, demo, log_in, language, name):
    log_in(demo.bonn_coordinator)
    open_page(page, url(live_server, language, name))
    expect(page.locator("#results tbody tr")).not_to_have_count(0)
    assert_accessible(page)


def test_organisation_list_filtered(page, live_server, demo, log_in, language):
    log_in(demo.bonn_coordinator)
    query = "?country=GH&kind=migrant_organisation"
    open_page(page, url(live_server, language, "actors:organisation_list", query=query))
    expect(page.locator(".picker-chosen input[name=country]")).to_have_value("GH")
    expect(page.locator("#id_kind")).to_have_value("migrant_organisation")
    expect(page.locator("#results tbody tr")).not_to_have_count(0)
    assert_accessible(page)


def test_organisation_detail(page, live_server, demo, log_in, language):
    organisation = demo.organisation
    services.update_organisation(
        demo.bonn_coordinator, organisation, {"description": "Neue Beschreibung"}
    )
    log_in(demo.bonn_coordinator)
    open_page(page, url(live_server, language, "actors:organisation_detail", organisation.pk))
    for section in ("consent-heading", "members-heading", "ties-heading", "history-heading"):
        expect(page.locator(f"section[aria-labelledby={section}]")).to_be_visible()
    expect(page.locator("section[aria-labelledby=members-heading] tbody tr")).not_to_have_count(0)
    expect(page.locator("section[aria-labelledby=ties-heading] tbody tr")).not_to_have_count(0)
    expect(page.locator(".history li")).not_to_have_count(0)
    assert_accessible(page)


def test_organisation_create_submitted_empty(page, live_server, demo, log_in, language):
    log_in(demo.bonn_coordinator)
    open_page(page, url(live_server, language, "actors:organisation_create"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".field-error")).not_to_have_count(0)
    expect(page.locator("#id_name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_person_detail(page, live_server, demo, log_in, language):
    log_in(demo.bonn_coordinator)
    open_page(page, url(live_server, language, "actors:person_detail", demo.person.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text(demo.person.name)
    assert_accessible(page)


def test_person_form(page, live_server, demo, log_in, language):
    log_in(demo.bonn_coordinator)
    open_page(page, url(live_server, language, "actors:person_edit", demo.person.pk))
    expect(page.locator("#id_name")).to_have_value(demo.person.name)
    assert_accessible(page)


def test_tie_form(page, live_server, demo, log_in, language):
    log_in(demo.bonn_coordinator)
    open_page(page, url(live_server, language, "actors:tie_add", demo.organisation.pk))
    expect(page.locator("#id_target")).to_be_visible()
    assert_accessible(page)


def test_membership_form(page, live_server, demo, log_in, language):
    log_in(demo.bonn_coordinator)
    open_page(page, url(live_server, language, "actors:membership_add", demo.organisation.pk))
    expect(page.locator("#id_person")).to_be_visible()
    assert_accessible(page)


def test_permission_denied_page(page, live_server, demo, log_in, language):
    log_in(demo.kiel_coordinator)
    address = url(live_server, language, "actors:organisation_edit", demo.organisation.pk)
    open_page(page, address, status=403)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_not_found_page(page, live_server, demo, log_in, language):
    log_in(demo.bonn_coordinator)
    open_page(page, url(live_server, language, "actors:organisation_detail", 999_999), status=404)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
