"""A participant deletes their account from "Meine Daten": the page says what happens, asks for
the password, and the account is gone; the page passes axe-core's WCAG 2.1 A and AA checks in
German and English."""

import pytest
from playwright.sync_api import expect

from bruecken.accounts.tests.factories import PASSWORD
from bruecken.privacy.models import ErasureRequest
from bruecken.privacy.tests.my_data_fixtures import held_fixture  # noqa: F401 (fixture `held`)
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def test_participant_deletes_their_account(
    page, live_server, log_in, reference_data, participant, held, language
):
    log_in(participant)
    open_page(page, url(live_server, language, "privacy:my_data"))
    page.locator("main a[href$='/personal-data/delete/']").click()
    expect(page.locator("main h1")).to_be_visible()
    page.locator("main button.button-danger").click()
    # Without the password: the error summary, focused, and nothing deleted.
    expect(page.get_by_role("alert")).to_be_focused()
    assert not ErasureRequest.objects.exists()
    assert_accessible(page)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button.button-danger").click()
    expect(page.locator("main")).to_be_visible()
    held.refresh_from_db()
    participant.refresh_from_db()
    assert held.name.startswith("Gelöschte Person ")
    assert not participant.is_active
    assert ErasureRequest.objects.get().by_the_person
