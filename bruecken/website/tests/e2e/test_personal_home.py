"""The personal home page passes axe-core's WCAG 2.1 A and AA checks, in German and English,
with something waiting and with nothing."""

import pytest

from bruecken.accounts.tests.factories import UserFactory
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url
from bruecken.transfer.models import ImportRun
from bruecken.website.models import ContactMessage

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def test_office_home(page, live_server, log_in, office, language):
    ImportRun.objects.create(
        kind="organisations", original_name="liste.csv", status="checked", created_by=office
    )
    ContactMessage.objects.create(
        kind="contact", email="a@example.org", message="Hallo", language="de"
    )
    log_in(office)
    open_page(page, url(live_server, language, "website:personal_home"))
    assert page.locator("main li a").count() == 2
    assert_accessible(page)


def test_empty_home(page, live_server, log_in, db, language):
    log_in(UserFactory())
    open_page(page, url(live_server, language, "website:personal_home"))
    assert_accessible(page)
