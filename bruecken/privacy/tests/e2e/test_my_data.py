"""A participant opens "Meine Daten", prepares the export and withdraws a consent; the page
passes axe-core's WCAG 2.1 A and AA checks in German and English."""

import pytest
from playwright.sync_api import expect

from bruecken.privacy.tests.my_data_fixtures import held_fixture  # noqa: F401 (fixture `held`)
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def test_participant_sees_exports_and_withdraws(
    page, live_server, log_in, reference_data, participant, held, exports_dir, language
):
    log_in(participant)
    open_page(page, url(live_server, language, "privacy:my_data"))
    expect(page.locator("#section-registrations")).to_be_visible()
    assert_accessible(page)
    page.locator("#download-heading ~ form button").click()
    expect(page.locator("#export-status a[download]")).to_be_visible()
    page.locator("form[action$='/consent/membership/'] button").click()
    held.refresh_from_db()
    assert held.shown_as_member is False
    assert_accessible(page)
