"""Someone without an account follows the personal link from an e-mail: their data page, the
unsubscribe page and the question before deleting pass axe-core's WCAG 2.1 A and AA checks in
German and English, and so does the privacy policy with its periods and rights."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.tests.factories import RegistrationFactory
from bruecken.privacy import guest
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def test_guest_sees_unsubscribes_and_is_asked_before_deleting(
    page, live_server, reference_data, language
):
    person = PersonFactory(name="Amina Diallo", language=language)
    RegistrationFactory(person=person)
    with translation.override(language):
        link = guest.data_link(person).split("/", 3)[3]
    open_page(page, f"{live_server.url}/{link}")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Amina Diallo")
    assert_accessible(page)
    page.locator("main a[href$='/unsubscribe/']").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main [role=status]")).to_be_visible()
    person.refresh_from_db()
    assert person.accepts_emails is False
    assert_accessible(page)
    page.go_back()
    page.go_back()
    page.locator("main a[href$='/delete/']").click()
    expect(page.locator("main form button.button-danger")).to_be_visible()
    assert_accessible(page)
    open_page(page, url(live_server, language, "website:privacy"))
    expect(page.locator("#retention tbody tr").first).to_be_visible()
    assert_accessible(page)
