"""The advisory pages pass axe-core's WCAG 2.1 A and AA checks, in German and English: "who was
advised on what", a piece of advice, the form and an organisation's advice."""

import pytest

from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def test_advisory_pages(page, live_server, log_in, office, advice, language):
    log_in(office)
    for name, args in (
        ("advisory:overview", []),
        ("advisory:advice_detail", [advice.pk]),
        ("advisory:advice_create", []),
        ("advisory:organisation", [advice.organisation_id]),
    ):
        open_page(page, url(live_server, language, name, *args))
        assert_accessible(page)
