"""The pages for invitations, roles and accepting an invitation, in German and English, pass
axe-core's WCAG 2.1 A and AA checks; the whole way from invitation to signed in works."""

import re

import pytest
from playwright.sync_api import expect

from bruecken.accounts import services
from bruecken.accounts.models import Role
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]

PASSWORD = "Ein langes, gutes Passwort 42"


def test_invitation_pages(page, live_server, demo, log_in, language):
    kiel = demo.kiel_coordinator.roles.get().municipality
    invitation = services.invite(
        demo.office, "neu@example.org", Role.FACILITATOR, municipality=kiel
    )
    log_in(demo.kiel_coordinator)
    open_page(page, url(live_server, language, "staff_accounts:invitation_list"))
    expect(page.locator("main tbody tr")).to_have_count(1)
    assert_accessible(page)
    open_page(page, url(live_server, language, "staff_accounts:invitation_revoke", invitation.pk))
    assert_accessible(page)
    open_page(page, url(live_server, language, "staff_accounts:invitation_create"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)


def test_role_pages(page, live_server, demo, log_in, language):
    log_in(demo.office)
    open_page(page, url(live_server, language, "staff_accounts:role_list"))
    expect(page.locator("main tbody tr")).not_to_have_count(0)
    assert_accessible(page)
    open_page(page, url(live_server, language, "staff_accounts:role_grant"))
    assert_accessible(page)


def test_accepting_an_invitation(page, live_server, demo, language, mailoutbox):
    kiel = demo.kiel_coordinator.roles.get().municipality
    # No outer transaction here: the e-mail leaves as the service commits.
    services.invite(demo.office, "neu@example.org", Role.FACILITATOR, municipality=kiel)
    token = re.search(r"/invitations/([^/\s]+)/", mailoutbox[-1].body).group(1)
    accept = url(live_server, language, "invitations:accept", token)
    open_page(page, accept)
    assert_accessible(page)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD + "x")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/invitations/"))
    open_page(page, accept, status=410)
    assert_accessible(page)
