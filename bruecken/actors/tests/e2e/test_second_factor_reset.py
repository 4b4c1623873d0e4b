"""Resetting a lost second factor from the role list, in German and English: the list and the
confirmation page pass axe-core's WCAG 2.1 A and AA checks, and confirming resets it."""

import pytest
from playwright.sync_api import expect

from bruecken.accounts import mfa
from bruecken.accounts.tests.test_mfa_reset import with_second_factor
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def test_office_resets_a_second_factor(page, live_server, demo, log_in, language):
    coordinator = with_second_factor(demo.kiel_coordinator)
    log_in(demo.office)
    open_page(page, url(live_server, language, "staff_accounts:role_list"))
    link = page.locator(f"main a[href$='/users/{coordinator.pk}/second-factor/reset/']")
    expect(link).to_have_count(1)
    assert_accessible(page)
    link.click()
    expect(page.locator("main h1")).to_contain_text(coordinator.email)
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main h1")).to_be_visible()
    assert not mfa.has_second_factor(coordinator)
