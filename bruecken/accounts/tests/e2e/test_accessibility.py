"""The pages of passwords and sign-in, in German and English, pass axe-core's WCAG 2.1 A and AA
checks: the reset pages (a valid and a spent link), the code step, the password change, the
second factor's setup, its page when it is on and the recovery codes."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from bruecken.accounts import mfa
from bruecken.accounts.tests.factories import PASSWORD, UserFactory
from bruecken.accounts.tests.test_mfa import code_for
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


@pytest.fixture
def ama(transactional_db):
    return UserFactory(email="ama@example.org", full_name="Ama Owusu")


def test_reset_pages(page, live_server, ama, language):
    open_page(page, url(live_server, language, "accounts:login"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Passwort vergessen|Forgot your password")).click()
    assert_accessible(page)
    # Submitted empty: the error summary and the field's error.
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)
    assert_accessible(page)
    page.locator("input[name=email]").fill("ama@example.org")
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password_reset/done/$"))
    assert_accessible(page)
    uid = urlsafe_base64_encode(force_bytes(ama.pk))
    token = default_token_generator.make_token(ama)
    open_page(page, f"{live_server.url}/{language}/accounts/reset/{uid}/{token}/")
    expect(page.locator("input[name=new_password1]")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=new_password1]").fill("Zwei Brücken über den Rhein 1977")
    page.locator("input[name=new_password2]").fill("Zwei Brücken über den Rhein 1977")
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/reset/done/$"))
    assert_accessible(page)
    # The spent link.
    open_page(page, f"{live_server.url}/{language}/accounts/reset/{uid}/{token}/")
    expect(page.locator("input[name=new_password1]")).to_have_count(0)
    assert_accessible(page)


def test_second_factor_pages(page, live_server, ama, language, settings):
    # django-otp delays the attempt after a wrong code by a second; here the right one follows.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    open_page(page, url(live_server, language, "accounts:login"))
    page.locator("input[name=username]").fill("ama@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    open_page(page, url(live_server, language, "accounts:security"))
    expect(page.locator("svg[role=img]")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=code]").fill("000000")
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)
    assert_accessible(page)
    device = mfa.pending_device(ama)
    page.locator("input[name=code]").fill(code_for(device))
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    open_page(page, url(live_server, language, "accounts:security"))
    assert_accessible(page)
    open_page(page, url(live_server, language, "accounts:password_change"))
    assert_accessible(page)
    # Signing in again asks for the code.
    page.context.clear_cookies()
    open_page(page, url(live_server, language, "accounts:login"))
    page.locator("input[name=username]").fill("ama@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/code/$"))
    assert_accessible(page)
    device.refresh_from_db()
    page.locator("input[name=code]").fill(code_for(device, 1))
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
