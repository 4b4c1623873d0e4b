"""The partnership pages pass axe-core's WCAG 2.1 A and AA checks, in German and English: the
overview, a partnership with its suggestions, the published rule, the proposal of an
introduction, the answer page behind the e-mail's link and the list of introductions."""

import pytest

from bruecken.actors.models import OrganisationKind
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.partnerships.models import PartnershipProfile
from bruecken.partnerships.tests.introduction_helpers import propose
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


@pytest.fixture
def suggested(partnership, leipzig, ethiopia):
    PartnershipProfile.objects.get_or_create(partnership=partnership)
    return OrganisationFactory(
        name="Äthiopischer Kulturverein Leipzig",
        municipality=leipzig,
        kind=OrganisationKind.MIGRANT_ORGANISATION,
        countries=[ethiopia],
        email="kultur@example.org",
    )


def test_partnership_pages(
    page, live_server, log_in, coordinator, partnership, suggested, language
):
    log_in(coordinator)
    for name, args in (
        ("partnerships:overview", []),
        ("partnerships:partnership_detail", [partnership.pk]),
        ("partnerships:rule", []),
    ):
        open_page(page, url(live_server, language, name, *args))
        assert_accessible(page)
    assert page.locator("main").inner_text()
    open_page(
        page,
        url(live_server, language, "partnerships:introduction_propose")
        + f"?partnership={partnership.pk}&organisation={suggested.pk}",
    )
    assert_accessible(page)


def test_introduction_answer_and_list(
    page,
    live_server,
    log_in,
    coordinator,
    partnership,
    suggested,
    django_capture_on_commit_callbacks,
    language,
):
    _introduction, tokens = propose(
        django_capture_on_commit_callbacks, coordinator, partnership=partnership, second=suggested
    )
    token = tokens["kultur@example.org"]
    open_page(page, url(live_server, language, "partnerships:introduction_answer", token))
    assert_accessible(page)
    log_in(coordinator)
    open_page(page, url(live_server, language, "partnerships:introduction_list"))
    assert_accessible(page)
